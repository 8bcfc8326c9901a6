-- why: the allocation service emits every change to a governed inventory state as `inventory.moved`; planners
-- need the current position per SKU-location-state, a daily history, and proof that the service and the
-- ledger agree (the drift detector).
-- inventory_events is the family's raw table, laid out and deduplicated like the tables in 0001. One event
-- carries every movement of one allocation log batch at one location (a publish per movement was ~15% of the
-- allocation leader's CPU, measured); `movements` is an Array(Tuple) that a materialized view ARRAY JOINs into
-- inventory_ledger, one row per movement.
-- Duplicates: a duplicate event that got past the upstream layers lands in the raw table twice, and a
-- materialized view sees every insert, so it reaches the ledger twice as well. The ledger is therefore a
-- ReplacingMergeTree keyed by (location, sku, state, event_id, movement_index): a duplicate movement
-- collapses on merge and on read with FINAL.
-- Positions and daily history are plain views over `inventory_ledger FINAL`, not SummingMergeTree rollups:
-- a rollup fed by a materialized view sums the duplicate too and can never take it back (merges collapse
-- rows that share a key, they do not know which inserts were repeats), so it would drift from the ledger by
-- exactly what the drift detector is there to catch. Per-SKU reads are a primary-key range of the ledger;
-- a read of every position (the positions page, the drift detector) streams the ledger's key and delta
-- columns through the FINAL merge. When that scan gets slow, the next step is an exact snapshot at a log
-- sequence the drift detector has confirmed, plus the movements after it, not a rollup.
-- Days are UTC days. The drift tables are the detector's output, kept 30 days; a summary row per check says
-- when it ran, at which log sequence and over how many positions, so a clean check is visible too.

CREATE TABLE IF NOT EXISTS inventory_events (
  event_id String,
  type LowCardinality(String),
  occurred_at DateTime64(3, 'UTC'),
  ingested_at DateTime64(3, 'UTC') DEFAULT now64(3),
  source LowCardinality(String),
  site LowCardinality(String),
  schema_version UInt16,
  stream_seq UInt64,
  log_seq UInt64,
  movements Array(Tuple(sku String, state LowCardinality(String), delta Int64, channel LowCardinality(String),
    reason LowCardinality(String), reference String, cause_event_id String)),
  payload String CODEC(ZSTD(1)),
  INDEX idx_event_id event_id TYPE bloom_filter(0.01) GRANULARITY 4,
  INDEX idx_ingested ingested_at TYPE minmax GRANULARITY 1
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (site, occurred_at, event_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS ingest_rate_inventory_mv TO ingest_rate AS
SELECT toStartOfSecond(ingested_at) AS second, 'inventory' AS family, source, count() AS events
FROM inventory_events GROUP BY second, source;

CREATE TABLE IF NOT EXISTS inventory_ledger (
  event_id String,
  movement_index UInt16,
  occurred_at DateTime64(3, 'UTC'),
  location LowCardinality(String),
  sku String,
  state LowCardinality(String),
  delta Int64,
  channel LowCardinality(String),
  reason LowCardinality(String),
  reference String,
  log_seq UInt64,
  cause_event_id String
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (location, sku, state, event_id, movement_index);

CREATE MATERIALIZED VIEW IF NOT EXISTS inventory_ledger_mv TO inventory_ledger AS
SELECT event_id, toUInt16(i) AS movement_index, occurred_at, site AS location, tupleElement(m, 'sku') AS sku,
       tupleElement(m, 'state') AS state, tupleElement(m, 'delta') AS delta, tupleElement(m, 'channel') AS channel,
       tupleElement(m, 'reason') AS reason, tupleElement(m, 'reference') AS reference, log_seq,
       tupleElement(m, 'cause_event_id') AS cause_event_id
FROM inventory_events
ARRAY JOIN movements AS m, arrayEnumerate(movements) AS i;

CREATE VIEW IF NOT EXISTS inventory_positions AS
SELECT location, sku, state, sum(delta) AS qty, count() AS movements, max(log_seq) AS last_log_seq,
       max(occurred_at) AS last_moved_at
FROM inventory_ledger FINAL
GROUP BY location, sku, state;

CREATE VIEW IF NOT EXISTS inventory_daily AS
SELECT toDate(occurred_at) AS day, location, sku, state, sum(delta) AS net_delta, count() AS movements
FROM inventory_ledger FINAL
GROUP BY day, location, sku, state;

CREATE TABLE IF NOT EXISTS inventory_drift (
  checked_at DateTime64(3, 'UTC'),
  log_seq UInt64,
  location LowCardinality(String),
  sku String,
  state LowCardinality(String),
  allocation_qty Int64,
  ledger_qty Int64,
  drift Int64
) ENGINE = MergeTree
PARTITION BY toYYYYMMDD(checked_at)
ORDER BY (checked_at, location, sku, state)
TTL toDateTime(checked_at) + INTERVAL 30 DAY
SETTINGS non_replicated_deduplication_window = 100;

CREATE TABLE IF NOT EXISTS inventory_drift_checks (
  checked_at DateTime64(3, 'UTC'),
  log_seq UInt64,
  positions_checked UInt32,
  drifted UInt32,
  abs_drift UInt64
) ENGINE = MergeTree
PARTITION BY toYYYYMM(checked_at)
ORDER BY checked_at
TTL toDateTime(checked_at) + INTERVAL 30 DAY
SETTINGS non_replicated_deduplication_window = 100;
