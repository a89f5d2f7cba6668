/**
 * The SQL of the snapshots, generated from the ledger's bucket mapping (no second copy of it):
 * which sources feed which bucket column, which buckets forfeitures reduce, and the vested
 * balance formula of calculations.md, The ledger, written set-wise for DuckDB.
 *
 * DuckDB's ROUND on DECIMAL rounds half away from zero, as the spec requires
 * (calculations.md, Arithmetic). Products are widened to DECIMAL(38,10) before rounding so
 * that no balance can overflow the 18-digit type in an intermediate step.
 */
import { weekday } from '../schema/dates.js';
import { duckdb } from '../store/duckdb.js';
import { BUCKETS, type Bucket, EMPLOYER_BUCKETS, sourcesByBucket } from './ledger.js';

export const SNAPSHOT_TABLE = 'fct_participant_balance_snapshots';
export const BUILD_STATE_TABLE = 'snapshot_builds';

/** The event kinds the ledger folds (calculations.md, The ledger). */
export const LEDGER_EVENT_TYPES = ['contribution', 'forfeiture', 'vesting'] as const;

const EMPLOYEE_BUCKETS = BUCKETS.filter((b) => !(EMPLOYER_BUCKETS as readonly string[]).includes(b));

/** Column holding the gross contributions of an employer bucket (before forfeitures). */
export const grossColumn = (b: Bucket): string => `gross_${b}`;

/** The Friday on or after a DATE expression (a snapshot dated F holds the events up to the end of F). */
export function fridayOnOrAfter(expr: string): string {
  return `(${expr} + CAST((12 - dayofweek(${expr})) % 7 AS INTEGER))`;
}

/** The Friday on or before a day number: `fridayOnOrBefore` in TypeScript. */
export function fridayOnOrBeforeDay(day: number): number {
  return day - ((weekday(day) + 2) % 7);
}

/** The Friday on or before a DATE expression. */
export function fridayOnOrBefore(expr: string): string {
  return `(${expr} - CAST((dayofweek(${expr}) + 2) % 7 AS INTEGER))`;
}

const VESTING_CODE = BUCKETS.length + EMPLOYER_BUCKETS.length;

/**
 * The ledger role of an event row of fct_yearly_events, as a small integer (integer filters are
 * much cheaper than string tests on tens of millions of rows): i for a contribution to the i-th
 * bucket, 6 + j for a forfeiture from the j-th employer bucket, 9 for a vesting event, else NULL.
 */
export function ledgerCodeExpression(prefix = ''): string {
  const col = (c: string) => prefix + c;
  const { quotedString } = duckdb();
  const contribution = sourcesByBucket()
    .map(({ sources }, i) => `WHEN ${col('source')} IN (${sources.map(quotedString).join(', ')}) THEN ${i}`)
    .join(' ');
  const forfeiture = EMPLOYER_BUCKETS.map(
    (b, j) => `WHEN ${col('source')} = ${quotedString(b)} THEN ${BUCKETS.length + j}`,
  ).join(' ');
  return `CASE ${col('event_type')}
    WHEN 'contribution' THEN CASE ${contribution} END
    WHEN 'forfeiture' THEN CASE ${forfeiture} END
    WHEN 'vesting' THEN ${VESTING_CODE} END`;
}

/**
 * The contract's order of events as one comparable value: effective date, then sequence
 * (events.md, Order of events).
 */
export function historyOrderExpression(prefix = ''): string {
  return `((CAST(date_diff('day', DATE '1970-01-01', ${prefix}effective_date) AS HUGEINT) << 64) + ${prefix}seq)`;
}

/** The aggregate columns of `ledgerAggregates` and the ledger code each sums. */
export function aggregateColumns(): Array<{ name: string; code: number }> {
  return [
    ...BUCKETS.map((b, i) => ({ name: `c_${b}`, code: i })),
    ...EMPLOYER_BUCKETS.map((b, j) => ({ name: `f_${b}`, code: BUCKETS.length + j })),
  ];
}

/**
 * Whether a code's sum is carried: a full build passes the codes its scenario has (`present`),
 * a bucket no event feeds being zero throughout; every code when not given.
 */
const isPresent = (code: number, present?: ReadonlySet<number>) => present === undefined || present.has(code);

/**
 * Aggregates over rows that carry `code` (ledgerCodeExpression), `amount`, `vested_percentage`
 * and `ord` (historyOrderExpression): per bucket the contributions `c_<bucket>` and, for employer
 * buckets, the forfeitures `f_<bucket>` (only the codes in `present`); `vp`, the vested fraction of
 * the group's latest vesting event in history order. A sum is cast back to the amounts'
 * DECIMAL(18,6) (DuckDB sums DECIMAL into 38 digits): the figures built from it stay 64-bit
 * integers, and a sum beyond 18 digits fails the cast, as the balance made of it would.
 */
export function ledgerAggregates(present?: ReadonlySet<number>): string[] {
  return [
    ...aggregateColumns()
      .filter((a) => isPresent(a.code, present))
      .map((a) => `CAST(sum(amount) FILTER (WHERE code = ${a.code}) AS DECIMAL(18,6)) AS ${a.name}`),
    `arg_max(vested_percentage, ord) FILTER (WHERE code = ${VESTING_CODE}) AS vp`,
  ];
}

/** Names of the per-group sums of `ledgerAggregates` (only the codes in `present`). */
export function aggregateNames(present?: ReadonlySet<number>): string[] {
  return aggregateColumns()
    .filter((a) => isPresent(a.code, present))
    .map((a) => a.name);
}

/**
 * Balance and gross expressions from a base state (alias `base`, columns as in the snapshot table,
 * may be NULL for no base) plus contribution/forfeiture sums (alias `d`, may be NULL; a sum whose
 * code is not in `present` is zero).
 */
export function balanceExpressions(
  base: string | null,
  d: string,
  present?: ReadonlySet<number>,
): Array<{ name: string; expr: string }> {
  const b0 = (c: string) => (base === null ? '0' : `coalesce(${base}.${c}, 0)`);
  const summed = new Set(aggregateNames(present));
  const dd = (c: string) => (summed.has(c) ? `coalesce(${d}.${c}, 0)` : '0');
  const out: Array<{ name: string; expr: string }> = [];
  for (const b of BUCKETS) {
    const forfeit = (EMPLOYER_BUCKETS as readonly string[]).includes(b) ? ` - ${dd(`f_${b}`)}` : '';
    out.push({ name: b, expr: `CAST(${b0(b)} + ${dd(`c_${b}`)}${forfeit} AS DECIMAL(18,6))` });
  }
  for (const b of EMPLOYER_BUCKETS) {
    out.push({
      name: grossColumn(b),
      expr: `CAST(${b0(grossColumn(b))} + ${dd(`c_${b}`)} AS DECIMAL(18,6))`,
    });
  }
  return out;
}

/**
 * Vested balance = employee buckets + Σ over employer buckets of
 * min(balance, round(gross contributions × vested fraction)) (calculations.md, The ledger).
 * `alias` names a relation with the bucket, gross and `vested_percentage` columns.
 */
export function vestedBalanceExpression(alias: string): string {
  const a = (c: string) => `${alias}.${c}`;
  const v = a('vested_percentage');
  const employee = EMPLOYEE_BUCKETS.map((b) => a(b));
  // Fully vested and not vested skip the 38-digit product (most rows): the same values, since
  // round(g × 1, 2) = round(g, 2) and round(g × 0, 2) = 0 (half away from zero either way).
  // Cast back to DECIMAL(18,6): ROUND(…, 2) is DECIMAL(18,2), and least() of it with an (18,6)
  // balance would widen every later sum to 22 digits (128-bit arithmetic).
  const vested = (g: string) =>
    `CAST(CASE WHEN ${v} = 1 THEN ROUND(${g}, 2) WHEN ${v} = 0 THEN 0 ELSE ROUND(CAST(${g} AS DECIMAL(38,6)) * ${v}, 2) END AS DECIMAL(18,6))`;
  const employer = EMPLOYER_BUCKETS.map((b) => `least(${a(b)}, ${vested(a(grossColumn(b)))})`);
  return `CAST(${[...employee, ...employer].join(' + ')} AS DECIMAL(18,6))`;
}

/**
 * A snapshot row's lookup key (docs/snapshots.md, "One participant"): the Friday's day number
 * times 2^40 plus a 40-bit hash of the participant (the first ten hex digits of the md5 of
 * employee and plan joined by U+001F; not of the scenario, whose id changes when a run under a
 * pending id completes). Rows are stored in key order, which is date order, so a lookup's
 * constant key reads one row group and compares one integer column; the client computes the
 * same key (query.ts, participantKey) and checks the participant columns of what it reads, so
 * another scenario's row or a hash collision costs nothing but a second row.
 */
export const KEY_DAY_FACTOR = 1n << 40n;

/** The participant hash of `snapshotKeyExpression`, in SQL, of employee and plan expressions. */
export function participantHashExpression(employee: string, plan: string): string {
  return `CAST(('0x' || substr(md5(${employee} || chr(31) || ${plan}), 1, 10)) AS BIGINT)`;
}

/** The key of the row of a DATE expression for a participant hash expression. */
export function snapshotKeyExpression(date: string, hash: string): string {
  return `(CAST(date_diff('day', DATE '1970-01-01', ${date}) AS BIGINT) * ${KEY_DAY_FACTOR} + ${hash})`;
}

/** The WHERE clause of the events the snapshots cover: a participant's plan events (they carry a plan_id). */
export const PLAN_EVENT_FILTER = 'plan_id IS NOT NULL';
