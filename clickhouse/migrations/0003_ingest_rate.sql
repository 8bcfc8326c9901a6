-- why: the live ingest page asks "events per second by family and source" every 2 s; scanning raw tables
-- for that grows with history. Materialized views roll each insert up into per-second counts (a few
-- thousand rows a day per source) that the page reads instead. Counts are of rows written, so they are a
-- rate, not the exactly-once total (read totals FINAL from the raw tables).
CREATE TABLE IF NOT EXISTS ingest_rate (
  second DateTime('UTC'),
  family LowCardinality(String),
  source LowCardinality(String),
  events UInt64
) ENGINE = SummingMergeTree
PARTITION BY toYYYYMMDD(second)
ORDER BY (second, family, source)
TTL second + INTERVAL 30 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS ingest_rate_orders_mv TO ingest_rate AS
SELECT toStartOfSecond(ingested_at) AS second, 'orders' AS family, source, count() AS events
FROM orders_events GROUP BY second, source;

CREATE MATERIALIZED VIEW IF NOT EXISTS ingest_rate_stock_mv TO ingest_rate AS
SELECT toStartOfSecond(ingested_at) AS second, 'stock' AS family, source, count() AS events
FROM stock_events GROUP BY second, source;

CREATE MATERIALIZED VIEW IF NOT EXISTS ingest_rate_carrier_mv TO ingest_rate AS
SELECT toStartOfSecond(ingested_at) AS second, 'carrier' AS family, source, count() AS events
FROM carrier_events GROUP BY second, source;

CREATE MATERIALIZED VIEW IF NOT EXISTS ingest_rate_returns_mv TO ingest_rate AS
SELECT toStartOfSecond(ingested_at) AS second, 'returns' AS family, source, count() AS events
FROM returns_events GROUP BY second, source;

CREATE MATERIALIZED VIEW IF NOT EXISTS ingest_rate_purchase_orders_mv TO ingest_rate AS
SELECT toStartOfSecond(ingested_at) AS second, 'purchase_orders' AS family, source, count() AS events
FROM purchase_order_events GROUP BY second, source;

CREATE MATERIALIZED VIEW IF NOT EXISTS ingest_rate_warehouse_mv TO ingest_rate AS
SELECT toStartOfSecond(ingested_at) AS second, 'warehouse' AS family, source, count() AS events
FROM warehouse_events GROUP BY second, source;

CREATE MATERIALIZED VIEW IF NOT EXISTS ingest_rate_rejects_mv TO ingest_rate AS
SELECT toStartOfSecond(received_at) AS second, 'rejected' AS family, source, count() AS events
FROM rejects GROUP BY second, source;
