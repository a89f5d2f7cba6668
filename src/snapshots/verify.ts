/**
 * `snapshots verify`: recompute participants' snapshots from their events with the ledger core's
 * fold (not the build's SQL) and report every difference: a missing or extra row, or a column
 * whose stored figure is not the recomputed one. The events compared are those the build covered
 * (seq ≤ the build's max_seq); events stored since are the next build's.
 */

import {
  type DuckDBConnection,
  type DuckDBDataChunk,
  type DuckDBDateValue,
  type DuckDBDecimal64Vector,
  type DuckDBValue,
  type DuckDBVector,
  quotedString,
} from '@duckdb/node-api';
import { fromDay, weekday } from '../schema/dates.js';
import { formatDecimal } from '../schema/decimal.js';
import { userMemoryLimit, withMemoryLimit } from '../store/memory-limit.js';
import { isPendingScenarioId } from '../store/scenario-runs.js';
import { BUCKETS, EMPLOYER_BUCKETS, LEDGER_VERSION, LedgerState } from './ledger.js';
import { keyOf, participantHash } from './query.js';
import { grossColumn, LEDGER_EVENT_TYPES, PLAN_EVENT_FILTER, SNAPSHOT_TABLE } from './sql.js';
import { type BuildState, readBuildState, SnapshotsStale } from './state.js';
import { rows } from './values.js';

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
  /**
   * DuckDB's memory_limit while verifying (default VERIFY_MEMORY_LIMIT; when
   * `PLANLEDGER_MEMORY_LIMIT` is set, the connection's, which the store opened with it); the
   * connection's own is restored after.
   */
  memoryLimit?: string;
  /**
   * With `all`, about this many plan events a pass (default VERIFY_PASS_EVENTS); smaller values
   * are for tests.
   */
  passEvents?: number;
  /**
   * With `all`: called as participants are verified (every 1,000, and at the end of each pass),
   * with those verified so far in the scenario and its total.
   */
  progress?: (done: number, total: number, scenario: string) => void;
}

/**
 * DuckDB's memory_limit while verifying: the one sorted pass spills to disk past it (docs/snapshots.md,
 * "Verify").
 */
export const VERIFY_MEMORY_LIMIT = '384MB';
/**
 * Plan events per pass of `verify --all`: each pass sorts its participants' events and about as
 * many stored rows. At 10,000 employees (3.9 million events, 4.0 million rows) one pass fits
 * VERIFY_MEMORY_LIMIT; at 100,000 one pass over every participant (80 million lines) ran out of
 * memory there (docs/snapshots.md, "Verify").
 */
export const VERIFY_PASS_EVENTS = 4_000_000;

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

const LEDGER_TYPES_SQL = LEDGER_EVENT_TYPES.map((t) => quotedString(t)).join(', ');
const MONEY_COLUMNS = [
  ...BUCKETS,
  'vested_balance',
  'outstanding_loan_balance',
  ...EMPLOYER_BUCKETS.map(grossColumn),
];
/**
 * Where each field of a streamed line is (`passSql`): employee, plan, the day (days since
 * 1970-01-01), the kind (0 an event, 1 a stored row), an event's ledger payload and seq, then a
 * row's columns: the figures (MONEY_COLUMNS) and the vested fraction as DECIMAL(18,6), read as
 * micro-units, the event count, the ledger version, the key and the next ledger day.
 */
const EMPLOYEE = 0;
const PLAN = 1;
const DAY = 2;
const KIND = 3;
const PAYLOAD = 4;
const MONEY = 6;
const VESTED = MONEY + MONEY_COLUMNS.length;
const COUNT = VESTED + 1;
const VERSION = COUNT + 1;
const KEY = VERSION + 1;
const NEXT_DAY = KEY + 1;

/** A DATE column as days since 1970-01-01 (an INTEGER, as `DuckDBDateValue.days`). */
const daysSql = (column: string) => `CAST(${column} - DATE '1970-01-01' AS INTEGER)`;

/**
 * One DuckDB chunk of the stream, read a field at a time: a line's values are read only when its
 * kind needs them, and money as micro-units without a value object per field (no row arrays:
 * reading whole rows spent a third of the main thread in garbage collection).
 */
class Lines {
  private readonly vectors: DuckDBVector[];
  constructor(chunk: DuckDBDataChunk) {
    this.vectors = Array.from({ length: chunk.columnCount }, (_, i) => chunk.getColumnVector(i));
    this.count = chunk.rowCount;
  }
  readonly count: number;
  text(column: number, line: number): string | null {
    return this.vectors[column].getItem(line) as string | null;
  }
  int(column: number, line: number): number | null {
    return this.vectors[column].getItem(line) as number | null;
  }
  bigint(column: number, line: number): bigint | null {
    return this.vectors[column].getItem(line) as bigint | null;
  }
  micro(column: number, line: number): bigint | null {
    return (this.vectors[column] as DuckDBDecimal64Vector).getScaledValue(line);
  }
}

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
    const endDay = dayOf((await rows(conn, `SELECT CAST($d AS DATE) AS d`, { d: state.end_date }))[0].d);
    // The user's PLANLEDGER_MEMORY_LIMIT is the connection's already (store/open.ts).
    const limit = opts.memoryLimit ?? (userMemoryLimit() === undefined ? VERIFY_MEMORY_LIMIT : undefined);
    await withMemoryLimit(conn, limit, () =>
      verifyScenario(conn, scenario, state, endDay, opts, result, report),
    );
  }
  result.ok = result.mismatch_count === 0;
  return result;
}

const seedOf = (opts: VerifyOptions) => BigInt(opts.seed ?? 1);

/**
 * The participants verified: every employee and plan with a plan event the build covered, or a
 * sample of them drawn by hash (the same seed picks the same participants).
 */
function participantsSql(opts: VerifyOptions): string {
  const all = `SELECT DISTINCT employee_id, plan_id FROM fct_yearly_events
                WHERE scenario_id = $s AND ${PLAN_EVENT_FILTER} AND seq <= $seq`;
  if (opts.all) return all;
  const n = Math.max(0, Math.floor(opts.sample ?? 200));
  return `SELECT employee_id, plan_id FROM (${all}) ORDER BY hash(employee_id, plan_id, $seed), employee_id, plan_id LIMIT ${n}`;
}

/**
 * A pass's participants: after `after` (none: from the first) up to and including `upTo`, in key
 * order; for a sample, the sampled (employee, plan) pairs themselves (`sampled`).
 */
interface Pass {
  after: [string, string] | null;
  upTo: [string, string] | null;
  sampled?: Array<[string, string]>;
}

/**
 * A sample's employees are named in the scans' filter up to this many: DuckDB filters a list of
 * literals in the scan, so only the sample's events get their payload rebuilt (a semi join alone
 * rebuilt every event's: 43.3 s against 2.3 s for the events of 200 participants at 100,000
 * employees).
 */
const SAMPLE_LIST_MAX = 5_000;

/**
 * The passes of `verify --all`: participants in (employee_id, plan_id) order, cut where about
 * `per` plan events have gone by, so each pass sorts a bounded part of the scenario and the
 * mismatches come in the same participant order as from one pass. A sample is one pass.
 */
async function passesOf(
  conn: DuckDBConnection,
  scenario: string,
  maxSeq: DuckDBValue,
  opts: VerifyOptions,
): Promise<{ passes: Pass[]; participants: number }> {
  const one = (participants: number) => ({ passes: [{ after: null, upTo: null }], participants });
  if (!opts.all) {
    const found = await rows(conn, participantsSql(opts), { s: scenario, seq: maxSeq, seed: seedOf(opts) });
    const sampled = found.map((r): [string, string] => [String(r.employee_id), String(r.plan_id)]);
    if (sampled.length === 0) return { passes: [], participants: 0 };
    if (new Set(sampled.map(([e]) => e)).size > SAMPLE_LIST_MAX) return one(sampled.length);
    return { passes: [{ after: null, upTo: null, sampled }], participants: sampled.length };
  }
  const per = BigInt(Math.max(1, Math.floor(opts.passEvents ?? VERIFY_PASS_EVENTS)));
  const ends = await rows(
    conn,
    `WITH p AS (SELECT employee_id, plan_id, count(*) AS n FROM fct_yearly_events
                 WHERE scenario_id = $s AND ${PLAN_EVENT_FILTER} AND seq <= $seq GROUP BY ALL),
          c AS (SELECT employee_id, plan_id,
                       sum(n) OVER (ORDER BY employee_id, plan_id ROWS UNBOUNDED PRECEDING) AS cum FROM p)
     SELECT (cum - 1) // $per AS g, arg_max(employee_id, cum) AS e, arg_max(plan_id, cum) AS p, count(*) AS n
       FROM c GROUP BY g ORDER BY g`,
    { s: scenario, seq: maxSeq, per },
  );
  const participants = ends.reduce((sum, r) => sum + Number(r.n), 0);
  if (ends.length <= 1) return one(participants);
  const keys = ends.map((r): [string, string] => [String(r.e), String(r.p)]);
  const passes = keys.map((upTo, i) => ({
    after: i === 0 ? null : keys[i - 1],
    upTo: i + 1 === keys.length ? null : upTo,
  }));
  return { passes, participants };
}

/** SQL: the participant (employee_id, plan_id) is in the pass (literals, so DuckDB filters in the scan). */
function inPassSql({ after, upTo, sampled }: Pass): string {
  const q = (k: [string, string]) => [quotedString(k[0]), quotedString(k[1])];
  const parts = ['TRUE'];
  if (sampled !== undefined) {
    const employees = [...new Set(sampled.map(([e]) => quotedString(e)))];
    parts.push(`employee_id IN (${employees.join(', ')})`);
  }
  if (after !== null) {
    const [e, p] = q(after);
    parts.push(`(employee_id > ${e} OR (employee_id = ${e} AND plan_id > ${p}))`);
  }
  if (upTo !== null) {
    const [e, p] = q(upTo);
    parts.push(`(employee_id < ${e} OR (employee_id = ${e} AND plan_id <= ${p}))`);
  }
  return parts.join(' AND ');
}

/**
 * A pass's stream: its participants' plan events and stored rows, ordered by participant, then
 * date, events before the row of their Friday (the fields: EMPLOYEE … NEXT_DAY above).
 */
function passSql(opts: VerifyOptions, pass: Pass): string {
  const nulls = [
    ...MONEY_COLUMNS.map(() => 'NULL::DECIMAL(18,6)'),
    'NULL::DECIMAL(18,6), NULL::INTEGER, NULL::VARCHAR, NULL::BIGINT, NULL::INTEGER',
  ].join(', ');
  const rowColumns = [
    ...MONEY_COLUMNS.map((c) => `CAST(${c} AS DECIMAL(18,6))`),
    'CAST(vested_percentage AS DECIMAL(18,6))',
    'event_count_since_last_snapshot, ledger_version, snapshot_key',
    daysSql('next_ledger_date'),
  ].join(', ');
  // Every plan event the build covered is of a participant in `parts` when all are verified.
  const inParts = '(employee_id, plan_id) IN (SELECT (employee_id, plan_id) FROM parts)';
  const inPass = inPassSql(pass);
  // A sample's pairs were read once (passesOf); --all's come from the events, pass by pass.
  const participants =
    pass.sampled === undefined
      ? `SELECT * FROM (${participantsSql(opts)}) WHERE ${inPass}`
      : `SELECT * FROM (VALUES ${pass.sampled.map(([e, p]) => `(${quotedString(e)}, ${quotedString(p)})`).join(', ')}) AS t(employee_id, plan_id)`;
  return `WITH parts AS MATERIALIZED (${participants})
     SELECT * FROM (
       SELECT employee_id, plan_id, ${daysSql('effective_date')} AS d, 0 AS kind,
              CASE WHEN event_type IN (${LEDGER_TYPES_SQL}) THEN payload END AS payload, seq AS ord, ${nulls}
         FROM fct_yearly_events
        WHERE scenario_id = $s AND ${PLAN_EVENT_FILTER} AND seq <= $seq AND ${inPass}
              ${opts.all ? '' : `AND ${inParts}`}
       UNION ALL
       SELECT employee_id, plan_id, ${daysSql('snapshot_date')}, 1, NULL, 0, ${rowColumns}
         FROM ${SNAPSHOT_TABLE}
        WHERE scenario_id = $s AND ${inPass} AND ${inParts})
     ORDER BY employee_id, plan_id, d, kind, ord`;
}

/**
 * One scenario in passes over participants (`passesOf`; a sample or a small store: one), each
 * pass's stream (`passSql`) read a DuckDB chunk at a time, so that memory does not grow with the
 * store (the sort spills to disk past DuckDB's memory limit).
 */
async function verifyScenario(
  conn: DuckDBConnection,
  scenario: string,
  { max_seq: maxSeq, keyed }: BuildState,
  endDay: number,
  opts: VerifyOptions,
  result: VerifyResult,
  report: (m: Mismatch) => void,
): Promise<void> {
  const p = new ParticipantCheck(scenario, endDay, keyed === true, result, report);
  const { passes, participants } = await passesOf(conn, scenario, maxSeq, opts);
  const before = result.participants_checked;
  const progress = (every: number) => {
    const done = result.participants_checked - before;
    if (opts.all && done % every === 0) opts.progress?.(done, participants, scenario);
  };
  for (const pass of passes) {
    // The seed only where the sample is drawn in the query (more employees than SAMPLE_LIST_MAX).
    const drawn = !opts.all && pass.sampled === undefined;
    const stream = await conn.stream(passSql(opts, pass), {
      s: scenario,
      seq: maxSeq,
      ...(drawn ? { seed: seedOf(opts) } : {}),
    });
    for (
      let chunk = await stream.fetchChunk();
      chunk !== null && chunk.rowCount > 0;
      chunk = await stream.fetchChunk()
    ) {
      const lines = new Lines(chunk);
      for (let i = 0; i < lines.count; i++) {
        const employee = lines.text(EMPLOYEE, i) as string;
        const plan = lines.text(PLAN, i) as string;
        if (!p.holds(employee, plan)) {
          p.finish();
          p.start(employee, plan);
          progress(1000);
        }
        const day = lines.int(DAY, i) as number;
        if (lines.int(KIND, i) === 0) p.event(day, lines.text(PAYLOAD, i));
        else p.row(day, lines, i);
      }
    }
    progress(1);
  }
  p.finish();
}

/**
 * The checks of one participant, fed its events and stored rows in date order (events before the
 * row of their Friday): the ledger folds the events, and each Friday from the one on or after the
 * first event to the last one built is closed in turn, against its stored row, or as a missing
 * row; a stored row on no such Friday is extra. A row's `next_ledger_date` needs the events after
 * it, so its lookup columns are checked when the next ledger event or a later date arrives, and
 * the mismatches found meanwhile wait, so that every mismatch is reported in date order.
 */
class ParticipantCheck {
  private employee = '';
  private plan = '';
  /** The participant's part of each row's `snapshot_key` (participantHash). */
  private hash = 0n;
  private active = false;
  private ledger = new LedgerState();
  /** The next Friday to close; null before the first event. */
  private friday: number | null = null;
  /** Plan events since the last Friday closed. */
  private count = 0;
  /** A stored row whose lookup columns wait for the first ledger event of the week after it. */
  private pending: { key: bigint | null; nextDay: number | null; friday: number } | null = null;
  private waiting: Mismatch[] = [];

  constructor(
    private readonly scenario: string,
    private readonly endDay: number,
    private readonly keyed: boolean,
    private readonly result: VerifyResult,
    private readonly report: (m: Mismatch) => void,
  ) {}

  holds(employee: string, plan: string): boolean {
    return this.active && employee === this.employee && plan === this.plan;
  }

  start(employee: string, plan: string): void {
    this.employee = employee;
    this.plan = plan;
    this.hash = participantHash({ employee_id: employee, plan_id: plan });
    this.active = true;
    this.ledger = new LedgerState();
    this.friday = null;
    this.count = 0;
    this.result.participants_checked++;
  }

  event(day: number, payload: string | null): void {
    if (this.friday === null) this.friday = fridayOnOrAfter(day);
    this.settle(day, payload !== null ? 'ledger event' : 'event');
    this.closeBefore(day);
    if (payload !== null)
      this.ledger.apply({ effective_date: fromDay(day), payload: JSON.parse(payload) } as never);
    this.count++;
  }

  row(day: number, lines: Lines, line: number): void {
    this.settle(day, 'row');
    if (this.friday !== null) this.closeBefore(day);
    if (this.friday === null || day !== this.friday || day > this.endDay) {
      this.mismatch(day, 'row', 'present', null); // before the first event, off the Fridays, or after the last built
      return;
    }
    this.result.rows_checked++;
    compareRow(lines, line, this.ledger, this.count, (column, s, c) => this.mismatch(day, column, s, c));
    if (this.keyed)
      this.pending = { key: lines.bigint(KEY, line), nextDay: lines.int(NEXT_DAY, line), friday: day };
    this.count = 0;
    this.friday += 7;
  }

  /** The participant's last Fridays, with no lines left: missing rows. */
  finish(): void {
    if (!this.active) return;
    this.settle(Number.POSITIVE_INFINITY, 'row');
    if (this.friday !== null) this.closeBefore(Number.POSITIVE_INFINITY);
    this.active = false;
  }

  /** Every Friday before `day` not closed yet had no stored row. */
  private closeBefore(day: number): void {
    while (this.friday !== null && this.friday < day && this.friday <= this.endDay) {
      this.mismatch(this.friday, 'row', null, 'present');
      this.count = 0;
      this.friday += 7;
    }
  }

  /**
   * The pending row's lookup columns, once a line at `day` shows its next ledger date: a ledger
   * event in the week after its Friday is that date; a row on the next Friday or later, or any
   * line after that Friday, shows there is none (the events of a Friday come before its row).
   */
  private settle(day: number, line: 'ledger event' | 'event' | 'row'): void {
    const pending = this.pending;
    if (pending === null || day <= pending.friday) return;
    const nextFriday = pending.friday + 7;
    const next = line === 'ledger event' && day <= nextFriday ? day : null;
    const weekOver = line === 'row' ? day >= nextFriday : day > nextFriday;
    if (next === null && !weekOver) return;
    this.pending = null;
    const key = keyOf(pending.friday, this.hash);
    compareLookupColumns(pending, key, next, (column, s, c) =>
      this.report(this.where(pending.friday, column, s, c)),
    );
    const waiting = this.waiting;
    this.waiting = [];
    for (const m of waiting) this.report(m);
  }

  private mismatch(day: number, column: string, stored: string | null, recomputed: string | null): void {
    const m = this.where(day, column, stored, recomputed);
    if (this.pending !== null) this.waiting.push(m);
    else this.report(m);
  }

  private where(day: number, column: string, stored: string | null, recomputed: string | null): Mismatch {
    return {
      scenario_id: this.scenario,
      employee_id: this.employee,
      plan_id: this.plan,
      snapshot_date: fromDay(day),
      column,
      stored,
      recomputed,
    };
  }
}

function compareLookupColumns(
  stored: { key: bigint | null; nextDay: number | null },
  key: bigint,
  nextDay: number | null,
  mismatch: (column: string, stored: string | null, recomputed: string | null) => void,
): void {
  if (stored.key !== key)
    mismatch('snapshot_key', stored.key === null ? null : String(stored.key), String(key));
  if (stored.nextDay !== nextDay) {
    const text = (d: number | null) => (d === null ? null : fromDay(d));
    mismatch('next_ledger_date', text(stored.nextDay), text(nextDay));
  }
}

function compareRow(
  lines: Lines,
  line: number,
  ledger: LedgerState,
  count: number,
  mismatch: (column: string, stored: string | null, recomputed: string) => void,
): void {
  const position = ledger.position();
  const check = (column: string, v: bigint | null, expected: bigint) => {
    if (v !== expected) mismatch(column, v === null ? null : formatDecimal(v), formatDecimal(expected));
  };
  let c = MONEY;
  for (const b of BUCKETS) check(b, lines.micro(c++, line), position.balances[b]);
  check('vested_balance', lines.micro(c++, line), position.vestedBalance);
  check('outstanding_loan_balance', lines.micro(c++, line), 0n);
  for (const b of EMPLOYER_BUCKETS) check(grossColumn(b), lines.micro(c++, line), position.contributions[b]);
  check('vested_percentage', lines.micro(VESTED, line), position.vestedFraction);
  const n = lines.int(COUNT, line);
  if (n !== count) mismatch('event_count_since_last_snapshot', String(n), String(count));
  const version = lines.text(VERSION, line);
  if (version !== LEDGER_VERSION) mismatch('ledger_version', String(version), LEDGER_VERSION);
}
