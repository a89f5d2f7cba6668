/**
 * `snapshots verify`: recompute participants' snapshots from their events with the ledger core's
 * fold (not the build's SQL) and report every difference: a missing or extra row, or a column
 * whose stored figure is not the recomputed one. The events compared are those the build covered
 * (seq ≤ the build's max_seq); events stored since are the next build's.
 */

import type { DuckDBConnection, DuckDBDateValue, DuckDBValue } from '@duckdb/node-api';
import { fromDay, weekday } from '../schema/dates.js';
import { formatDecimal } from '../schema/decimal.js';
import { isPendingScenarioId } from '../store/scenario-runs.js';
import { BUCKETS, EMPLOYER_BUCKETS, LEDGER_VERSION, LedgerState } from './ledger.js';
import { participantKey } from './query.js';
import { grossColumn, LEDGER_EVENT_TYPES, PLAN_EVENT_FILTER, SNAPSHOT_TABLE } from './sql.js';
import { type BuildState, readBuildState, SnapshotsStale } from './state.js';
import { micro, rows } from './values.js';

export interface VerifyOptions {
  /** Verify this scenario only (default: every scenario with snapshots). */
  scenario?: string;
  /** Number of participants per scenario (default 200); ignored with `all`. */
  sample?: number;
  all?: boolean;
  /** Seed of the sample (the same seed picks the same participants). */
  seed?: number;
  /** At most this many mismatches are listed (the count stays exact). */
  maxMismatches?: number;
}

export interface Mismatch {
  scenario_id: string;
  employee_id: string;
  plan_id: string;
  snapshot_date: string;
  column: string;
  stored: string | null;
  recomputed: string | null;
}

export interface VerifyResult {
  scenarios: string[];
  participants_checked: number;
  rows_checked: number;
  mismatch_count: number;
  mismatches: Mismatch[];
  ok: boolean;
}

/** Verification cannot run: no snapshots, or snapshots of another ledger version. */
export class VerifyUnavailable extends Error {
  override name = 'VerifyUnavailable';
}

const CHUNK = 500;
const LEDGER_TYPES_SQL = LEDGER_EVENT_TYPES.map((t) => `'${t}'`).join(', ');
const MONEY_COLUMNS = [
  ...BUCKETS,
  'vested_balance',
  'outstanding_loan_balance',
  ...EMPLOYER_BUCKETS.map(grossColumn),
];

const fridayOnOrAfter = (day: number) => day + ((12 - weekday(day)) % 7);
const dayOf = (v: DuckDBValue) => (v as DuckDBDateValue).days;

export async function verifySnapshots(
  conn: DuckDBConnection,
  opts: VerifyOptions = {},
): Promise<VerifyResult> {
  const scenarios =
    opts.scenario !== undefined
      ? [opts.scenario]
      : (await rows(conn, `SELECT scenario_id FROM snapshot_builds ORDER BY 1`).catch(() => []))
          .map((r) => String(r.scenario_id))
          .filter((id) => !isPendingScenarioId(id)); // unfinished runs: not scenarios
  if (scenarios.length === 0) {
    throw new VerifyUnavailable('no snapshots to verify: run `planledger snapshots build` first');
  }
  const result: VerifyResult = {
    scenarios,
    participants_checked: 0,
    rows_checked: 0,
    mismatch_count: 0,
    mismatches: [],
    ok: true,
  };
  const max = opts.maxMismatches ?? 1000;
  const report = (m: Mismatch) => {
    result.mismatch_count++;
    if (result.mismatches.length < max) result.mismatches.push(m);
  };
  for (const scenario of scenarios) {
    const state = await readBuildState(conn, scenario);
    if (state === undefined) {
      throw new VerifyUnavailable(
        `scenario ${scenario} has no snapshots: run \`planledger snapshots build\``,
      );
    }
    if (state.ledger_version !== LEDGER_VERSION) throw new SnapshotsStale(scenario, state.ledger_version);
    if (state.end_date === null) continue;
    // The sample is drawn by hash, then put in the order the chunk queries read rows in.
    const participants = await rows(
      conn,
      `SELECT employee_id, plan_id FROM (
         SELECT employee_id, plan_id FROM (
           SELECT DISTINCT employee_id, plan_id FROM fct_yearly_events
            WHERE scenario_id = $s AND ${PLAN_EVENT_FILTER} AND seq <= $seq)
         ${opts.all ? '' : `ORDER BY hash(employee_id, plan_id, $seed), employee_id, plan_id LIMIT ${Math.max(0, Math.floor(opts.sample ?? 200))}`})
        ORDER BY employee_id, plan_id`,
      { s: scenario, seq: state.max_seq, ...(opts.all ? {} : { seed: BigInt(opts.seed ?? 1) }) },
    );
    const endDay = dayOf((await rows(conn, `SELECT CAST($d AS DATE) AS d`, { d: state.end_date }))[0].d);
    for (let i = 0; i < participants.length; i += CHUNK) {
      const chunk = participants.slice(i, i + CHUNK).map((p) => [String(p.employee_id), String(p.plan_id)]);
      await verifyChunk(conn, scenario, state, endDay, chunk, result, report);
    }
  }
  result.ok = result.mismatch_count === 0;
  return result;
}

async function verifyChunk(
  conn: DuckDBConnection,
  scenario: string,
  { max_seq: maxSeq, keyed }: BuildState,
  endDay: number,
  chunk: string[][],
  result: VerifyResult,
  report: (m: Mismatch) => void,
): Promise<void> {
  const keys = { s: scenario, seq: maxSeq, emps: JSON.stringify(chunk) };
  const wanted = `(employee_id, plan_id) IN (SELECT (k[1], k[2]) FROM (SELECT unnest(CAST($emps AS VARCHAR[][])) AS k))`;
  const events = (
    await conn.runAndReadAll(
      `SELECT employee_id, plan_id, effective_date, CASE WHEN event_type IN (${LEDGER_TYPES_SQL}) THEN payload END
         FROM fct_yearly_events
        WHERE scenario_id = $s AND ${PLAN_EVENT_FILTER} AND seq <= $seq AND ${wanted}
        ORDER BY employee_id, plan_id, effective_date, seq`,
      keys,
    )
  ).getRows();
  const stored = (
    await conn.runAndReadAll(
      `SELECT employee_id, plan_id, snapshot_date, ${MONEY_COLUMNS.join(', ')}, vested_percentage,
              event_count_since_last_snapshot, ledger_version, snapshot_key, next_ledger_date
         FROM ${SNAPSHOT_TABLE} WHERE scenario_id = $s AND ${wanted}
        ORDER BY employee_id, plan_id, snapshot_date`,
      { s: scenario, emps: keys.emps },
    )
  ).getRows();
  let e = 0;
  let r = 0;
  for (const [employee, plan] of chunk) {
    result.participants_checked++;
    const mine = (row: DuckDBValue[] | undefined) =>
      row !== undefined && row[0] === employee && row[1] === plan;
    const ledger = new LedgerState();
    let friday = mine(events[e]) ? fridayOnOrAfter(dayOf(events[e][2])) : endDay + 7;
    const where = (day: number) => ({
      scenario_id: scenario,
      employee_id: employee,
      plan_id: plan,
      snapshot_date: fromDay(day),
    });
    for (; friday <= endDay; friday += 7) {
      let count = 0;
      while (mine(events[e]) && dayOf(events[e][2]) <= friday) {
        const payload = events[e][3];
        if (payload !== null)
          ledger.apply({
            effective_date: fromDay(dayOf(events[e][2])),
            payload: JSON.parse(String(payload)),
          } as never);
        count++;
        e++;
      }
      while (mine(stored[r]) && dayOf(stored[r][2]) < friday) {
        report({ ...where(dayOf(stored[r][2])), column: 'row', stored: 'present', recomputed: null });
        r++;
      }
      if (!mine(stored[r]) || dayOf(stored[r][2]) !== friday) {
        report({ ...where(friday), column: 'row', stored: null, recomputed: 'present' });
        continue;
      }
      result.rows_checked++;
      const mismatch = (column: string, s: string | null, c: string | null) =>
        report({ ...where(friday), column, stored: s, recomputed: c });
      compareRow(stored[r], ledger, count, mismatch);
      // The lookup columns (ddl.ts), of a store whose rows all have them.
      if (keyed) {
        const key = participantKey(
          { scenario_id: scenario, employee_id: employee, plan_id: plan },
          fromDay(friday),
        );
        compareLookupColumns(stored[r], key, nextLedgerDay(events, e, mine, friday), mismatch);
      }
      r++;
    }
    while (mine(events[e])) e++;
    while (mine(stored[r])) {
      report({ ...where(dayOf(stored[r][2])), column: 'row', stored: 'present', recomputed: null });
      r++;
    }
  }
  if (e !== events.length || r !== stored.length) {
    throw new Error('snapshots verify: rows were not read in the order of the participants (internal error)');
  }
}

/** The day of the first ledger event after `friday` up to the next Friday, from event index `e` on; else null. */
function nextLedgerDay(
  events: DuckDBValue[][],
  e: number,
  mine: (row: DuckDBValue[] | undefined) => boolean,
  friday: number,
): number | null {
  for (let i = e; mine(events[i]) && dayOf(events[i][2]) <= friday + 7; i++) {
    if (events[i][3] !== null) return dayOf(events[i][2]);
  }
  return null;
}

function compareLookupColumns(
  row: DuckDBValue[],
  key: bigint,
  nextDay: number | null,
  mismatch: (column: string, stored: string | null, recomputed: string | null) => void,
): void {
  const k = 3 + MONEY_COLUMNS.length + 3;
  if (row[k] !== key) mismatch('snapshot_key', row[k] === null ? null : String(row[k]), String(key));
  const stored = row[k + 1] === null ? null : dayOf(row[k + 1]);
  if (stored !== nextDay) {
    const text = (d: number | null) => (d === null ? null : fromDay(d));
    mismatch('next_ledger_date', text(stored), text(nextDay));
  }
}

function compareRow(
  row: DuckDBValue[],
  ledger: LedgerState,
  count: number,
  mismatch: (column: string, stored: string | null, recomputed: string) => void,
): void {
  const position = ledger.position();
  const expected: Record<string, bigint> = {
    vested_balance: position.vestedBalance,
    outstanding_loan_balance: 0n,
  };
  for (const b of BUCKETS) expected[b] = position.balances[b];
  for (const b of EMPLOYER_BUCKETS) expected[grossColumn(b)] = position.contributions[b];
  MONEY_COLUMNS.forEach((column, i) => {
    const v = micro(row[3 + i]);
    if (v !== expected[column])
      mismatch(column, v === null ? null : formatDecimal(v), formatDecimal(expected[column]));
  });
  const k = 3 + MONEY_COLUMNS.length;
  const vp = micro(row[k]);
  if (vp !== position.vestedFraction) {
    mismatch(
      'vested_percentage',
      vp === null ? null : formatDecimal(vp),
      formatDecimal(position.vestedFraction),
    );
  }
  if (Number(row[k + 1]) !== count)
    mismatch('event_count_since_last_snapshot', String(row[k + 1]), String(count));
  if (row[k + 2] !== LEDGER_VERSION) mismatch('ledger_version', String(row[k + 2]), LEDGER_VERSION);
}
