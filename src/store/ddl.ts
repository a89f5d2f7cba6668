/**
 * The store's core tables (docs/store.md documents every column for users of any DuckDB client).
 * Other areas add their own tables (snapshots, data quality, drift, golden runs) in their folders.
 * Column names here are a contract: queries across the project use them.
 */

export const CORE_DDL = [
  `CREATE TABLE IF NOT EXISTS scenarios (
    scenario_id VARCHAR PRIMARY KEY,
    first_year INTEGER NOT NULL,
    last_year INTEGER NOT NULL,
    plan_design_id VARCHAR NOT NULL,
    plan_design JSON NOT NULL,
    seed BIGINT,
    created_at TIMESTAMP NOT NULL,
    engine_version VARCHAR NOT NULL,
    ledger_version VARCHAR NOT NULL,
    status VARCHAR NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS dim_participants (
    scenario_id VARCHAR NOT NULL,
    employee_id VARCHAR NOT NULL,
    birth_date DATE NOT NULL,
    hire_date DATE NOT NULL,
    annual_compensation DECIMAL(18,6) NOT NULL,
    job_level INTEGER NOT NULL,
    department VARCHAR NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS fct_yearly_events (
    seq BIGINT NOT NULL,
    event_id UUID NOT NULL,
    scenario_id VARCHAR NOT NULL,
    plan_design_id VARCHAR NOT NULL,
    employee_id VARCHAR NOT NULL,
    effective_date DATE NOT NULL,
    simulation_year INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    source_system VARCHAR NOT NULL,
    correlation_id VARCHAR,
    event_type VARCHAR NOT NULL,
    plan_id VARCHAR,
    source VARCHAR,
    amount DECIMAL(18,6),
    ytd_amount DECIMAL(18,6),
    vested_percentage DECIMAL(5,4),
    payload VARCHAR NOT NULL
  )`,
  // Added for ingest (docs/store.md, "Nothing lost"): every rejected line with its reasons.
  `CREATE TABLE IF NOT EXISTS event_rejections (
    batch_id BIGINT NOT NULL,
    source VARCHAR NOT NULL,
    line BIGINT NOT NULL,
    raw_text VARCHAR NOT NULL,
    reasons JSON NOT NULL,
    rejected_at TIMESTAMP NOT NULL
  )`,
  // Added for ingest: one row per committed batch, written in the batch's own transaction, so
  // that the table lists exactly the batches whose events are stored (docs/store.md, "Crash safety").
  `CREATE TABLE IF NOT EXISTS ingest_batches (
    batch_id BIGINT PRIMARY KEY,
    run_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    sha256 VARCHAR,
    first_line BIGINT,
    last_line BIGINT,
    read_count BIGINT NOT NULL,
    accepted_count BIGINT NOT NULL,
    rejected_count BIGINT NOT NULL,
    duplicate_count BIGINT NOT NULL,
    first_seq BIGINT,
    last_seq BIGINT,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    status VARCHAR NOT NULL
  )`,
  // Added for history at scale (docs/store.md, "Layout"): where each participant's events sit
  // in the sequence. Events arrive clustered by participant and are stored in seq order, so
  // seq zonemaps turn a participant's range into one or two row groups to scan.
  `CREATE TABLE IF NOT EXISTS participant_event_ranges (
    scenario_id VARCHAR NOT NULL,
    employee_id VARCHAR NOT NULL,
    first_seq BIGINT NOT NULL,
    last_seq BIGINT NOT NULL,
    event_count BIGINT NOT NULL,
    PRIMARY KEY (scenario_id, employee_id)
  )`,
  // Locating one participant (history, balances): DuckDB 1.5 scans an ART index only for an
  // equality on its column with no other filter pushed into the scan, so it never uses the
  // compound primary key for (scenario, employee); both tables are indexed on employee_id alone
  // (docs/store.md, "Layout and history at scale").
  'CREATE INDEX IF NOT EXISTS participant_event_ranges_employee ON participant_event_ranges (employee_id)',
  'CREATE INDEX IF NOT EXISTS dim_participants_employee ON dim_participants (employee_id)',
];
