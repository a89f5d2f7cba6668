/**
 * Atomic scenario runs (docs/store.md, "Re-runs and shards"). A simulation never writes into
 * the scenario readers see. It writes under a pending id (`X~pending`, or `X~pending-shard-IofN`
 * for a shard), and when every shard of the build is in, one transaction deletes the previous
 * scenario X and renames the pending rows to X. Readers therefore see either the previous
 * complete scenario or the new complete one, never half of one; a run killed at any moment
 * leaves at most a pending id (shown by `scenario list`), which the next run of X removes.
 *
 * The pending runs of X are listed in `scenario_pending` with their build key (a hash of
 * everything that determines the rows: seed, years, plan, census, workforce config, shard
 * count), so that shards of different builds are never combined.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { faultPoint } from './fault.js';
import type { Store } from './open.js';
import { scenarioTablesInOrder } from './scenarios.js';
import { inTransaction } from './transaction.js';

export const PENDING_DDL = `CREATE TABLE IF NOT EXISTS scenario_pending (
    pending_id VARCHAR PRIMARY KEY,
    scenario_id VARCHAR NOT NULL,
    shard_index INTEGER NOT NULL,
    shard_count INTEGER NOT NULL,
    build_key VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    started_at TIMESTAMP NOT NULL
  )`;

/** A pending id marks rows that no reader sees: `X~pending` or `X~pending-shard-IofN`. */
const PENDING_RE = /~pending(?:-shard-[0-9]+of[0-9]+)?$/;

/** SQL: the row's scenario_id is not a pending id. */
export const PENDING_SQL_FILTER = "NOT regexp_matches(scenario_id, '~pending(-shard-[0-9]+of[0-9]+)?$')";

/** Is this a pending id (a run not yet swapped in)? */
export function isPendingScenarioId(id: string): boolean {
  return PENDING_RE.test(id);
}

/** The id the whole new build is assembled under before the swap. */
export function pendingId(scenarioId: string): string {
  return `${scenarioId}~pending`;
}

/** The id one shard's rows are written under (the whole build's for an unsharded run). */
export function shardPendingId(scenarioId: string, index: number, count: number): string {
  return count === 1 ? pendingId(scenarioId) : `${scenarioId}~pending-shard-${index}of${count}`;
}

/** A simulation's scenario status: `running` while written, `staged` when a shard is in, `complete` after the swap. */
export const STATUS = {
  running: 'running',
  staged: 'staged',
  merged: 'merged',
  /** A scenario that holds some of its shards (no previous complete run was in the way). */
  partial: 'partial',
  /** scenario_pending: this shard's rows are in the partial scenario. */
  in: 'in',
  complete: 'complete',
} as const;

export interface PendingRow {
  pending_id: string;
  shard_index: number;
  shard_count: number;
  build_key: string;
  status: string;
}

/** Two runs of one scenario that cannot be combined (exit 2). */
export class ShardMismatchError extends Error {
  override name = 'ShardMismatchError';
  readonly exitCode = 2;
}

export async function pendingRuns(conn: DuckDBConnection, scenarioId: string): Promise<PendingRow[]> {
  await conn.run(PENDING_DDL);
  const r = await conn.runAndReadAll(
    `SELECT pending_id, shard_index, shard_count, build_key, status FROM scenario_pending
      WHERE scenario_id = $s ORDER BY shard_index`,
    { s: scenarioId },
  );
  return r.getRowObjectsJS().map((o: Record<string, unknown>) => ({
    pending_id: String(o.pending_id),
    shard_index: Number(o.shard_index),
    shard_count: Number(o.shard_count),
    build_key: String(o.build_key),
    status: String(o.status),
  }));
}

/** The tables with a scenario_id column, `scenarios` last (scenario_pending is bookkeeping). */
async function scenarioTables(conn: DuckDBConnection): Promise<string[]> {
  return (await scenarioTablesInOrder(conn)).filter((t) => t !== 'scenario_pending');
}

/** Delete every row of these scenario ids (inside the caller's transaction). */
async function deleteRowsOf(conn: DuckDBConnection, tables: string[], ids: string[]): Promise<number> {
  let n = 0;
  for (const id of ids)
    for (const t of tables)
      n += Number((await conn.run(`DELETE FROM "${t}" WHERE scenario_id = $id`, { id })).rowsChanged);
  return n;
}

/**
 * Give every row of `from` the scenario id `to` (inside the caller's transaction), as a copy
 * under the new id and a delete of the old rows, in each table's order. Not an UPDATE: DuckDB
 * keeps an UPDATE's undo in memory, and renaming 39.6 million events (100,000 employees) ran out
 * of memory at 192 MB and at 600 MB, while the copy wrote its rows to disk as it went (peak RSS
 * 408 MB at 192 MB; docs/store.md, "Re-runs and shards").
 */
async function renameRows(conn: DuckDBConnection, tables: string[], from: string, to: string): Promise<void> {
  for (const t of tables) {
    if (t === 'scenarios') continue;
    await conn.run(
      `INSERT INTO "${t}" SELECT * REPLACE ($to AS scenario_id) FROM "${t}" WHERE scenario_id = $from`,
      { from, to },
    );
    await conn.run(`DELETE FROM "${t}" WHERE scenario_id = $from`, { from });
  }
}

/** One transaction with the `scenario-commit` fault point just before its COMMIT. */
const inScenarioTransaction = <T>(conn: DuckDBConnection, work: () => Promise<T>): Promise<T> =>
  inTransaction(conn, work, () => faultPoint('scenario-commit'));

/**
 * Remove pending runs of a scenario (leftovers of interrupted runs, or shards of another build),
 * in one transaction. Returns the pending ids removed.
 */
export async function discardPending(conn: DuckDBConnection, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const tables = await scenarioTables(conn);
  await inScenarioTransaction(conn, async () => {
    await deleteRowsOf(conn, tables, ids);
    for (const id of ids) await conn.run('DELETE FROM scenario_pending WHERE pending_id = $id', { id });
  });
  return ids;
}

export interface RunPlan {
  /** Where this run writes. */
  pendingId: string;
  /** Pending ids removed before the run (leftovers, or this shard's previous run). */
  discarded: string[];
  /**
   * Every shard of this build is already in, gathered under `X~pending` by a run that stopped
   * before the swap (`merged`), or this shard is in the partial scenario already (`shard-in`):
   * nothing to simulate (the rows would be the same); the caller finishes what is left.
   */
  resume: 'merged' | 'shard-in' | null;
}

/**
 * Before a run of shard i/n of `scenarioId` with `buildKey`: refuse a shard of another build
 * (different key or n) while that build is unfinished, remove leftovers (this shard's earlier
 * run, an unsharded run's every pending id), and register the run. The caller writes the
 * pending scenario row and rows under `pendingId`.
 */
export async function beginRun(
  conn: DuckDBConnection,
  scenarioId: string,
  shard: { index: number; count: number },
  buildKey: string,
): Promise<RunPlan> {
  const pending = await pendingRuns(conn, scenarioId);
  if (shard.count === 1 && (await writesDirectly(conn, scenarioId, pending)))
    return beginDirectRun(conn, scenarioId, pending, buildKey);
  const mine = shardPendingId(scenarioId, shard.index, shard.count);
  const merged = pending.find((p) => p.pending_id === pendingId(scenarioId) && p.status === STATUS.merged);
  if (shard.count > 1 && merged?.shard_count === shard.count && merged.build_key === buildKey)
    return { pendingId: merged.pending_id, discarded: [], resume: 'merged' };
  if (shard.count > 1 && pending.some((p) => p.pending_id === mine && p.status === STATUS.in))
    return { pendingId: mine, discarded: [], resume: 'shard-in' };
  if (shard.count > 1) {
    const other = pending.find(
      (p) =>
        p.pending_id !== pendingId(scenarioId) && (p.shard_count !== shard.count || p.build_key !== buildKey),
    );
    if (other !== undefined)
      throw new ShardMismatchError(
        `scenario ${scenarioId} is being built from ${other.shard_count} shard(s) of other options ` +
          `(seed, years, plan, census, config or shard count differ; shard ${other.shard_index}/${other.shard_count} is ${other.status}): ` +
          `run the remaining shards with the same options, run it without --shard to replace it whole, ` +
          `or remove the unfinished build with \`planledger scenario delete ${scenarioId}\``,
      );
  }
  // An unsharded run replaces everything pending; a shard replaces its own earlier run and a
  // merged build that was never swapped in.
  const stale = pending
    .filter((p) => shard.count === 1 || p.pending_id === mine || p.pending_id === pendingId(scenarioId))
    .map((p) => p.pending_id);
  // Rows under a pending id with no scenario_pending row (a run killed before registering).
  for (const id of [mine, pendingId(scenarioId)])
    if (!stale.includes(id) && (await hasRows(conn, id))) stale.push(id);
  const discarded = await discardPending(conn, stale);
  await conn.run(
    `INSERT INTO scenario_pending VALUES ($p, $s, $i, $n, $k, '${STATUS.running}', now()::TIMESTAMP)`,
    { p: mine, s: scenarioId, i: shard.index, n: shard.count, k: buildKey },
  );
  return { pendingId: mine, discarded, resume: null };
}

/**
 * A first run of a scenario writes under the scenario's own id (docs/store.md, "Re-runs and
 * shards"): with no complete run of it in the store there is nothing to keep visible, and
 * readers refuse a scenario whose status is not `complete`. This spares the swap's rename of
 * every row, which at 100,000 employees (40 million events) ran out of DuckDB's memory. True
 * when the store has no row for the scenario, or only the leftover of such a first run.
 */
async function writesDirectly(
  conn: DuckDBConnection,
  scenarioId: string,
  pending: PendingRow[],
): Promise<boolean> {
  const r = await conn.runAndReadAll('SELECT status FROM scenarios WHERE scenario_id = $s', {
    s: scenarioId,
  });
  const row = r.getRows()[0];
  if (row === undefined) return true;
  return pending.some((p) => p.pending_id === scenarioId);
}

/** Remove leftovers (an interrupted first run, pending ids of earlier runs) and register the run under the scenario's id. */
async function beginDirectRun(
  conn: DuckDBConnection,
  scenarioId: string,
  pending: PendingRow[],
  buildKey: string,
): Promise<RunPlan> {
  const stale = pending.map((p) => p.pending_id);
  for (const id of [scenarioId, pendingId(scenarioId)])
    if (!stale.includes(id) && (await hasRows(conn, id))) stale.push(id);
  const discarded = await discardPending(conn, stale);
  await conn.run(
    `INSERT INTO scenario_pending VALUES ($s, $s, 1, 1, $k, '${STATUS.running}', now()::TIMESTAMP)`,
    { s: scenarioId, k: buildKey },
  );
  return { pendingId: scenarioId, discarded, resume: null };
}

/** Does this run write under the scenario's own id (a first run: `beginRun`)? */
export function isDirectRun(scenarioId: string, writtenUnder: string): boolean {
  return scenarioId === writtenUnder;
}

async function hasRows(conn: DuckDBConnection, id: string): Promise<boolean> {
  const r = await conn.runAndReadAll(
    `SELECT (SELECT count(*) FROM scenarios WHERE scenario_id = $id) + (SELECT count(*) FROM (SELECT 1 FROM fct_yearly_events WHERE scenario_id = $id LIMIT 1))`,
    { id },
  );
  return Number(r.getRows()[0][0]) > 0;
}

/** Mark a shard's rows as all in (its scenario row and pending row: `staged`). */
export async function markStaged(conn: DuckDBConnection, id: string): Promise<void> {
  await inScenarioTransaction(conn, async () => {
    await conn.run(`UPDATE scenarios SET status = '${STATUS.staged}' WHERE scenario_id = $id`, { id });
    await conn.run(`UPDATE scenario_pending SET status = '${STATUS.staged}' WHERE pending_id = $id`, { id });
  });
}

/** The shards of the build still missing (empty: every shard is staged). */
export async function missingShards(
  conn: DuckDBConnection,
  scenarioId: string,
  shardCount: number,
  status: string = STATUS.staged,
): Promise<number[]> {
  const staged = new Set(
    (await pendingRuns(conn, scenarioId))
      .filter((p) => p.status === status && p.shard_count === shardCount)
      .map((p) => p.shard_index),
  );
  const missing: number[] = [];
  for (let i = 1; i <= shardCount; i++) if (!staged.has(i)) missing.push(i);
  return missing;
}

/**
 * Every shard is staged: gather them under `X~pending` in one transaction (nothing to do for an
 * unsharded run, which wrote there). Returns `X~pending`.
 */
export async function mergeShards(
  conn: DuckDBConnection,
  scenarioId: string,
  shardCount: number,
): Promise<string> {
  const target = pendingId(scenarioId);
  if (shardCount === 1) return target;
  const tables = await scenarioTables(conn);
  await inScenarioTransaction(conn, async () => {
    await conn.run(
      `INSERT INTO scenarios SELECT $t, first_year, last_year, plan_design_id, plan_design, seed, created_at,
         engine_version, ledger_version, '${STATUS.merged}' FROM scenarios WHERE scenario_id = $first`,
      { t: target, first: shardPendingId(scenarioId, 1, shardCount) },
    );
    for (let i = 1; i <= shardCount; i++) {
      const id = shardPendingId(scenarioId, i, shardCount);
      await renameRows(conn, tables, id, target);
      await conn.run('DELETE FROM scenarios WHERE scenario_id = $id', { id });
      await conn.run('DELETE FROM scenario_pending WHERE pending_id = $id', { id });
    }
    await conn.run(
      `INSERT INTO scenario_pending SELECT $t, $s, 1, $n, build_key, '${STATUS.merged}', now()::TIMESTAMP
         FROM (SELECT $k AS build_key)`,
      { t: target, s: scenarioId, n: shardCount, k: await buildKeyOf(conn, scenarioId) },
    );
  });
  return target;
}

async function buildKeyOf(conn: DuckDBConnection, scenarioId: string): Promise<string> {
  const p = await pendingRuns(conn, scenarioId);
  return p[0]?.build_key ?? '';
}

/**
 * The swap: one transaction deletes the previous scenario (every table) and renames the pending
 * build to it, status `complete`. Returns the rows of the previous scenario deleted per table
 * (null when there was none).
 */
export async function swapIn(
  conn: DuckDBConnection,
  scenarioId: string,
): Promise<Record<string, number> | null> {
  const from = pendingId(scenarioId);
  const tables = await scenarioTables(conn);
  return inScenarioTransaction(conn, async () => {
    const deleted: Record<string, number> = {};
    let total = 0;
    for (const t of tables) {
      const n = Number(
        (await conn.run(`DELETE FROM "${t}" WHERE scenario_id = $id`, { id: scenarioId })).rowsChanged,
      );
      deleted[t] = n;
      total += n;
    }
    await renameRows(conn, tables, from, scenarioId);
    await conn.run(
      `INSERT INTO scenarios SELECT $to, first_year, last_year, plan_design_id, plan_design, seed, created_at,
         engine_version, ledger_version, '${STATUS.complete}' FROM scenarios WHERE scenario_id = $from`,
      { from, to: scenarioId },
    );
    await conn.run('DELETE FROM scenarios WHERE scenario_id = $from', { from });
    await conn.run('DELETE FROM scenario_pending WHERE scenario_id = $s', { s: scenarioId });
    return total === 0 ? null : deleted;
  });
}

/** The scenario has no row yet, or holds some shards of a build (`partial`): shards go straight in. */
export async function takesShardsDirectly(conn: DuckDBConnection, scenarioId: string): Promise<boolean> {
  const r = await conn.runAndReadAll('SELECT status FROM scenarios WHERE scenario_id = $s', {
    s: scenarioId,
  });
  const row = r.getRows()[0];
  return row === undefined || String(row[0]) === STATUS.partial;
}

/**
 * Add a staged shard to the partial scenario, in one transaction: its rows are renamed to the
 * scenario (status `partial` until every shard is in) and its scenario_pending row says `in`.
 */
export async function addShard(conn: DuckDBConnection, scenarioId: string, shardId: string): Promise<void> {
  const tables = await scenarioTables(conn);
  await inScenarioTransaction(conn, async () => {
    await renameRows(conn, tables, shardId, scenarioId);
    await conn.run(
      `INSERT INTO scenarios SELECT $to, first_year, last_year, plan_design_id, plan_design, seed, created_at,
         engine_version, ledger_version, '${STATUS.partial}' FROM scenarios WHERE scenario_id = $from
       ON CONFLICT (scenario_id) DO NOTHING`,
      { from: shardId, to: scenarioId },
    );
    await conn.run('DELETE FROM scenarios WHERE scenario_id = $id', { id: shardId });
    await conn.run(`UPDATE scenario_pending SET status = '${STATUS.in}' WHERE pending_id = $id`, {
      id: shardId,
    });
  });
}

/** Every shard is in the partial scenario: mark it complete (one transaction). */
export async function markComplete(conn: DuckDBConnection, scenarioId: string): Promise<void> {
  await inScenarioTransaction(conn, async () => {
    await conn.run(`UPDATE scenarios SET status = '${STATUS.complete}' WHERE scenario_id = $s`, {
      s: scenarioId,
    });
    await conn.run('DELETE FROM scenario_pending WHERE scenario_id = $s', { s: scenarioId });
  });
}

/** The pending ids of a scenario (for `scenario delete`, which removes them with it). */
export async function pendingIdsOf(store: Store, scenarioId: string): Promise<string[]> {
  if (store.readOnly) return [];
  return (await pendingRuns(store.connection, scenarioId)).map((p) => p.pending_id);
}
