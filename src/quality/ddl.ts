/**
 * Tables of the quality area (docs/quality.md documents every column). They keep every
 * data-quality run and drift check so that the report can show history.
 */

export const QUALITY_DDL = [
  `CREATE TABLE IF NOT EXISTS dq_runs (
    run_id VARCHAR PRIMARY KEY,
    scenario_id VARCHAR,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    rules_source VARCHAR NOT NULL,
    rules_total INTEGER NOT NULL,
    errors_failed INTEGER NOT NULL,
    warnings_failed INTEGER NOT NULL,
    status VARCHAR NOT NULL,
    planledger_version VARCHAR NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS dq_results (
    run_id VARCHAR NOT NULL,
    scenario_id VARCHAR,
    rule_id VARCHAR NOT NULL,
    description VARCHAR NOT NULL,
    severity VARCHAR NOT NULL,
    mostly DECIMAL(7,6) NOT NULL,
    rows_checked BIGINT NOT NULL,
    rows_failed BIGINT NOT NULL,
    pass_fraction DECIMAL(7,6) NOT NULL,
    status VARCHAR NOT NULL,
    sample JSON NOT NULL,
    milliseconds BIGINT NOT NULL,
    PRIMARY KEY (run_id, rule_id)
  )`,
  `CREATE TABLE IF NOT EXISTS drift_runs (
    run_id VARCHAR PRIMARY KEY,
    kind VARCHAR NOT NULL,
    scenario_id VARCHAR,
    baseline VARCHAR NOT NULL,
    checked_at TIMESTAMP NOT NULL,
    metrics_compared INTEGER NOT NULL,
    metrics_drifted INTEGER NOT NULL,
    drifted JSON NOT NULL,
    result JSON NOT NULL,
    status VARCHAR NOT NULL
  )`,
];
