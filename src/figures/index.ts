/**
 * The plan figures of a scenario, read from a store (the DuckDB file or a lake's views): the one
 * definition of each figure that the CLI summaries (`simulate`, `compare`) and the report share
 * (docs/report.md, "Definitions"). Money and rates stay exact (decimal strings → bigint micro-units).
 *
 * - headcount: employed on 31 December — hired on or before it and not terminated on or before it
 *   (someone whose termination is dated 31 December is not counted);
 * - eligible: of the headcount, those whose plan entry (first `eligibility` event) is on or before 31 December;
 * - participating: of the eligible, those with an employee contribution (any employee source) in the year;
 *   participation = participating ÷ eligible;
 * - deferral rate: the pre-tax + Roth rate of the election in effect on 31 December (the latest
 *   `enrollment` event on or before it), over the participating people whose rate is above 0;
 * - employer contributions (gross): the sources whose bucket is an employer bucket, less the
 *   forfeiture allocations (funded by forfeitures); forfeitures: forfeited amounts;
 *   net employer cost = gross − forfeitures.
 */
import { type DuckDBConnection, quotedString } from '@duckdb/node-api';
import { CONTRIBUTION_SOURCES } from '../schema/contract.js';
import { type Decimal, dec, divRoundHalfAway, formatDecimal, ONE } from '../schema/decimal.js';

import { EMPLOYEE_SOURCES, EMPLOYER_SOURCES } from './sources.js';

export { EMPLOYEE_SOURCES, EMPLOYER_SOURCES } from './sources.js';

export type Row = Record<string, unknown>;

export async function query(conn: DuckDBConnection, sql: string): Promise<Row[]> {
  return (await conn.runAndReadAll(sql)).getRowObjectsJson() as Row[];
}

const big = (v: unknown): bigint => (v === null || v === undefined ? 0n : BigInt(String(v)));
const money = (v: unknown): Decimal => (v === null || v === undefined ? 0n : dec(String(v)));

/** numerator / denominator as a fraction in micro-units (0 when the denominator is 0). */
export function ratio(numerator: bigint, denominator: bigint): bigint {
  return denominator === 0n ? 0n : divRoundHalfAway(numerator * ONE, denominator);
}

export interface ScenarioRef {
  scenarioId: string;
  first: number;
  last: number;
}

export interface PlanYear {
  year: number;
  headcount: bigint;
  hires: bigint;
  terminations: bigint;
  eligible: bigint;
  participating: bigint;
  /** participating ÷ eligible, micro-units. */
  participation: bigint;
  /** People whose 31 December deferral rate (pre-tax + Roth) is above 0, among the participating. */
  deferring: bigint;
  /** Mean and median of those rates, micro-units. */
  avgDeferral: bigint;
  medianDeferral: bigint;
  hce: bigint;
  hceDetermined: bigint;
  hceShare: bigint;
  /** Contributions by source (the sources present), micro-dollars. */
  bySource: Record<string, bigint>;
  employerGross: bigint;
  forfeitures: bigint;
  employerNet: bigint;
  events: bigint;
}

const sqlList = (xs: readonly string[]) => xs.map(quotedString).join(', ');

/** Year-end people of each year: employed, eligible, participating, and the deferral rate in effect. */
export function yearEndSql(s: ScenarioRef): string {
  const id = quotedString(s.scenarioId);
  return `
    years AS (SELECT CAST(range AS INTEGER) AS year FROM range(${s.first}, ${s.last + 1})),
    people AS (
      SELECT employee_id, min(hire_date) AS hire_date FROM (
        SELECT employee_id, hire_date FROM dim_participants WHERE scenario_id = ${id}
        UNION ALL
        SELECT employee_id, effective_date FROM fct_yearly_events WHERE scenario_id = ${id} AND event_type = 'hire')
      GROUP BY employee_id),
    leavers AS (
      SELECT employee_id, max(effective_date) AS term_date FROM fct_yearly_events
      WHERE scenario_id = ${id} AND event_type = 'termination' GROUP BY employee_id),
    entries AS (
      SELECT employee_id, min(effective_date) AS entry_date FROM fct_yearly_events
      WHERE scenario_id = ${id} AND event_type = 'eligibility' GROUP BY employee_id),
    contributors AS (
      SELECT DISTINCT employee_id, simulation_year AS year FROM fct_yearly_events
      WHERE scenario_id = ${id} AND event_type = 'contribution' AND source IN (${sqlList(EMPLOYEE_SOURCES)})),
    elections AS (
      SELECT employee_id, effective_date, seq,
        CAST(json_extract_string(payload, '$.pre_tax_contribution_rate') AS DECIMAL(9,6))
          + CAST(json_extract_string(payload, '$.roth_contribution_rate') AS DECIMAL(9,6)) AS rate
      FROM fct_yearly_events WHERE scenario_id = ${id} AND event_type = 'enrollment'),
    rates AS (
      SELECT y.year, e.employee_id, arg_max(e.rate, (e.effective_date, e.seq)) AS rate
      FROM years y JOIN elections e ON e.effective_date <= make_date(y.year, 12, 31) GROUP BY ALL),
    year_end AS (
      SELECT y.year, p.employee_id,
        coalesce(n.entry_date <= make_date(y.year, 12, 31), false) AS eligible,
        coalesce(n.entry_date <= make_date(y.year, 12, 31), false) AND c.employee_id IS NOT NULL AS participating,
        r.rate
      FROM years y JOIN people p ON p.hire_date <= make_date(y.year, 12, 31)
      LEFT JOIN leavers l ON l.employee_id = p.employee_id
      LEFT JOIN entries n ON n.employee_id = p.employee_id
      LEFT JOIN contributors c ON c.employee_id = p.employee_id AND c.year = y.year
      LEFT JOIN rates r ON r.employee_id = p.employee_id AND r.year = y.year
      WHERE l.term_date IS NULL OR l.term_date > make_date(y.year, 12, 31))`;
}

/** The figures of every year of a scenario (one function for the CLI and the report). */
export async function planYears(conn: DuckDBConnection, s: ScenarioRef): Promise<PlanYear[]> {
  const id = quotedString(s.scenarioId);
  const people = await query(
    conn,
    `WITH ${yearEndSql(s)},
     moves AS (
       SELECT y.year,
         count(*) FILTER (WHERE year(p.hire_date) = y.year) AS hires,
         count(*) FILTER (WHERE year(l.term_date) = y.year) AS terminations
       FROM years y CROSS JOIN people p LEFT JOIN leavers l USING (employee_id) GROUP BY y.year)
     SELECT y.year, m.hires, m.terminations,
       count(e.employee_id) AS headcount,
       count(*) FILTER (WHERE e.eligible) AS eligible,
       count(*) FILTER (WHERE e.participating) AS participating,
       count(*) FILTER (WHERE e.participating AND e.rate > 0) AS deferring,
       CAST(sum(e.rate) FILTER (WHERE e.participating AND e.rate > 0) AS VARCHAR) AS rate_sum,
       CAST(quantile_disc(e.rate, 0.5) FILTER (WHERE e.participating AND e.rate > 0) AS VARCHAR) AS rate_median
     FROM years y JOIN moves m USING (year) LEFT JOIN year_end e USING (year)
     GROUP BY ALL ORDER BY y.year`,
  );
  const plan = await query(
    conn,
    `SELECT simulation_year AS year, count(*) AS events,
       count(DISTINCT employee_id) FILTER (WHERE event_type = 'hce_status') AS hce_determined,
       count(DISTINCT employee_id) FILTER (WHERE event_type = 'hce_status' AND payload_is_hce) AS hce,
       CAST(coalesce(sum(amount) FILTER (WHERE event_type = 'forfeiture'), 0) AS VARCHAR) AS forfeitures
     FROM fct_yearly_events WHERE scenario_id = ${id} GROUP BY simulation_year`,
  );
  const sources = await query(
    conn,
    `SELECT simulation_year AS year, source, CAST(sum(amount) AS VARCHAR) AS total
     FROM fct_yearly_events WHERE scenario_id = ${id} AND event_type = 'contribution' GROUP BY ALL`,
  );
  const byYear = new Map(plan.map((r) => [Number(r.year), r]));
  return people.map((w): PlanYear => {
    const year = Number(w.year);
    const p = byYear.get(year) ?? {};
    const bySource: Record<string, bigint> = {};
    for (const r of sources) if (Number(r.year) === year) bySource[String(r.source)] = money(r.total);
    const eligible = big(w.eligible);
    const participating = big(w.participating);
    const deferring = big(w.deferring);
    const hce = big(p.hce);
    const hceDetermined = big(p.hce_determined);
    const employerGross = EMPLOYER_SOURCES.reduce((sum, src) => sum + (bySource[src] ?? 0n), 0n);
    const forfeitures = money(p.forfeitures);
    return {
      year,
      headcount: big(w.headcount),
      hires: big(w.hires),
      terminations: big(w.terminations),
      eligible,
      participating,
      participation: ratio(participating, eligible),
      deferring,
      avgDeferral: ratio(money(w.rate_sum), deferring * ONE),
      medianDeferral: money(w.rate_median),
      hce,
      hceDetermined,
      hceShare: ratio(hce, hceDetermined),
      bySource,
      employerGross,
      forfeitures,
      employerNet: employerGross - forfeitures,
      events: big(p.events),
    };
  });
}

/** Sources present in any of the years, in the contract's order (unknown ones after, sorted). */
export function sourcesPresent(years: readonly PlanYear[]): string[] {
  const seen = new Set(years.flatMap((y) => Object.keys(y.bySource)));
  const known: readonly string[] = CONTRIBUTION_SOURCES;
  return [...known.filter((x) => seen.has(x)), ...[...seen].filter((x) => !known.includes(x)).sort()];
}

/** The figures as JSON: money as decimal strings, rates as decimal strings (micro-unit exact). */
export function planYearJson(y: PlanYear) {
  const f = formatDecimal;
  return {
    year: y.year,
    headcount: Number(y.headcount),
    hires: Number(y.hires),
    terminations: Number(y.terminations),
    eligible: Number(y.eligible),
    participating: Number(y.participating),
    participation_rate: f(y.participation),
    deferring: Number(y.deferring),
    average_deferral_rate: f(y.avgDeferral),
    median_deferral_rate: f(y.medianDeferral),
    hce_count: Number(y.hce),
    contributions: Object.fromEntries(Object.entries(y.bySource).map(([k, v]) => [k, f(v)])),
    employer_contributions: f(y.employerGross),
    forfeitures: f(y.forfeitures),
    employer_cost_net: f(y.employerNet),
  };
}

/** Percentiles reported for distributions of money (per-person changes, balances). */
export const PERCENTILES = [0.1, 0.25, 0.5, 0.75, 0.9] as const;

/** How one design changes each person's employer money in a year, against a base design. */
export interface EmployerChange {
  year: number;
  /** People with any event that year under either design. */
  people: bigint;
  gain: bigint;
  lose: bigint;
  unchanged: bigint;
  /** Sum of the changes (the difference in net employer cost). */
  total: bigint;
  min: bigint;
  max: bigint;
  /** The changes at PERCENTILES (nearest rank: amounts that occur). */
  percentiles: bigint[];
}

/**
 * Per person and year: employer contributions less that person's forfeitures under `alt`, minus
 * the same under `base`; counted over the people with any event that year in either scenario.
 */
export async function employerChanges(
  conn: DuckDBConnection,
  base: string,
  alt: string,
): Promise<EmployerChange[]> {
  const [a, b] = [quotedString(base), quotedString(alt)];
  const rows = await query(
    conn,
    `WITH per AS (
       SELECT scenario_id, employee_id, simulation_year AS year,
         coalesce(sum(amount) FILTER (WHERE event_type = 'contribution' AND source IN (${sqlList(EMPLOYER_SOURCES)})), 0)
           - coalesce(sum(amount) FILTER (WHERE event_type = 'forfeiture'), 0) AS employer
       FROM fct_yearly_events WHERE scenario_id IN (${a}, ${b}) GROUP BY ALL),
     changes AS (
       SELECT year, employee_id,
         coalesce(max(employer) FILTER (WHERE scenario_id = ${b}), 0)
           - coalesce(max(employer) FILTER (WHERE scenario_id = ${a}), 0) AS change
       FROM per GROUP BY ALL)
     SELECT year, count(*) AS people,
       count(*) FILTER (WHERE change > 0) AS gain, count(*) FILTER (WHERE change < 0) AS lose,
       count(*) FILTER (WHERE change = 0) AS unchanged,
       CAST(sum(change) AS VARCHAR) AS total, CAST(min(change) AS VARCHAR) AS lo, CAST(max(change) AS VARCHAR) AS hi,
       CAST(quantile_disc(change, [${PERCENTILES.join(', ')}]) AS VARCHAR[]) AS pct
     FROM changes GROUP BY year ORDER BY year`,
  );
  return rows.map((r) => ({
    year: Number(r.year),
    people: big(r.people),
    gain: big(r.gain),
    lose: big(r.lose),
    unchanged: big(r.unchanged),
    total: money(r.total),
    min: money(r.lo),
    max: money(r.hi),
    percentiles: (r.pct as string[]).map(money),
  }));
}

export function employerChangeJson(c: EmployerChange) {
  return {
    year: c.year,
    people: Number(c.people),
    gain: Number(c.gain),
    lose: Number(c.lose),
    unchanged: Number(c.unchanged),
    total: formatDecimal(c.total),
    min: formatDecimal(c.min),
    max: formatDecimal(c.max),
    percentiles: Object.fromEntries(
      PERCENTILES.map((p, i) => [`p${p * 100}`, formatDecimal(c.percentiles[i])]),
    ),
  };
}
