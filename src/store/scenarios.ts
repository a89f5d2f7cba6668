/**
 * Scenarios and the census (`scenarios`, `dim_participants`): written by the simulator and
 * the engine, read by history, data quality and reports. `deleteScenario` removes a scenario
 * and everything stored for it in one transaction, including other areas' tables when they
 * exist (docs/store.md, "Scenarios").
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { EVENTS_STORED } from './ddl.js';
import { existingTables, type Store } from './open.js';
import { inTransaction } from './transaction.js';

export interface ScenarioRow {
  scenario_id: string;
  first_year: number;
  last_year: number;
  plan_design_id: string;
  /** The plan design as JSON text. */
  plan_design: string;
  seed: bigint | number | null;
  /** ISO timestamp (UTC). */
  created_at: string;
  engine_version: string;
  ledger_version: string;
  status: string;
}

export interface ParticipantRow {
  scenario_id: string;
  employee_id: string;
  birth_date: string;
  hire_date: string;
  /** Money as a decimal string. */
  annual_compensation: string;
  job_level: number;
  department: string;
}

/** Status of a scenario row created by ingest for events of an unknown scenario. */
export const INGESTED_STATUS = 'ingested';

/** Insert or replace a scenario row. */
export async function writeScenario(conn: DuckDBConnection, s: ScenarioRow): Promise<void> {
  await conn.run(
    `INSERT OR REPLACE INTO scenarios VALUES ($id, $first, $last, $design_id, $design::JSON, $seed, $created::TIMESTAMP,
       $engine, $ledger, $status)`,
    {
      id: s.scenario_id,
      first: s.first_year,
      last: s.last_year,
      design_id: s.plan_design_id,
      design: s.plan_design,
      seed: s.seed === null ? null : BigInt(s.seed),
      created: s.created_at.replace(/Z$/, ''),
      engine: s.engine_version,
      ledger: s.ledger_version,
      status: s.status,
    },
  );
}

/** Set a scenario's status (e.g. `running` → `complete`). */
export async function setScenarioStatus(
  conn: DuckDBConnection,
  scenarioId: string,
  status: string,
): Promise<void> {
  await conn.run('UPDATE scenarios SET status = $status WHERE scenario_id = $id', { status, id: scenarioId });
}

/** Append census rows (callers write a scenario's census once; deleteScenario clears it). */
export async function writeParticipants(
  conn: DuckDBConnection,
  rows: Iterable<ParticipantRow>,
): Promise<number> {
  const app = await conn.createAppender('dim_participants');
  const { DuckDBDecimalValue, DuckDBDateValue } = await import('@duckdb/node-api');
  const { parseDecimal } = await import('../schema/decimal.js');
  const { toDay } = await import('../schema/dates.js');
  let n = 0;
  try {
    for (const r of rows) {
      app.appendVarchar(r.scenario_id);
      app.appendVarchar(r.employee_id);
      app.appendDate(new DuckDBDateValue(toDay(r.birth_date)));
      app.appendDate(new DuckDBDateValue(toDay(r.hire_date)));
      const micros = parseDecimal(r.annual_compensation);
      if (micros === undefined)
        throw new Error(`annual_compensation is not a decimal: ${r.annual_compensation}`);
      app.appendDecimal(new DuckDBDecimalValue(micros, 18, 6));
      app.appendInteger(r.job_level);
      app.appendVarchar(r.department);
      app.endRow();
      n++;
    }
    app.flushSync();
  } finally {
    app.closeSync();
  }
  return n;
}

/**
 * Make sure each scenario id has a `scenarios` row. One created here is minimal (docs/store.md):
 * years from its events, the first plan_design_id seen, an empty plan design, status `ingested`.
 * Existing `ingested` rows widen their years to cover new events; other rows are left alone.
 */
export async function ensureScenarioRows(conn: DuckDBConnection, scenarioIds: string[]): Promise<void> {
  for (const id of scenarioIds) {
    await conn.run(
      `INSERT INTO scenarios
       SELECT $id, min(simulation_year), max(simulation_year), min(plan_design_id), '{}'::JSON, NULL,
              now()::TIMESTAMP, 'unknown', 'unknown', '${INGESTED_STATUS}'
       FROM fct_yearly_events WHERE scenario_id = $id
       HAVING count(*) > 0
       ON CONFLICT (scenario_id) DO UPDATE SET
         first_year = least(scenarios.first_year, excluded.first_year),
         last_year = greatest(scenarios.last_year, excluded.last_year)
       WHERE scenarios.status = '${INGESTED_STATUS}'`,
      { id },
    );
  }
}

export interface ScenarioSummary {
  scenario_id: string;
  first_year: number | null;
  last_year: number | null;
  status: string;
  created_at: string | null;
  events: number;
  participants: number;
}

/** Every scenario: those with a row and those that only have events. */
export async function listScenarios(conn: DuckDBConnection): Promise<ScenarioSummary[]> {
  const r = await conn.runAndReadAll(`
    WITH ev AS (SELECT scenario_id, count(*) AS n FROM fct_yearly_events GROUP BY ALL),
         pa AS (SELECT scenario_id, count(*) AS n FROM dim_participants GROUP BY ALL),
         ids AS (SELECT scenario_id FROM scenarios UNION SELECT scenario_id FROM ev UNION SELECT scenario_id FROM pa)
    SELECT ids.scenario_id, s.first_year, s.last_year, coalesce(s.status, 'events only'),
           strftime(s.created_at, '%Y-%m-%dT%H:%M:%SZ'), coalesce(ev.n, 0)::BIGINT, coalesce(pa.n, 0)::BIGINT
    FROM ids LEFT JOIN scenarios s USING (scenario_id) LEFT JOIN ev USING (scenario_id) LEFT JOIN pa USING (scenario_id)
    ORDER BY ids.scenario_id`);
  return r.getRows().map((row) => ({
    scenario_id: String(row[0]),
    first_year: row[1] === null ? null : Number(row[1]),
    last_year: row[2] === null ? null : Number(row[2]),
    status: String(row[3]),
    created_at: row[4] === null ? null : String(row[4]),
    events: Number(row[5]),
    participants: Number(row[6]),
  }));
}

/** Tables holding per-scenario rows, deleted with the scenario when they exist. */
export const SCENARIO_TABLES = [
  EVENTS_STORED,
  'participant_event_ranges',
  'fct_participant_balance_snapshots',
  'snapshot_builds',
  'dq_results',
  'dq_runs',
  'drift_runs',
  'golden_runs',
  'dim_participants',
  'scenarios',
] as const;

export interface DeleteResult {
  scenario_id: string;
  /** Rows deleted per table (tables that exist and have a scenario_id column). */
  deleted: Record<string, number>;
}

/**
 * The tables holding rows of a scenario (a scenario_id column), in the order to delete from:
 * known tables first (children before parents), then any other, `scenarios` last.
 */
export async function scenarioTablesInOrder(conn: DuckDBConnection): Promise<string[]> {
  const tables = await existingTables(conn);
  const withColumn = new Set(
    (
      await conn.runAndReadAll(
        "SELECT table_name FROM information_schema.columns WHERE table_schema = 'main' AND column_name = 'scenario_id'",
      )
    )
      .getRows()
      .map((r) => String(r[0])),
  );
  return [
    ...SCENARIO_TABLES.filter((t) => tables.has(t) && withColumn.has(t) && t !== 'scenarios'),
    ...[...withColumn]
      .filter((t) => tables.has(t) && !(SCENARIO_TABLES as readonly string[]).includes(t))
      .sort(),
    'scenarios',
  ];
}

/**
 * Delete a scenario and everything stored for it, in one transaction, with its pending runs
 * (unfinished simulate runs and shards: scenario-runs.ts). Returns undefined when nothing is
 * stored for it.
 */
export async function deleteScenario(store: Store, scenarioId: string): Promise<DeleteResult | undefined> {
  const conn = store.connection;
  const tables = await existingTables(conn);
  const order = await scenarioTablesInOrder(conn);
  const ids = [scenarioId];
  if (tables.has('scenario_pending')) {
    const r = await conn.runAndReadAll('SELECT pending_id FROM scenario_pending WHERE scenario_id = $id', {
      id: scenarioId,
    });
    for (const row of r.getRows()) ids.push(String(row[0]));
  }
  if (!ids.includes(`${scenarioId}~pending`)) ids.push(`${scenarioId}~pending`);
  const deleted: Record<string, number> = {};
  await inTransaction(conn, async () => {
    for (const t of order) {
      // The events are counted under the name readers know (the view over EVENTS_STORED).
      const name = t === EVENTS_STORED ? 'fct_yearly_events' : t;
      deleted[name] = 0;
      for (const id of ids) {
        const r = await conn.run(`DELETE FROM "${t}" WHERE scenario_id = $id`, { id });
        deleted[name] += Number(r.rowsChanged);
      }
    }
  });
  const total = Object.values(deleted).reduce((a, b) => a + b, 0);
  return total === 0 ? undefined : { scenario_id: scenarioId, deleted };
}

/**
 * A scenario a reader cannot use as asked: unknown, or not complete (exit 2, docs/store.md,
 * "Reading a scenario").
 */
export class ScenarioStateError extends Error {
  override name = 'ScenarioStateError';
  readonly exitCode = 2;
}

/** Statuses whose rows are whole: a simulation swapped in, or ingested batches (each whole). */
export const READABLE_STATUSES: ReadonlySet<string> = new Set(['complete', INGESTED_STATUS]);

/** Why a status is not readable, in words a user can act on. */
function incompleteReason(scenarioId: string, status: string): string {
  if (status === 'staged' || status === 'partial')
    return 'the shards of a simulate run are not all in yet; run the missing --shard i/n';
  if (/~pending/.test(scenarioId))
    return 'it holds the rows of a simulate run that was never finished (the next run of the scenario removes them)';
  return 'a simulate run of it did not finish; run it again';
}

/**
 * The one check every reader of a scenario makes (history, balance, balances, report, export,
 * drift, dq, ndt): the scenario exists (else exit 2, naming the scenarios there are) and is
 * complete, unless `allowIncomplete` (`--allow-incomplete`). A store without a `scenarios` row
 * for it but with its events (events only) is readable.
 */
export async function requireReadableScenario(
  conn: DuckDBConnection,
  scenarioId: string,
  opts: { allowIncomplete?: boolean } = {},
): Promise<void> {
  const q = async (sql: string): Promise<unknown[][]> => {
    try {
      return (await conn.runAndReadAll(sql, sql.includes('$id') ? { id: scenarioId } : undefined)).getRows();
    } catch {
      return []; // a table this store (or lake) does not have
    }
  };
  const status = (await q('SELECT status FROM scenarios WHERE scenario_id = $id'))[0]?.[0];
  if (status === undefined) {
    const events = await q('SELECT 1 FROM fct_yearly_events WHERE scenario_id = $id LIMIT 1');
    const people = await q('SELECT 1 FROM dim_participants WHERE scenario_id = $id LIMIT 1');
    if (events.length > 0 || people.length > 0) return;
    const known = (
      await q(
        'SELECT scenario_id FROM scenarios UNION SELECT DISTINCT scenario_id FROM fct_yearly_events ORDER BY 1 LIMIT 11',
      )
    ).map((r) => String(r[0]));
    const list =
      known.length === 0
        ? 'the store holds none'
        : `scenarios: ${known.slice(0, 10).join(', ')}${known.length > 10 ? ', …' : ''}`;
    throw new ScenarioStateError(`unknown scenario ${scenarioId} (${list})`);
  }
  if (READABLE_STATUSES.has(String(status)) || opts.allowIncomplete === true) return;
  throw new ScenarioStateError(
    `scenario ${scenarioId} is not complete (status ${String(status)}): ${incompleteReason(scenarioId, String(status))}; ` +
      'pass --allow-incomplete to read it anyway',
  );
}
