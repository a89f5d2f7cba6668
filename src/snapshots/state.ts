/**
 * The snapshot tables' existence and build state, and the rule that queries use only snapshots of
 * the current ledger version (never a mix).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { SNAPSHOT_LOOKUP_COLUMNS, snapshotDdl } from './ddl.js';
import { LEDGER_VERSION } from './ledger.js';
import { BUILD_STATE_TABLE, PLAN_EVENT_FILTER, SNAPSHOT_TABLE } from './sql.js';
import { isoDate, rows, toBigInt } from './values.js';

export interface BuildState {
  scenario_id: string;
  ledger_version: string;
  /** Every plan event with `seq` ≤ this is reflected in the snapshots. */
  max_seq: bigint;
  /** The last Friday built (null when the scenario has no plan event). */
  end_date: string | null;
  row_count: bigint;
  /** Every row has its lookup columns (ddl.ts). */
  keyed: boolean;
}

export async function ensureSnapshotTables(conn: DuckDBConnection): Promise<void> {
  for (const ddl of snapshotDdl()) await conn.run(ddl);
  for (const c of SNAPSHOT_LOOKUP_COLUMNS)
    await conn.run(`ALTER TABLE ${SNAPSHOT_TABLE} ADD COLUMN IF NOT EXISTS ${c.name} ${c.type}`);
  await conn.run(`ALTER TABLE ${BUILD_STATE_TABLE} ADD COLUMN IF NOT EXISTS keyed BOOLEAN`);
}

export async function snapshotTablesExist(conn: DuckDBConnection): Promise<boolean> {
  const r = await rows(
    conn,
    `SELECT count(*) AS n FROM information_schema.tables WHERE table_name IN ('${SNAPSHOT_TABLE}', '${BUILD_STATE_TABLE}')`,
  );
  return Number(r[0].n) === 2;
}

export async function readBuildState(
  conn: DuckDBConnection,
  scenario: string,
): Promise<BuildState | undefined> {
  let r: Record<string, import('@duckdb/node-api').DuckDBValue>[];
  try {
    r = await rows(conn, `SELECT * FROM ${BUILD_STATE_TABLE} WHERE scenario_id = $s`, { s: scenario });
  } catch (err) {
    // A store where snapshots were never built has no such table.
    if (!(await snapshotTablesExist(conn))) return undefined;
    throw err;
  }
  if (r.length === 0) return undefined;
  return {
    scenario_id: String(r[0].scenario_id),
    ledger_version: String(r[0].ledger_version),
    max_seq: toBigInt(r[0].max_seq),
    end_date: r[0].end_date === null ? null : isoDate(r[0].end_date),
    row_count: toBigInt(r[0].row_count),
    keyed: r[0].keyed === true,
  };
}

/** Snapshots stored with a ledger version other than this program's: a rebuild is required. */
export class SnapshotsStale extends Error {
  override name = 'SnapshotsStale';
  constructor(
    readonly scenario: string,
    readonly storedVersion: string,
  ) {
    super(
      `snapshots of scenario ${scenario} were built with ledger version ${storedVersion}, but this planledger ` +
        `uses ledger version ${LEDGER_VERSION}: they are not used. Rebuild them with ` +
        `\`planledger snapshots build --rebuild --scenario ${scenario}\` (or query with --from-events).`,
    );
  }
}

/**
 * The build state a query may use, or undefined when the scenario has no snapshots.
 * Throws SnapshotsStale when the stored snapshots are of another ledger version.
 */
export async function usableState(conn: DuckDBConnection, scenario: string): Promise<BuildState | undefined> {
  const state = await readBuildState(conn, scenario);
  if (state !== undefined && state.ledger_version !== LEDGER_VERSION) {
    throw new SnapshotsStale(scenario, state.ledger_version);
  }
  return state;
}

/**
 * The largest seq of the scenario's (`$s`) plan events from the build's `max_seq` on: it equals
 * `max_seq` exactly when the build's last plan event is still the last one (nothing stored after
 * the build). `max_seq` is a literal, so that zonemaps skip every older row group (the whole
 * table's max(seq) was a third of the plan-wide query's time).
 */
export function lastPlanSeqSinceBuildSql(state: Pick<BuildState, 'max_seq'>): string {
  return `(SELECT max(seq) FROM fct_yearly_events
            WHERE seq >= ${state.max_seq} AND scenario_id = $s AND ${PLAN_EVENT_FILTER})`;
}
