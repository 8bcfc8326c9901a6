-- why: the alert engine (alerts/) keeps its live state in NATS (ALERT_STATE) but people ask "what happened to this
-- alert, who acknowledged it, when did it resolve" and "what fired at this site today" long after the notices
-- aged out of the ALERTS stream (7 days). alert_transitions stores every state change the lifecycle book makes,
-- one row per transition id (contracts/alerts.ts AlertTransitionSchema), for a year.
-- Exactly once: the engine writes transitions in small batches with retries; a retry of the same bytes is
-- dropped by the deduplication window (insertJsonLines sends a token derived from the bytes), and a transition
-- re-written in a differently composed batch (after a restart) has the same sorting key, which ends in the
-- transition id, so it collapses on merge and under FINAL. Transitions are few (hundreds to thousands a day),
-- so reads use FINAL.
-- Layout: the dashboard's hot read is "recent transitions at a site", a range of the key (site, at, …); "one
-- alert's history" is served by the bloom filter on alert_key within the monthly partitions.
-- alert_rule_versions is the audit trail of the rule set: every version the engine stores (seeded from
-- alerts/rules.default.json, or through alertctl rules-put / rules-delete) with who changed what, and the whole
-- rule set as JSON. Keyed by version, so a re-insert of one version collapses.

CREATE TABLE IF NOT EXISTS alert_transitions (
  id String,
  at DateTime64(3, 'UTC'),
  alert_key String,
  rule_id LowCardinality(String),
  type LowCardinality(String),
  site LowCardinality(String),
  labels Map(LowCardinality(String), String),
  from_state LowCardinality(String),
  to_state LowCardinality(String),
  severity LowCardinality(String),
  orders_at_risk Float64,
  revenue_at_risk Float64,
  units_at_risk Nullable(Float64),
  value Float64,
  actor String,
  comment String,
  silenced Bool,
  inhibited Bool,
  written_at DateTime64(3, 'UTC') DEFAULT now64(3),
  INDEX idx_alert_key alert_key TYPE bloom_filter(0.01) GRANULARITY 4
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (site, at, id)
TTL toDateTime(at) + INTERVAL 365 DAY
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS alert_rule_versions (
  version UInt32,
  stored_at DateTime64(3, 'UTC'),
  actor String,
  change LowCardinality(String),
  rule_id String,
  comment String,
  rule_set String CODEC(ZSTD(3))
) ENGINE = ReplacingMergeTree
ORDER BY version
SETTINGS non_replicated_deduplication_window = 100;
