-- why: invalid events are terminated on NATS, copied to the dead-letter stream and written here with the
-- reason, so operators can see what was refused and fix the producer. Keyed by stream sequence so a
-- redelivered reject collapses into one row; raw text capped by the writer at 64 KiB.
CREATE TABLE IF NOT EXISTS rejects (
  received_at DateTime64(3, 'UTC') DEFAULT now64(3),
  subject LowCardinality(String),
  stream_seq UInt64,
  event_id String,
  type LowCardinality(String),
  source LowCardinality(String),
  site LowCardinality(String),
  reason String,
  raw String CODEC(ZSTD(3))
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(received_at)
ORDER BY (subject, stream_seq)
SETTINGS non_replicated_deduplication_window = 1000;
