/**
 * The store's core tables (docs/store.md documents every column for users of any DuckDB client).
 * Other areas add their own tables (snapshots, data quality, drift, golden runs) in their folders.
 * Column names here are a contract: queries across the project use them.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { COMPACT_COLUMN_DDL, COMPACT_COLUMNS, PAYLOAD_SQL, PAYLOAD_TEXT_COLUMN } from './compact-payload.js';
import { FACT_COLUMN_DDL, FACT_COLUMNS, factSql, factsSql } from './fact-columns.js';
import { inTransaction } from './transaction.js';

/**
 * The columns of an event as every SQL writer gives them, in table order, before the fact columns
 * (fact-columns.ts): `payload` is the canonical text, stored as `payload_text`
 * (EVENT_INSERT_COLUMNS; compact-payload.ts).
 */
export const EVENT_BASE_COLUMNS = [
  'seq',
  'event_id',
  'scenario_id',
  'plan_design_id',
  'employee_id',
  'effective_date',
  'simulation_year',
  'created_at',
  'source_system',
  'correlation_id',
  'event_type',
  'plan_id',
  'source',
  'amount',
  'ytd_amount',
  'vested_percentage',
  'payload',
] as const;

/**
 * The table that stores the events (docs/store.md, "fct_yearly_events"). Readers read the view
 * fct_yearly_events over it; writers write here (the appender, INSERT_EVENTS, deletes).
 */
export const EVENTS_STORED = 'fct_yearly_events_stored';

/** The events' stored table. */
const EVENTS_STORED_DDL = `CREATE TABLE IF NOT EXISTS ${EVENTS_STORED} (
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
    payload_text VARCHAR,
    ${[...FACT_COLUMN_DDL, ...COMPACT_COLUMN_DDL].join(',\n    ')}
  )`;

/**
 * fct_yearly_events, the view every reader reads: the stored columns in their order with the
 * canonical `payload` in place of `payload_text`, without the compact columns (compact-payload.ts).
 * `IF NOT EXISTS`: a writer's open that changed nothing must leave the file as it was (the balance
 * index is tied to the file's identity), so a changed definition needs a migration of its own.
 */
export const EVENTS_VIEW_DDL = `CREATE VIEW IF NOT EXISTS fct_yearly_events AS SELECT ${[
  ...EVENT_BASE_COLUMNS.map((c) => (c === 'payload' ? `${PAYLOAD_SQL} AS payload` : c)),
  ...FACT_COLUMNS.map((c) => c.name),
].join(', ')} FROM ${EVENTS_STORED}`;

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
  EVENTS_STORED_DDL,
  EVENTS_VIEW_DDL,
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
    first_plan_date DATE,
    PRIMARY KEY (scenario_id, employee_id)
  )`,
  // Locating one participant (history, balances): DuckDB 1.5 scans an ART index only for an
  // equality on its column with no other filter pushed into the scan, so it never uses the
  // compound primary key for (scenario, employee); both tables are indexed on employee_id alone
  // (docs/store.md, "Layout and history at scale").
  'CREATE INDEX IF NOT EXISTS participant_event_ranges_employee ON participant_event_ranges (employee_id)',
  'CREATE INDEX IF NOT EXISTS dim_participants_employee ON dim_participants (employee_id)',
];

/**
 * The stored columns an SQL writer fills, in the order of EVENT_BASE_COLUMNS then the fact
 * columns: the payload's text goes to `payload_text`, and the compact columns (compact-payload.ts)
 * stay NULL: only the writer's row batches store a contribution compact.
 */
const EVENT_INSERT_COLUMNS: readonly string[] = [
  ...EVENT_BASE_COLUMNS.map((c) => (c === 'payload' ? PAYLOAD_TEXT_COLUMN : c)),
  ...FACT_COLUMNS.map((c) => c.name),
];

/** Every column of fct_yearly_events_stored, in table order: EVENT_INSERT_COLUMNS, then the compact columns. */
export const EVENT_STORED_COLUMNS: readonly string[] = [
  ...EVENT_INSERT_COLUMNS,
  ...COMPACT_COLUMNS.map((c) => c.name),
];

/** `INSERT INTO fct_yearly_events_stored (…)` with EVENT_INSERT_COLUMNS: the start of every SQL insert of events. */
export const INSERT_EVENTS = `INSERT INTO ${EVENTS_STORED} (${EVENT_INSERT_COLUMNS.join(', ')})`;

/**
 * An `INSERT INTO fct_yearly_events` of `rows` (a `VALUES` list or a query) that give every
 * column but the fact columns, in table order: the facts are read from each row's payload text,
 * as every writer fills them (fact-columns.ts). For SQL that makes events (benchmarks, tests).
 */
export function insertEventsSql(rows: string): string {
  return `${INSERT_EVENTS} SELECT *, ${factsSql()} FROM (${rows}) r(${EVENT_BASE_COLUMNS.join(', ')})`;
}

/**
 * The rows of participant_event_ranges for the events that `where` selects (a condition on
 * fct_yearly_events), one per scenario and employee, in table order: the seq range, the event
 * count and `first_plan_date`, the earliest effective date of the employee's events that carry a
 * plan_id (NULL when none does). Every writer of the table uses it (docs/store.md, "Layout").
 */
export function participantRangesSql(where = 'true'): string {
  return `SELECT scenario_id, employee_id, min(seq) AS first_seq, max(seq) AS last_seq, count(*) AS event_count,
            min(effective_date) FILTER (WHERE plan_id IS NOT NULL) AS first_plan_date
       FROM fct_yearly_events WHERE ${where} GROUP BY scenario_id, employee_id`;
}

/**
 * 1 when participant_event_ranges has `first_plan_date`, else 0 (a store written before it).
 * `pragma_table_info` reads the one table's entry: as the first query on a 100,000-employee store
 * it took 5.4–5.7 ms, where `information_schema.columns` (a view over every column of the
 * catalog) took 16.8–17.8 ms and `duckdb_columns()` 15.9–16.2 ms (docs/snapshots.md, "The
 * balance command").
 */
export const RANGES_HAVE_FIRST_PLAN_DATE_SQL = `(SELECT count(*) FROM pragma_table_info('participant_event_ranges')
    WHERE name = 'first_plan_date')`;

/**
 * Gives a store written before participant_event_ranges had `first_plan_date` that column, filled
 * from the events: one transaction, nothing to do once it exists. Returns whether it was added.
 */
export async function migrateRangesFirstPlanDate(conn: DuckDBConnection): Promise<boolean> {
  const r = await conn.runAndReadAll(`SELECT ${RANGES_HAVE_FIRST_PLAN_DATE_SQL}`);
  if (Number(r.getRows()[0][0]) > 0) return false;
  await inTransaction(conn, async () => {
    await conn.run('ALTER TABLE participant_event_ranges ADD COLUMN first_plan_date DATE');
    await conn.run(
      `UPDATE participant_event_ranges r SET first_plan_date = f.first_plan_date
         FROM (${participantRangesSql()}) f
        WHERE f.scenario_id = r.scenario_id AND f.employee_id = r.employee_id`,
    );
  });
  return true;
}

/**
 * Gives a store written before the fact columns (fact-columns.ts) those columns, filled from each
 * event's payload: one transaction (an interrupted migration leaves the store as it was), and
 * nothing to do once they exist. Returns the number of columns added.
 */
export async function migrateFactColumns(conn: DuckDBConnection): Promise<number> {
  const r = await conn.runAndReadAll(
    `SELECT column_name FROM information_schema.columns
     WHERE table_name = 'fct_yearly_events' AND table_schema = current_schema()`,
  );
  const have = new Set(r.getRows().map((row) => String(row[0])));
  const missing = FACT_COLUMNS.filter((c) => !have.has(c.name));
  if (missing.length === 0) return 0;
  const kinds = [...new Set(missing.flatMap((c) => Object.keys(c.keys)))].map((k) => `'${k}'`);
  await inTransaction(conn, async () => {
    for (const c of missing) await conn.run(`ALTER TABLE fct_yearly_events ADD COLUMN ${c.name} ${c.type}`);
    await conn.run(
      `UPDATE fct_yearly_events SET ${missing.map((c) => `${c.name} = ${factSql(c)}`).join(', ')}
       WHERE event_type IN (${kinds.join(', ')})`,
    );
  });
  return missing.length;
}

/**
 * Gives a store written before the events were stored apart from the view (a table
 * fct_yearly_events with a stored `payload` column) the current layout: the fact columns first
 * (migrateFactColumns), then the rows copied into fct_yearly_events_stored (every payload kept as
 * text, the rows in their stored order, which DuckDB's insertion order keeps), the old table
 * dropped and the view created, in one transaction (an interrupted migration leaves the store as
 * it was); nothing to do once fct_yearly_events is a view. Returns whether it migrated.
 */
export async function migrateEventsLayout(conn: DuckDBConnection): Promise<boolean> {
  const r = await conn.runAndReadAll(
    `SELECT table_type FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_name = 'fct_yearly_events'`,
  );
  if (r.getRows()[0]?.[0] !== 'BASE TABLE') return false;
  await migrateFactColumns(conn);
  const from = [...EVENT_BASE_COLUMNS, ...FACT_COLUMNS.map((c) => c.name)].join(', ');
  await inTransaction(conn, async () => {
    await conn.run(`DROP TABLE IF EXISTS ${EVENTS_STORED}`);
    await conn.run(EVENTS_STORED_DDL);
    await conn.run(`${INSERT_EVENTS} SELECT ${from} FROM fct_yearly_events`);
    await conn.run('DROP TABLE fct_yearly_events');
    await conn.run(EVENTS_VIEW_DDL);
  });
  return true;
}
