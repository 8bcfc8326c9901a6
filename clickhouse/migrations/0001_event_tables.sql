-- why: one raw table per event family, laid out for the dashboards' access paths.
-- Exactly-once has three layers: (1) producers publish with msgID = event id, so JetStream drops re-sends
-- within its duplicate window; (2) non_replicated_deduplication_window = 1000 makes a retried identical
-- batch (the writer retries the same bytes while ClickHouse is down) a no-op; (3) ReplacingMergeTree on a
-- sorting key that ends in event_id collapses any duplicate that still slips through (a batch redelivered
-- after a crash between insert and ack), and the writer drops redelivered ids already stored.
-- Monthly partitions keep retention cheap (DROP PARTITION); LowCardinality for columns with < 10k values.

CREATE TABLE IF NOT EXISTS orders_events (
  event_id String,
  type LowCardinality(String),
  occurred_at DateTime64(3, 'UTC'),
  ingested_at DateTime64(3, 'UTC') DEFAULT now64(3),
  source LowCardinality(String),
  site LowCardinality(String),
  schema_version UInt16,
  stream_seq UInt64,
  order_id String,
  channel LowCardinality(String),
  units UInt32,
  order_value Float64,
  carrier LowCardinality(String),
  promised_ship_by Nullable(DateTime64(3, 'UTC')),
  handoff_at Nullable(DateTime64(3, 'UTC')),
  payload String CODEC(ZSTD(1)),
  INDEX idx_event_id event_id TYPE bloom_filter(0.01) GRANULARITY 4,
  INDEX idx_order_id order_id TYPE bloom_filter(0.01) GRANULARITY 4,
  INDEX idx_ingested ingested_at TYPE minmax GRANULARITY 1
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (site, type, occurred_at, event_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS stock_events (
  event_id String,
  type LowCardinality(String),
  occurred_at DateTime64(3, 'UTC'),
  ingested_at DateTime64(3, 'UTC') DEFAULT now64(3),
  source LowCardinality(String),
  site LowCardinality(String),
  schema_version UInt16,
  stream_seq UInt64,
  sku String,
  qty_delta Int32,
  reason LowCardinality(String),
  reference String,
  payload String CODEC(ZSTD(1)),
  INDEX idx_event_id event_id TYPE bloom_filter(0.01) GRANULARITY 4,
  INDEX idx_ingested ingested_at TYPE minmax GRANULARITY 1
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (site, sku, occurred_at, event_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS carrier_events (
  event_id String,
  type LowCardinality(String),
  occurred_at DateTime64(3, 'UTC'),
  ingested_at DateTime64(3, 'UTC') DEFAULT now64(3),
  source LowCardinality(String),
  site LowCardinality(String),
  schema_version UInt16,
  stream_seq UInt64,
  carrier LowCardinality(String),
  service LowCardinality(String),
  order_id String,
  tracking_number String,
  cutoff_at Nullable(DateTime64(3, 'UTC')),
  timezone LowCardinality(String),
  code LowCardinality(String),
  payload String CODEC(ZSTD(1)),
  INDEX idx_event_id event_id TYPE bloom_filter(0.01) GRANULARITY 4,
  INDEX idx_ingested ingested_at TYPE minmax GRANULARITY 1
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (site, carrier, type, occurred_at, event_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS returns_events (
  event_id String,
  type LowCardinality(String),
  occurred_at DateTime64(3, 'UTC'),
  ingested_at DateTime64(3, 'UTC') DEFAULT now64(3),
  source LowCardinality(String),
  site LowCardinality(String),
  schema_version UInt16,
  stream_seq UInt64,
  rma_id String,
  order_id String,
  sku String,
  qty UInt32,
  grade LowCardinality(String),
  disposition LowCardinality(String),
  payload String CODEC(ZSTD(1)),
  INDEX idx_event_id event_id TYPE bloom_filter(0.01) GRANULARITY 4,
  INDEX idx_ingested ingested_at TYPE minmax GRANULARITY 1
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (site, type, occurred_at, event_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS purchase_order_events (
  event_id String,
  type LowCardinality(String),
  occurred_at DateTime64(3, 'UTC'),
  ingested_at DateTime64(3, 'UTC') DEFAULT now64(3),
  source LowCardinality(String),
  site LowCardinality(String),
  schema_version UInt16,
  stream_seq UInt64,
  po_id String,
  supplier LowCardinality(String),
  supplier_region LowCardinality(String),
  units UInt32,
  expected_at Nullable(DateTime64(3, 'UTC')),
  payload String CODEC(ZSTD(1)),
  INDEX idx_event_id event_id TYPE bloom_filter(0.01) GRANULARITY 4,
  INDEX idx_ingested ingested_at TYPE minmax GRANULARITY 1
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (site, supplier, occurred_at, event_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS warehouse_events (
  event_id String,
  type LowCardinality(String),
  occurred_at DateTime64(3, 'UTC'),
  ingested_at DateTime64(3, 'UTC') DEFAULT now64(3),
  source LowCardinality(String),
  site LowCardinality(String),
  schema_version UInt16,
  stream_seq UInt64,
  wave_id String,
  station LowCardinality(String),
  units UInt32,
  pickers UInt16,
  packers UInt16,
  payload String CODEC(ZSTD(1)),
  INDEX idx_event_id event_id TYPE bloom_filter(0.01) GRANULARITY 4,
  INDEX idx_ingested ingested_at TYPE minmax GRANULARITY 1
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (site, type, occurred_at, event_id)
SETTINGS non_replicated_deduplication_window = 1000;
