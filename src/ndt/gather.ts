/**
 * Gathering the ADP/ACP test figures from a store, set-wise in DuckDB (nondiscrimination.md,
 * "Who is tested, on what pay" and "The ratios"): one row per eligible person and plan year
 * with HCE flag, plan compensation from the eligibility date on, both tests' contributions and
 * ratios, and the catch-up room left. All in exact integers (micro-units; ratios in 0.0001):
 * DuckDB divides decimals in DOUBLE, so every division here is an integer one, rounded half up
 * (every operand is ≥ 0, so half up is half away from zero).
 *
 * Compensation is rebuilt from the payroll rules (calculations.md, Payroll): each person's pay
 * rate history (census, merit, promotion) is cut into segments per plan year, and the pay dates
 * a segment holds are counted with a day calendar, so that no row per pay date is ever made.
 * Plan compensation from the entry date = min(G, 401(a)(17)) − min(G before entry, 401(a)(17)),
 * G being the year's gross pay (the year-to-date cap counts every pay date of the year).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { PERIODS, payDatesOfYear } from '../engine/calendar.js';
import { anchorDay, limitsFor, type PlanDesign } from '../engine/plan.js';
import { CONTRIBUTION_SOURCES } from '../schema/contract.js';
import { fromDay } from '../schema/dates.js';

/** Temp tables of one gather (per connection). */
export const NDT_TEMP = {
  years: 'temp.main.ndt_years',
  days: 'temp.main.ndt_days',
  contrib: 'temp.main.ndt_contrib',
  events: 'temp.main.ndt_events',
  people: 'temp.main.ndt_people',
} as const;

/** The ADP test's sources (catch-up not counted) and the ACP test's (nondiscrimination.md, The ratios). */
export const ADP_SOURCES = ['employee_pre_tax', 'employee_roth'] as const;
export const ACP_SOURCES = ['employer_match', 'employer_match_true_up', 'employee_after_tax'] as const;
/** Both catch-up sources (their sum is what the year's catch-up room has taken). */
export const CATCH_UP_SOURCES = ['employee_catch_up', 'employee_roth_catch_up'] as const;

const list = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(', ');
/** A money constant in micro-units, as BIGINT. */
const money = (v: bigint | null) => (v === null ? 'NULL::BIGINT' : `${v}::BIGINT`);
/**
 * Micro-units of a DECIMAL(18,6) expression as BIGINT, exactly: the product has no fraction left
 * to round. Converted once per row read (event, person, person-year), so that everything after
 * is BIGINT arithmetic (DuckDB raises an error on a BIGINT overflow, it never wraps).
 */
const micros = (e: string) => `CAST(${e} * 1000000 AS BIGINT)`;

/** The calendar tables: each plan year's limits, and every day with its year's pay-date count. */
function calendarSql(plan: PlanDesign, years: readonly [number, number]): string[] {
  const anchor =
    plan.payroll.frequency === 'weekly' || plan.payroll.frequency === 'biweekly' ? anchorDay(plan) : null;
  const yearRows: string[] = [];
  const pays: string[] = [];
  for (let y = years[0]; y <= years[1]; y++) {
    const l = limitsFor(plan, y);
    yearRows.push(
      `(${y}, DATE '${y}-01-01', DATE '${y}-12-31', ${money(l.catchUp)}, ${money(l.catchUp6063)}, ${money(l.comp401a17)})`,
    );
    for (const d of payDatesOfYear(plan.payroll.frequency, y, anchor)) pays.push(`(DATE '${fromDay(d)}')`);
  }
  return [
    `CREATE OR REPLACE TEMP TABLE ndt_years AS SELECT * FROM (VALUES ${yearRows.join(', ')})
       t(year, jan1, dec31, catch_up, catch_up_6063, comp_limit)`,
    `CREATE OR REPLACE TEMP TABLE ndt_days AS
     WITH pay(pay_date) AS (VALUES ${pays.length > 0 ? pays.join(', ') : '(NULL::DATE)'})
     SELECT CAST(r.range AS DATE) AS day, y.year,
            count(pay.pay_date) OVER (PARTITION BY y.year ORDER BY r.range) AS cum,
            CAST(pay.pay_date IS NOT NULL AS INTEGER) AS is_pay
     FROM range(DATE '${years[0]}-01-01', DATE '${years[1]}-12-31' + INTERVAL 1 DAY, INTERVAL 1 DAY) r
     JOIN ndt_years y ON CAST(r.range AS DATE) BETWEEN y.jan1 AND y.dec31
     LEFT JOIN pay ON pay.pay_date = CAST(r.range AS DATE)`,
  ];
}

/**
 * Each person's contributions per plan year, by test, in micro-units (every person: after-tax
 * presence is plan-wide). Typed columns only (`event_type`, `source`, `amount`): the payload is
 * never read here. The plan year is the stored `simulation_year`, the year of the effective date
 * (docs/store.md, fct_yearly_events), an integer read without a date function.
 */
function contributionsSql(years: readonly [number, number]): string {
  // Each row's source is named once, as a bucket number, and the sums test the number: four
  // CASEs over the source text cost a third more in DuckDB 1.5, FILTER clauses and a
  // `source IN` filter twice as much (docs/ndt.md, "Performance").
  const buckets: [number, readonly string[]][] = [
    [1, ADP_SOURCES],
    [2, ACP_SOURCES.filter((x) => x !== 'employee_after_tax')],
    [3, ['employee_after_tax']],
    [4, CATCH_UP_SOURCES],
  ];
  const bucket = `CASE source ${buckets.flatMap(([n, xs]) => xs.map((x) => `WHEN '${x}' THEN ${n}`)).join(' ')} ELSE 0 END`;
  // The sources no test counts (employer_nonelective is a third of a simulated store's rows)
  // are left out in the scan: one `<>` per source is a filter DuckDB pushes into the table scan.
  const counted = new Set(buckets.flatMap(([, xs]) => xs));
  const uncounted = CONTRIBUTION_SOURCES.filter((x) => !counted.has(x)).map((x) => `AND source <> '${x}'`);
  const sum = (ns: number[]) => micros(`sum(CASE WHEN bucket IN (${ns.join(', ')}) THEN amount ELSE 0 END)`);
  return `CREATE OR REPLACE TEMP TABLE ndt_contrib AS
    SELECT employee_id, year, ${sum([1])} AS adp_c, ${sum([2, 3])} AS acp_c,
      ${sum([3])} AS after_tax, ${sum([4])} AS catch_up_made
    FROM (
      SELECT employee_id, simulation_year AS year, ${bucket} AS bucket, amount
      FROM fct_yearly_events
      WHERE scenario_id = $scenario AND event_type = 'contribution' ${uncounted.join(' ')}
        AND simulation_year BETWEEN ${years[0]} AND ${years[1]})
    GROUP BY ALL`;
}

/** The non-contribution events the tests read (events.md: eligibility, termination, merit, promotion, hce_status). */
export const NDT_EVENT_TYPES = ['eligibility', 'termination', 'merit', 'promotion', 'hce_status'] as const;

/**
 * The few non-contribution events the tests read, with the facts they need from their payloads
 * read from the store's typed fact columns (src/store/fact-columns.ts), never from the payload
 * text (docs/ndt.md, "Gathering the figures"). `event_type <> 'contribution'` is there for the
 * scan: DuckDB 1.5 pushes a comparison with one constant into the table scan, which then reads
 * the other columns of the rows that pass it only, while an `IN` list is applied after the scan
 * to every row; contributions are nine rows in ten of a store.
 */
function eventsSql(): string {
  return `CREATE OR REPLACE TEMP TABLE ndt_events AS
    SELECT seq, employee_id, effective_date, event_type, payload_is_hce AS is_hce, payload_eligible AS eligible,
      payload_eligibility_date AS elig_date, ${micros('payload_new_compensation')} AS rate
    FROM fct_yearly_events
    WHERE scenario_id = $scenario AND event_type <> 'contribution'
      AND event_type IN (${list(NDT_EVENT_TYPES)})`;
}

/** One row per eligible person and plan year with compensation > 0 (nondiscrimination.md). */
function peopleSql(plan: PlanDesign): string {
  const periods = BigInt(PERIODS[plan.payroll.frequency]);
  const q = periods * 10_000n; // micro-units per cent × periods
  const ev = NDT_TEMP.events;
  return `CREATE OR REPLACE TEMP TABLE ndt_people AS
    WITH elig AS (
      SELECT employee_id, min(elig_date) AS elig_date FROM ${ev}
      WHERE event_type = 'eligibility' AND eligible GROUP BY ALL),
    term AS (SELECT employee_id, min(effective_date) AS term_date FROM ${ev} WHERE event_type = 'termination' GROUP BY ALL),
    hce AS (
      SELECT employee_id, CAST(year(effective_date) AS INTEGER) AS year, bool_or(is_hce) AS is_hce
      FROM ${ev} WHERE event_type = 'hce_status' AND month(effective_date) = 1 AND day(effective_date) = 1
      GROUP BY ALL),
    base AS (
      SELECT p.employee_id, p.birth_date, p.hire_date, ${micros('p.annual_compensation')} AS rate,
        e.elig_date, t.term_date
      FROM dim_participants p JOIN elig e USING (employee_id) LEFT JOIN term t USING (employee_id)
      WHERE p.scenario_id = $scenario),
    -- Eligible for Y: entry on or before 31 December, employed on some day of Y from the entry on.
    py AS (
      SELECT b.employee_id, b.birth_date, b.hire_date, b.elig_date, b.term_date,
        y.year, y.jan1, y.dec31, y.catch_up, y.catch_up_6063, y.comp_limit
      FROM base b JOIN ndt_years y ON b.elig_date <= y.dec31
       AND greatest(b.elig_date, b.hire_date, y.jan1) <= least(coalesce(b.term_date, y.dec31), y.dec31)),
    changes AS (
      SELECT employee_id, DATE '0001-01-01' AS from_date, -1 AS seq, rate FROM base
      UNION ALL
      SELECT employee_id, effective_date, seq, rate FROM ${ev} WHERE event_type IN ('merit', 'promotion')),
    -- A pay rate from one change to the next; gross per pay date in micro-units, rounded to the cent.
    seg AS (
      SELECT employee_id, from_date, ((2 * rate + ${q}) // ${2n * q}) * 10000 AS gross,
             lead(from_date) OVER (PARTITION BY employee_id ORDER BY from_date, seq) AS next_from
      FROM changes),
    -- A rate segment within one plan year, clipped to employment.
    piece AS (
      SELECT s.employee_id, py.year, py.elig_date, s.gross,
        greatest(s.from_date, py.hire_date, py.jan1) AS a,
        least(coalesce(s.next_from - 1, py.dec31), coalesce(py.term_date, py.dec31), py.dec31) AS b
      FROM seg s JOIN py USING (employee_id)),
    counted AS (
      SELECT p.employee_id, p.year, p.gross,
        CASE WHEN p.a <= p.b THEN db.cum - da.cum + da.is_pay ELSE 0 END AS n_all,
        CASE WHEN p.a <= least(p.b, p.elig_date - 1) THEN de.cum - da.cum + da.is_pay ELSE 0 END AS n_pre
      FROM piece p
      LEFT JOIN ndt_days da ON da.day = p.a
      LEFT JOIN ndt_days db ON db.day = p.b
      LEFT JOIN ndt_days de ON de.day = least(p.b, p.elig_date - 1)),
    gross AS (
      SELECT employee_id, year, CAST(sum(gross * n_all) AS BIGINT) AS g_all,
        CAST(sum(gross * n_pre) AS BIGINT) AS g_pre
      FROM counted GROUP BY ALL),
    tested AS (
      SELECT py.year, py.employee_id, coalesce(h.is_hce, false) AS is_hce,
        least(g.g_all, py.comp_limit) - least(g.g_pre, py.comp_limit) AS comp,
        coalesce(c.adp_c, 0) AS adp_c, coalesce(c.acp_c, 0) AS acp_c,
        CASE WHEN py.year - year(py.birth_date) < 50 THEN 0
             ELSE greatest(0, CASE WHEN py.year - year(py.birth_date) BETWEEN 60 AND 63 AND py.catch_up_6063 IS NOT NULL
                                   THEN py.catch_up_6063 ELSE py.catch_up END - coalesce(c.catch_up_made, 0)) END
          AS catch_up_left
      FROM py JOIN gross g USING (employee_id, year)
      LEFT JOIN hce h USING (employee_id, year)
      LEFT JOIN ndt_contrib c USING (employee_id, year))
    SELECT year, employee_id, is_hce, comp, adp_c, acp_c,
      (2 * adp_c * 10000 + comp) // (2 * comp) AS adp_ratio,
      (2 * acp_c * 10000 + comp) // (2 * comp) AS acp_ratio,
      catch_up_left
    FROM tested WHERE comp > 0`;
}

/** Build the temp tables `ndt_people` (and its helpers) for a scenario. */
export async function gatherTestFigures(
  conn: DuckDBConnection,
  scenarioId: string,
  plan: PlanDesign,
  years: readonly [number, number],
): Promise<void> {
  for (const sql of calendarSql(plan, years)) await conn.run(sql);
  await conn.run(contributionsSql(years), { scenario: scenarioId });
  await conn.run(eventsSql(), { scenario: scenarioId });
  await conn.run(peopleSql(plan), { scenario: scenarioId });
}

export interface GroupRow {
  year: number;
  isHce: boolean;
  count: number;
  adpSum: bigint;
  acpSum: bigint;
}

/** Per plan year and group (HCE / NHCE): how many, and the sums of their ratios. */
export async function groupSums(conn: DuckDBConnection): Promise<GroupRow[]> {
  const r = await conn.runAndReadAll(
    `SELECT year, is_hce, count(*)::BIGINT, sum(adp_ratio)::BIGINT, sum(acp_ratio)::BIGINT
     FROM ${NDT_TEMP.people} GROUP BY ALL ORDER BY year, is_hce`,
  );
  return r.getRows().map((row) => ({
    year: Number(row[0]),
    isHce: row[1] === true,
    count: Number(row[2]),
    adpSum: BigInt(row[3] as bigint),
    acpSum: BigInt(row[4] as bigint),
  }));
}

/** Plan years with any `employee_after_tax` contribution, by anyone (Safe harbor). */
export async function yearsWithAfterTax(conn: DuckDBConnection): Promise<Set<number>> {
  const r = await conn.runAndReadAll(
    `SELECT DISTINCT year FROM ${NDT_TEMP.contrib} WHERE after_tax > 0 ORDER BY year`,
  );
  return new Set(r.getRows().map((row) => Number(row[0])));
}

export interface HceRow {
  employeeId: string;
  compensation: bigint;
  adpContributions: bigint;
  acpContributions: bigint;
  adpRatio: bigint;
  acpRatio: bigint;
  catchUpLeft: bigint;
}

/** The HCEs of one plan year, in employee_id order (only needed for a failed test). */
export async function hcesOfYear(conn: DuckDBConnection, year: number): Promise<HceRow[]> {
  const r = await conn.runAndReadAll(
    `SELECT employee_id, comp, adp_c, acp_c, adp_ratio, acp_ratio, catch_up_left
     FROM ${NDT_TEMP.people} WHERE year = $year AND is_hce ORDER BY employee_id`,
    { year },
  );
  return r.getRows().map((row) => ({
    employeeId: String(row[0]),
    compensation: BigInt(row[1] as bigint),
    adpContributions: BigInt(row[2] as bigint),
    acpContributions: BigInt(row[3] as bigint),
    adpRatio: BigInt(row[4] as bigint),
    acpRatio: BigInt(row[5] as bigint),
    catchUpLeft: BigInt(row[6] as bigint),
  }));
}

/** Drop the gather's temp tables. */
export async function dropTestFigures(conn: DuckDBConnection): Promise<void> {
  for (const t of Object.values(NDT_TEMP)) await conn.run(`DROP TABLE IF EXISTS ${t}`);
}
