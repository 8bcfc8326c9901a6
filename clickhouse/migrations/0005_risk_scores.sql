-- why: the risk models score entities periodically and on events: a SKU-location's stockout ('stockout'), an
-- order's or a site × carrier × cutoff's chance to miss its cutoff ('cutoff_order', 'cutoff_wave'), a series'
-- anomaly ('anomaly'). Dashboards and alerts ask "the latest score of every entity of a kind, highest risk
-- first"; planners ask "how did this entity's score move". The scoring job writes here directly (scores are
-- derived, not operational events, and are not on the OPS stream; contracts/risk.ts).
-- risk_scores keeps every score for 30 days (the backtests of live scores look back a few weeks), in daily
-- partitions that the TTL drops whole; its key (kind, site, entity, scored_at) makes one entity's history a
-- key range. At 50k SKU-locations scored every 15 minutes that is ~5M rows a day, so "latest per entity" is
-- not read from it: risk_scores_latest, fed by a materialized view, is a ReplacingMergeTree on
-- (kind, site, entity) with scored_at as the version, so a read with FINAL sees exactly each entity's newest
-- score over ~one row per entity (unpartitioned by day on purpose: FINAL only collapses rows within a
-- partition). An entity no longer scored ages out of it after 30 days.
-- A retried insert is dropped by the deduplication window (insertJsonLines sends a token derived from the
-- bytes); a duplicate that still lands is harmless in the latest table (same key and version).
-- Typed columns for dashboards beside the free-form `details` JSON: stockout date, days of cover, reorder
-- quantity (stockout); predicted completion (cutoff); observed and expected values (anomaly). NULL when the
-- kind has none; days_of_cover NULL also means no demand at all (infinite cover).

CREATE TABLE IF NOT EXISTS risk_scores (
  scored_at DateTime64(3, 'UTC'),
  kind LowCardinality(String),
  entity String,
  site LowCardinality(String),
  sku String,
  score Float64,
  model LowCardinality(String),
  model_version LowCardinality(String),
  explanation String,
  details String CODEC(ZSTD(1)),
  stockout_date Nullable(Date),
  days_of_cover Nullable(Float64),
  reorder_qty Nullable(Int64),
  predicted_completion_at Nullable(DateTime64(3, 'UTC')),
  observed Nullable(Float64),
  expected Nullable(Float64)
) ENGINE = MergeTree
PARTITION BY toYYYYMMDD(scored_at)
ORDER BY (kind, site, entity, scored_at)
TTL toDateTime(scored_at) + INTERVAL 30 DAY
SETTINGS non_replicated_deduplication_window = 100, ttl_only_drop_parts = 1;

CREATE TABLE IF NOT EXISTS risk_scores_latest (
  scored_at DateTime64(3, 'UTC'),
  kind LowCardinality(String),
  entity String,
  site LowCardinality(String),
  sku String,
  score Float64,
  model LowCardinality(String),
  model_version LowCardinality(String),
  explanation String,
  details String CODEC(ZSTD(1)),
  stockout_date Nullable(Date),
  days_of_cover Nullable(Float64),
  reorder_qty Nullable(Int64),
  predicted_completion_at Nullable(DateTime64(3, 'UTC')),
  observed Nullable(Float64),
  expected Nullable(Float64)
) ENGINE = ReplacingMergeTree(scored_at)
PARTITION BY kind
ORDER BY (kind, site, entity)
TTL toDateTime(scored_at) + INTERVAL 30 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS risk_scores_latest_mv TO risk_scores_latest AS
SELECT scored_at, kind, entity, site, sku, score, model, model_version, explanation, details, stockout_date,
       days_of_cover, reorder_qty, predicted_completion_at, observed, expected
FROM risk_scores;
