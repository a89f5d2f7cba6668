/**
 * Building the weekly balance snapshots, set-wise in DuckDB SQL, incrementally.
 *
 * A scenario's build state (`snapshot_builds`) records the highest event `seq` the snapshots
 * cover, the last Friday built and the ledger version. A build then recomputes only:
 *  - for a participant with events newer than that `seq`: every Friday from the one on or after
 *    the earliest effective date among those events (a back-dated event changes every later week);
 *  - for everyone else: the Fridays after the last one built, when the data now reaches further
 *    (starting at the first Friday of a participant whose events all lie after it).
 * Each recomputed run of Fridays starts from the stored row of the Friday before it (or zero), so
 * an incremental build gives the same rows as a full rebuild (tested). A build with nothing new
 * changes nothing (idempotent). Each scenario is built in one transaction.
 *
 * Versioned: rows carry the ledger version. When the stored version differs from this build's, an
 * incremental build refuses (status `stale`) and `--rebuild` (option `rebuild`) is required; the
 * queries refuse stale rows too (state.ts). Versions are never mixed.
 */
import { type DuckDBConnection, quotedString } from '@duckdb/node-api';
import { fromDay, toDay } from '../schema/dates.js';
import { faultPoint } from '../store/fault.js';
import {
  atEachMemoryLimit,
  thenFallback,
  userBuildMemoryLimit,
  withMemoryLimit,
} from '../store/memory-limit.js';
import { isPendingScenarioId } from '../store/scenario-runs.js';
import { inTransaction } from '../store/transaction.js';
import { BUCKETS, EMPLOYER_BUCKETS, LEDGER_VERSION } from './ledger.js';
import {
  aggregateNames,
  BUILD_STATE_TABLE,
  balanceExpressions,
  fridayOnOrAfter,
  fridayOnOrBefore,
  grossColumn,
  historyOrderExpression,
  LEDGER_EVENT_TYPES,
  ledgerAggregates,
  ledgerCodeExpression,
  PLAN_EVENT_FILTER,
  participantHashExpression,
  SNAPSHOT_TABLE,
  snapshotKeyExpression,
  vestedBalanceExpression,
} from './sql.js';

const LEDGER_TYPES_SQL = LEDGER_EVENT_TYPES.map(quotedString).join(', ');

import { snapshotDdl } from './ddl.js';
import { ensureSnapshotTables, readBuildState } from './state.js';
import { isoDate, rows, toBigInt } from './values.js';

export interface BuildOptions {
  /** Build this scenario only (default: every scenario with events). */
  scenario?: string;
  /** Delete the scenario's snapshots and build them again (required after a ledger version change). */
  rebuild?: boolean;
  /** Timestamp written to `created_at` (default: now). */
  now?: Date;
  log?: (message: string) => void;
  /**
   * DuckDB `memory_limit` while building (default `PLANLEDGER_BUILD_MEMORY_LIMIT` or
   * BUILD_MEMORY_LIMIT); the connection's own limit is restored afterwards.
   */
  memoryLimit?: string;
  /** A full build's rows per chunk of Fridays (default CHUNK_ROWS; tests use small chunks). */
  chunkRows?: number;
}

/**
 * DuckDB's memory during a build. The simulation's bound is 1 GB of RSS for the whole process;
 * Node and DuckDB's untracked allocations take part of it, so the build's sorts, windows and
 * groupings spill to the store's temporary directory (`<store>.tmp`, DuckDB's default) beyond
 * this (docs/snapshots.md, "Memory").
 */
export const BUILD_MEMORY_LIMIT = '512MB';

/**
 * DuckDB memory_limit of a build that follows other work in the same process (`simulate`'s and
 * `ingest`'s own builds): the RSS above DuckDB's limit (Node, the store's untracked allocations)
 * grows with the store, so the build's share of a 1 GB budget is smaller than a standalone
 * build's (docs/simulate.md, "Threads and memory": at 256 MB the last chunk of the
 * 100,000-employee build ran out of memory; at 512 MB an ingest of that size peaked at 1.6 GB).
 */
export const FOLLOW_ON_BUILD_MEMORY_LIMIT = '384MB';

/**
 * The limits a follow-on build is tried at, the next after an out-of-memory error:
 * FOLLOW_ON_BUILD_MEMORY_LIMIT (or `PLANLEDGER_BUILD_MEMORY_LIMIT`), then the standalone build's.
 */
export function followOnBuildMemoryLimits(): string[] {
  return thenFallback(userBuildMemoryLimit() ?? FOLLOW_ON_BUILD_MEMORY_LIMIT, BUILD_MEMORY_LIMIT);
}

/**
 * `buildSnapshots` at each of `followOnBuildMemoryLimits()` in turn, saying so through `log` when
 * it goes on to the next: each scenario is built in one transaction, so a failed try leaves
 * nothing and the next builds only what is still missing.
 */
export function buildAfterOtherWork(
  conn: DuckDBConnection,
  opts: Omit<BuildOptions, 'memoryLimit'> = {},
): Promise<BuildResult> {
  return atEachMemoryLimit(
    followOnBuildMemoryLimits(),
    (memoryLimit) => buildSnapshots(conn, { ...opts, memoryLimit }),
    (limit, next, message) =>
      opts.log?.(`the snapshot build ran out of memory at ${limit} (${message}); building again at ${next}`),
  );
}

export type ScenarioBuildStatus = 'built' | 'current' | 'stale' | 'empty';

export interface ScenarioBuild {
  scenario_id: string;
  status: ScenarioBuildStatus;
  /** Full rebuild or incremental. */
  mode: 'full' | 'incremental' | 'none';
  participants_rebuilt: number;
  rows_written: number;
  rows_deleted: number;
  row_count: number;
  end_date: string | null;
  max_seq: string | null;
  ledger_version: string;
  /** The version found in the store when `status` is `stale`. */
  stored_version?: string;
  seconds: number;
}

export interface BuildResult {
  scenarios: ScenarioBuild[];
  seconds: number;
}

/**
 * Build (or bring up to date) the snapshots of one or every scenario. Library entry point for
 * `planledger snapshots build`, and for `simulate` and `ingest` at the end of their runs.
 */
export async function buildSnapshots(conn: DuckDBConnection, opts: BuildOptions = {}): Promise<BuildResult> {
  const t0 = performance.now();
  await ensureSnapshotTables(conn);
  return withBuildMemoryLimit(conn, opts.memoryLimit, () => buildEveryScenario(conn, opts, t0));
}

/**
 * Run `fn` at the build's DuckDB `memory_limit`: `limit`, else `PLANLEDGER_BUILD_MEMORY_LIMIT`,
 * else BUILD_MEMORY_LIMIT; the connection's own is restored after (the snapshot build and the
 * balance index).
 */
export function withBuildMemoryLimit<T>(
  conn: DuckDBConnection,
  limit: string | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  return withMemoryLimit(conn, limit ?? userBuildMemoryLimit() ?? BUILD_MEMORY_LIMIT, fn);
}

async function buildEveryScenario(
  conn: DuckDBConnection,
  opts: BuildOptions,
  t0: number,
): Promise<BuildResult> {
  const scenarios =
    opts.scenario !== undefined
      ? [opts.scenario]
      : (
          await rows(
            conn,
            `SELECT DISTINCT scenario_id FROM fct_yearly_events UNION SELECT scenario_id FROM ${BUILD_STATE_TABLE} ORDER BY 1`,
          )
        )
          .map((r) => String(r.scenario_id))
          .filter((id) => !isPendingScenarioId(id)); // unfinished runs: not scenarios
  const out: ScenarioBuild[] = [];
  for (const s of scenarios) out.push(await buildScenario(conn, s, opts));
  return { scenarios: out, seconds: (performance.now() - t0) / 1000 };
}

async function buildScenario(
  conn: DuckDBConnection,
  scenario: string,
  opts: BuildOptions,
): Promise<ScenarioBuild> {
  const t0 = performance.now();
  const state = await readBuildState(conn, scenario);
  const result: ScenarioBuild = {
    scenario_id: scenario,
    status: 'current',
    mode: 'none',
    participants_rebuilt: 0,
    rows_written: 0,
    rows_deleted: 0,
    row_count: state ? Number(state.row_count) : 0,
    end_date: state?.end_date ?? null,
    max_seq: state ? String(state.max_seq) : null,
    ledger_version: LEDGER_VERSION,
    seconds: 0,
  };
  const stored = state?.ledger_version ?? (await otherVersion(conn, scenario));
  if (stored !== undefined && stored !== LEDGER_VERSION && !opts.rebuild) {
    result.status = 'stale';
    result.stored_version = stored;
    result.ledger_version = stored;
    result.seconds = (performance.now() - t0) / 1000;
    return result;
  }
  const [stats] = await rows(
    conn,
    `SELECT max(seq) AS max_seq, max(effective_date) AS max_date,
            ${fridayOnOrBefore('max(effective_date)')} AS end_friday
       FROM fct_yearly_events WHERE scenario_id = $s AND ${PLAN_EVENT_FILTER}`,
    { s: scenario },
  );
  const full = state === undefined || opts.rebuild === true;
  const now = (opts.now ?? new Date()).toISOString();
  // One transaction: a crash leaves the previous snapshots and build state (docs/snapshots.md).
  const built = await inTransaction(conn, async () => {
    if (stats.max_seq === null) {
      result.rows_deleted = await deleteCount(conn, `scenario_id = $s`, { s: scenario });
      await conn.run(`DELETE FROM ${BUILD_STATE_TABLE} WHERE scenario_id = $s`, { s: scenario });
      result.status = 'empty';
      result.mode = full ? 'full' : 'incremental';
      result.row_count = 0;
      result.end_date = null;
      result.max_seq = null;
      return false;
    }
    const endFriday = isoDate(stats.end_friday);
    const maxSeq = toBigInt(stats.max_seq);
    // Nothing new: the transaction has written nothing.
    if (!full && state.max_seq === maxSeq && state.end_date === endFriday) return false;
    await conn.run('DROP TABLE IF EXISTS temp.snap_work');
    const p = { s: scenario, e1: endFriday };
    if (full) {
      result.rows_deleted = await clearScenario(conn, scenario);
      const built = await buildInChunks(conn, scenario, endFriday, now, opts.chunkRows ?? CHUNK_ROWS);
      result.participants_rebuilt = built.participants;
      result.rows_written = built.rows;
    } else {
      // Dates and seqs as literals: DuckDB pushes a constant filter into the scan (zonemaps on
      // snapshot_date and seq skip row groups), a parameter stays a filter above a full scan.
      const e0 = `DATE ${quotedString(state.end_date ?? '0001-01-01')}`;
      const s0 = String(state.max_seq);
      await conn.run(
        `CREATE TEMP TABLE snap_work AS
           SELECT employee_id, plan_id, min(f) AS from_friday FROM (
             SELECT employee_id, plan_id, ${e0} + 7 AS f
               FROM ${SNAPSHOT_TABLE}
              WHERE scenario_id = $s AND snapshot_date = ${e0} AND CAST($e1 AS DATE) > ${e0}
             UNION ALL
             SELECT employee_id, plan_id, ${fridayOnOrAfter('min(effective_date)')}
               FROM (SELECT employee_id, plan_id, effective_date FROM fct_yearly_events
                      WHERE scenario_id = $s AND ${PLAN_EVENT_FILTER} AND seq > ${s0}
                     UNION ALL
                     SELECT employee_id, plan_id, effective_date FROM fct_yearly_events
                      WHERE scenario_id = $s AND ${PLAN_EVENT_FILTER} AND effective_date > ${e0})
              GROUP BY employee_id, plan_id)
           GROUP BY employee_id, plan_id`,
        p,
      );
      result.rows_deleted = await deleteCount(
        conn,
        `scenario_id = $s AND snapshot_date > CAST($e1 AS DATE)`,
        p,
      );
      const replaced = await conn.run(
        `DELETE FROM ${SNAPSHOT_TABLE} x USING snap_work w
          WHERE x.scenario_id = $s AND x.employee_id = w.employee_id AND x.plan_id = w.plan_id
            AND x.snapshot_date >= w.from_friday`,
        { s: scenario },
      );
      result.rows_deleted += Number(replaced.rowsChanged);
      await updateNextLedgerDates(conn, scenario, state.max_seq);
      await conn.run(`DELETE FROM snap_work WHERE from_friday > CAST($e1 AS DATE)`, { e1: endFriday });
      const [{ n: participants }] = await rows(conn, 'SELECT count(*) AS n FROM snap_work');
      result.participants_rebuilt = Number(participants);
      const [{ lo }] = await rows(conn, 'SELECT min(from_friday) AS lo FROM snap_work');
      const run = lo === null ? undefined : { lo: isoDate(lo), hi: endFriday };
      const inserted = await conn.run(insertSql(scenario, true, run), { ...p, now, v: LEDGER_VERSION });
      result.rows_written = Number(inserted.rowsChanged);
    }
    faultPoint('snapshots-build');
    await conn.run('DROP TABLE IF EXISTS temp.snap_work');
    const [{ n }] = await rows(conn, `SELECT count(*) AS n FROM ${SNAPSHOT_TABLE} WHERE scenario_id = $s`, {
      s: scenario,
    });
    await conn.run(
      `INSERT OR REPLACE INTO ${BUILD_STATE_TABLE} VALUES ($s, $v, $seq, CAST($e1 AS DATE), $n, CAST($now AS TIMESTAMP), $keyed)`,
      { ...p, v: LEDGER_VERSION, seq: maxSeq, n: toBigInt(n), now, keyed: full || state.keyed },
    );
    result.status = 'built';
    result.mode = full ? 'full' : 'incremental';
    result.row_count = Number(n);
    result.end_date = endFriday;
    result.max_seq = String(maxSeq);
    return true;
  });
  result.seconds = (performance.now() - t0) / 1000;
  if (!built) return result;
  opts.log?.(
    `snapshots ${scenario}: ${result.mode} build, ${result.participants_rebuilt} participants, ` +
      `${result.rows_written} rows written, ${result.rows_deleted} replaced, ${result.seconds.toFixed(2)} s`,
  );
  return result;
}

/**
 * Rows of a full build per chunk: a chunk is a run of Fridays for every participant, about this
 * many rows, so that the build's sort, grouping and windows work on a bounded part of the data
 * (docs/snapshots.md, "Memory": the whole 100,000-employee build in one statement ran out of a
 * 512MB limit after spilling gigabytes).
 */
export const CHUNK_ROWS = 4_000_000;

/**
 * A full build, as a series of runs of Fridays in date order: the first chunk from each
 * participant's first Friday, each later one from the stored row of the Friday before it (the
 * incremental build's base, read by that one constant date), so the rows are those of one
 * statement over every Friday (tested), written in key order chunk after chunk.
 */
async function buildInChunks(
  conn: DuckDBConnection,
  scenario: string,
  endFriday: string,
  now: string,
  chunkRows: number,
): Promise<{ participants: number; rows: number }> {
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE snap_all AS
       SELECT employee_id, plan_id, ${fridayOnOrAfter('min(effective_date)')} AS from_friday
         FROM fct_yearly_events WHERE scenario_id = $s AND ${PLAN_EVENT_FILTER}
        GROUP BY employee_id, plan_id`,
    { s: scenario },
  );
  const [{ n, first }] = await rows(
    conn,
    'SELECT count(*) AS n, min(from_friday) AS first FROM snap_all WHERE from_friday <= CAST($e AS DATE)',
    { e: endFriday },
  );
  const participants = Number(n);
  if (participants === 0) {
    await conn.run('DROP TABLE temp.snap_all');
    return { participants, rows: 0 };
  }
  const present = await presentLedgerCodes(conn, scenario);
  const start = isoDate(first);
  const fridays = (toDay(endFriday) - toDay(start)) / 7 + 1;
  const weeks = Math.min(fridays, Math.max(1, Math.floor(chunkRows / Math.max(1, participants))));
  let written = 0;
  for (let lo = start; lo <= endFriday; lo = fromDay(toDay(lo) + 7 * weeks)) {
    const last = fromDay(toDay(lo) + 7 * (weeks - 1));
    const hi = last < endFriday ? last : endFriday;
    await conn.run(
      `CREATE OR REPLACE TEMP TABLE snap_work AS
         SELECT employee_id, plan_id, greatest(from_friday, CAST($lo AS DATE)) AS from_friday
           FROM snap_all WHERE from_friday <= CAST($hi AS DATE)`,
      { lo, hi },
    );
    const inserted = await conn.run(insertSql(scenario, lo !== start, { lo, hi }, present), {
      s: scenario,
      e1: hi,
      now,
      v: LEDGER_VERSION,
    });
    written += Number(inserted.rowsChanged);
  }
  await conn.run('DROP TABLE temp.snap_all');
  return { participants, rows: written };
}

/**
 * The ledger codes of the scenario's contributions and forfeitures (ledgerCodeExpression): a full
 * build sums those alone, the figures of a bucket no event feeds being zero throughout
 * (docs/snapshots.md, "How the build works"). A plan without Roth, after-tax or profit-sharing
 * money, or without forfeitures, has fewer running sums to carry.
 */
async function presentLedgerCodes(conn: DuckDBConnection, scenario: string): Promise<ReadonlySet<number>> {
  const found = await rows(
    conn,
    `SELECT DISTINCT ${ledgerCodeExpression()} AS code FROM fct_yearly_events
      WHERE scenario_id = ${quotedString(scenario)} AND ${PLAN_EVENT_FILTER} AND event_type IN (${LEDGER_TYPES_SQL})`,
  );
  return new Set(found.filter((r) => r.code !== null).map((r) => Number(r.code)));
}

/**
 * A recomputed run of Fridays starts after the stored row of the Friday before it, whose figures
 * stay right; but a new ledger event in the week after that row moves its `next_ledger_date`
 * (ddl.ts) earlier. Its rows are found by their Friday, within the range of Fridays of the new
 * events (constants, so that the zonemaps on snapshot_date skip every other row group); rows on
 * or after a recomputed run's first Friday were deleted before.
 */
async function updateNextLedgerDates(
  conn: DuckDBConnection,
  scenario: string,
  maxSeq: bigint,
): Promise<void> {
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE snap_next AS
       SELECT employee_id, plan_id, ${fridayOnOrAfter('effective_date')} - 7 AS f, min(effective_date) AS d
         FROM fct_yearly_events
        WHERE scenario_id = $s AND seq > ${String(maxSeq)} AND ${PLAN_EVENT_FILTER} AND event_type IN (${LEDGER_TYPES_SQL})
        GROUP BY ALL`,
    { s: scenario },
  );
  const [{ lo, hi }] = await rows(conn, 'SELECT min(f) AS lo, max(f) AS hi FROM snap_next');
  if (lo !== null) {
    await conn.run(
      `UPDATE ${SNAPSHOT_TABLE} x SET next_ledger_date = n.d FROM snap_next n
        WHERE x.scenario_id = $s AND x.snapshot_date BETWEEN DATE ${quotedString(isoDate(lo))} AND DATE ${quotedString(isoDate(hi))}
          AND x.employee_id = n.employee_id AND x.plan_id = n.plan_id AND x.snapshot_date = n.f
          AND (x.next_ledger_date IS NULL OR x.next_ledger_date > n.d)`,
      { s: scenario },
    );
  }
  await conn.run('DROP TABLE temp.snap_next');
}

/** A ledger version other than the current one among the scenario's stored rows, if any. */
async function otherVersion(conn: DuckDBConnection, scenario: string): Promise<string | undefined> {
  const r = await rows(
    conn,
    `SELECT ledger_version FROM ${SNAPSHOT_TABLE} WHERE scenario_id = $s AND ledger_version <> $v LIMIT 1`,
    { s: scenario, v: LEDGER_VERSION },
  );
  return r.length === 0 ? undefined : String(r[0].ledger_version);
}

/**
 * Removes a scenario's rows before a full build. When no other scenario has rows, the table is
 * dropped and created again in the build's transaction: a DELETE keeps an undo entry per row
 * until the commit, and at 100,000 employees (40M rows) that alone took most of the build's
 * memory limit (docs/snapshots.md, "Memory"). Returns the number of rows removed.
 */
async function clearScenario(conn: DuckDBConnection, scenario: string): Promise<number> {
  const [{ others, n }] = await rows(
    conn,
    `SELECT count(*) FILTER (WHERE scenario_id <> $s) AS others, count(*) AS n FROM ${SNAPSHOT_TABLE}`,
    { s: scenario },
  );
  if (Number(others) > 0) return deleteCount(conn, `scenario_id = $s`, { s: scenario });
  await conn.run(`DROP TABLE ${SNAPSHOT_TABLE}`);
  await conn.run(snapshotDdl()[0]);
  return Number(n);
}

async function deleteCount(
  conn: DuckDBConnection,
  where: string,
  params: Record<string, string | bigint>,
): Promise<number> {
  const r = await conn.run(`DELETE FROM ${SNAPSHOT_TABLE} WHERE ${where}`, params);
  return Number(r.rowsChanged);
}

/**
 * The set-wise build of every Friday of every participant in `snap_work`, from their
 * `from_friday` to the scenario's last Friday (calculations.md, The ledger):
 *  1. the ledger events of each participant and week (Friday on or after the event), summed per
 *     bucket, with the vested fraction of the week's last vesting event; plus an empty week at
 *     `from_friday` so that every participant starts there;
 *  2. running totals over those weeks (window functions), added to the stored row of the Friday
 *     before `from_friday` (the base) in an incremental build;
 *  3. each week's totals repeated on the Fridays up to the next week with events (unnest).
 * Windows run over the weeks with events only, not over every Friday: that halves their input.
 * Rows are written in date then participant order: the plan-wide question reads one Friday's rows
 * (a row group or two), and a participant's lookup (one Friday, one participant) too.
 * Participants are numbered first (`pid`, in employee and plan order), so that the grouping, the
 * windows and the final sort compare integers, not strings; the order written is the same. Their
 * employee, plan and hash are joined to each week's state, before it is repeated on its Fridays
 * (a third of the rows); the vested fraction carried over weeks is the last non-null one.
 */
function insertSql(
  scenario: string,
  withBase: boolean,
  chunk?: { lo: string; hi: string },
  present?: ReadonlySet<number>,
): string {
  // A chunk's dates are literals, not parameters: DuckDB pushes a constant filter into the scan
  // (the events' other columns are read for the chunk's rows alone; the base rows' Friday selects
  // their row groups by zonemap), and a parameter stays a filter above a scan of every row.
  const date = (d: string) => `DATE ${quotedString(d)}`;
  const win = 'OVER (PARTITION BY pid ORDER BY wk ROWS UNBOUNDED PRECEDING)';
  const running = aggregateNames(present).map((c) => `CAST(sum(${c}) ${win} AS DECIMAL(18,6)) AS ${c}`);
  const balances = balanceExpressions(withBase ? 'b' : null, 'c', present);
  const firstLedgerDate = `min(d) FILTER (WHERE code IS NOT NULL)`;
  const carried = [
    ...running,
    `last_value(vp IGNORE NULLS) ${win} AS vp`,
    'lead(wk) OVER (PARTITION BY pid ORDER BY wk) AS next_wk',
    'lead(first_ledger) OVER (PARTITION BY pid ORDER BY wk) AS next_ledger',
  ];
  return `INSERT INTO ${SNAPSHOT_TABLE}
WITH w AS (
  SELECT row_number() OVER (ORDER BY employee_id, plan_id) AS pid, employee_id, plan_id, from_friday,
         ${participantHashExpression('employee_id', 'plan_id')} AS h
    FROM snap_work
),
ev AS (
  SELECT w.pid, e.event_type, e.amount, e.vested_percentage,
         ${ledgerCodeExpression('e.')} AS code, ${historyOrderExpression('e.')} AS ord,
         ${fridayOnOrAfter('e.effective_date')} AS wk, e.effective_date AS d
    FROM fct_yearly_events e
    JOIN w ON e.employee_id = w.employee_id AND e.plan_id = w.plan_id
   WHERE e.scenario_id = ${quotedString(scenario)} AND e.effective_date > w.from_friday - 7 AND e.effective_date <= CAST($e1 AS DATE) + 7${
     chunk
       ? ` AND e.effective_date > ${date(chunk.lo)} - 7 AND e.effective_date <= ${date(chunk.hi)} + 7`
       : ''
   }
  UNION ALL
  SELECT pid, NULL, NULL, NULL, NULL, NULL, from_friday, NULL FROM w
),
weekly AS (
  SELECT pid, wk, ${ledgerAggregates(present).join(',\n         ')}, count(event_type) AS n,
         ${firstLedgerDate} AS first_ledger
    FROM ev GROUP BY pid, wk
),
c AS (
  SELECT pid, wk, n, ${carried.join(',\n         ')}
    FROM weekly
),
r AS (
  SELECT c.pid, c.wk, c.next_wk, c.next_ledger, c.n, w.employee_id, w.plan_id, w.h,
         ${balances.map((x) => `${x.expr} AS ${x.name}`).join(',\n         ')},
         CAST(coalesce(c.vp, ${withBase ? 'b.vested_percentage, ' : ''}0) AS DECIMAL(5,4)) AS vested_percentage
    FROM c JOIN w ON w.pid = c.pid
    ${
      withBase
        ? `LEFT JOIN ${SNAPSHOT_TABLE} b
      ON b.scenario_id = ${quotedString(scenario)} AND b.employee_id = w.employee_id AND b.plan_id = w.plan_id
     AND b.snapshot_date = w.from_friday - 7${chunk ? ` AND b.snapshot_date BETWEEN ${date(chunk.lo)} - 7 AND ${date(chunk.hi)}` : ''}`
        : ''
    }
),
v AS (
  SELECT r.*, ${vestedBalanceExpression('r')} AS vested_balance FROM r
),
x AS (
  SELECT v.*,
         v.wk + CAST(unnest(range(0, (coalesce(v.next_wk - 7, CAST($e1 AS DATE)) - v.wk) // 7 + 1)) * 7 AS INTEGER)
           AS snapshot_date
    FROM v
),
s AS (
  SELECT x.employee_id, x.plan_id, x.snapshot_date,
         ${BUCKETS.map((b) => `x.${b}`).join(', ')},
         x.vested_percentage, x.vested_balance,
         CAST(CASE WHEN x.snapshot_date = x.wk THEN x.n ELSE 0 END AS INTEGER) AS n,
         ${EMPLOYER_BUCKETS.map((b) => `x.${grossColumn(b)}`).join(', ')},
         ${snapshotKeyExpression('x.snapshot_date', 'x.h')} AS snapshot_key,
         CASE WHEN x.snapshot_date = x.next_wk - 7 THEN x.next_ledger END AS next_ledger_date
    FROM x
   ORDER BY snapshot_key, x.pid
)
SELECT gen_random_uuid(), employee_id, plan_id, $s, snapshot_date,
       ${BUCKETS.join(', ')}, vested_percentage, vested_balance, CAST(0 AS DECIMAL(18,6)), n,
       CAST($now AS TIMESTAMP), ${EMPLOYER_BUCKETS.map(grossColumn).join(', ')}, $v, snapshot_key, next_ledger_date
  FROM s`;
}
