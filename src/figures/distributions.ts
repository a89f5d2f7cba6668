/**
 * Distributions behind the plan figures (docs/report.md, "Definitions"): deferral rates by
 * whole percent and by HCE status, catch-up use at 50+, IRS-limit hits, forfeitures by vested
 * fraction and balance percentiles. Same population rules as `planYears` (src/figures/index.ts).
 */
import { type DuckDBConnection, quotedString } from '@duckdb/node-api';
import { BUCKETS } from '../ledger/buckets.js';
import { type Decimal, dec } from '../schema/decimal.js';
import { storedContributionFieldSql } from '../store/compact-payload.js';
import { EVENTS_STORED } from '../store/ddl.js';
import { PERCENTILES, query, type ScenarioRef, yearEndSql } from './index.js';
import { CATCH_UP_SOURCES, DEFERRAL_SOURCES, EMPLOYER_SOURCES } from './sources.js';

const big = (v: unknown): bigint => (v === null || v === undefined ? 0n : BigInt(String(v)));
const money = (v: unknown): Decimal => (v === null || v === undefined ? 0n : dec(String(v)));
const list = (xs: readonly string[]) => xs.map(quotedString).join(', ');

/** Participants (year end, rate > 0) by whole-percent deferral rate; the last bucket is "20% or more". */
export async function deferralHistogram(
  conn: DuckDBConnection,
  s: ScenarioRef,
  year: number,
): Promise<{ percent: number; people: bigint }[]> {
  const rows = await query(
    conn,
    `WITH ${yearEndSql(s)}
     SELECT least(CAST(floor(rate * 100) AS INTEGER), 20) AS percent, count(*) AS people
     FROM year_end WHERE year = ${year} AND participating AND rate > 0 GROUP BY ALL ORDER BY percent`,
  );
  return rows.map((r) => ({ percent: Number(r.percent), people: big(r.people) }));
}

export interface GroupRates {
  hce: boolean;
  people: bigint;
  /** Mean deferral rate (micro-units). */
  average: Decimal;
}

/** Mean year-end deferral rate of participants, HCEs (that year's determination) and the others. */
export async function deferralByHce(
  conn: DuckDBConnection,
  s: ScenarioRef,
  year: number,
): Promise<GroupRates[]> {
  const rows = await query(
    conn,
    `WITH ${yearEndSql(s)},
     hces AS (SELECT DISTINCT employee_id FROM fct_yearly_events WHERE scenario_id = ${quotedString(s.scenarioId)}
       AND event_type = 'hce_status' AND simulation_year = ${year} AND json_extract_string(payload, '$.is_hce') = 'true')
     SELECT h.employee_id IS NOT NULL AS hce, count(*) AS people, CAST(sum(rate) / count(*) AS DECIMAL(9,6))::VARCHAR AS average
     FROM year_end e LEFT JOIN hces h USING (employee_id)
     WHERE year = ${year} AND participating AND rate > 0 GROUP BY ALL ORDER BY hce`,
  );
  return rows.map((r) => ({ hce: Boolean(r.hce), people: big(r.people), average: money(r.average) }));
}

export interface LimitHits {
  year: number;
  /** People with a pre-tax or Roth deferral cut by a limit (402(g), or 415(c) on deferrals). */
  deferralLimited: bigint;
  /** People with employer or after-tax money cut by 415(c) (only 415(c) limits those sources). */
  additionsLimited: bigint;
  /** People with any catch-up contribution; those cut by the catch-up limit. */
  catchUp: bigint;
  catchUpLimited: bigint;
  /** Participants aged 50 or more on 31 December (who may use catch-up). */
  participants50: bigint;
  /** Of those, with a catch-up contribution in the year. */
  catchUp50: bigint;
}

/** IRS-limit hits per year (calculations.md, Deferrals and limits: `irs_limit_applied`). */
export async function limitHits(conn: DuckDBConnection, s: ScenarioRef): Promise<LimitHits[]> {
  const id = quotedString(s.scenarioId);
  // From the stored table when there is one: the view would rebuild every contribution's text.
  const stored = (
    await query(
      conn,
      `SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = ${quotedString(EVENTS_STORED)}`,
    )
  )[0];
  const cut =
    big(stored.n) > 0n
      ? `${storedContributionFieldSql('irs_limit_applied')} AS cut FROM ${EVENTS_STORED}`
      : `json_extract_string(payload, '$.irs_limit_applied') = 'true' AS cut FROM fct_yearly_events`;
  const rows = await query(
    conn,
    `WITH ${yearEndSql(s)},
     c AS (SELECT employee_id, simulation_year AS year, source, ${cut}
           WHERE scenario_id = ${id} AND event_type = 'contribution'),
     per AS (SELECT year, employee_id,
             bool_or(cut AND source IN (${list(DEFERRAL_SOURCES)})) AS deferral_cut,
             bool_or(cut AND source IN (${list([...EMPLOYER_SOURCES, 'employee_after_tax'])})) AS additions_cut,
             bool_or(source IN (${list(CATCH_UP_SOURCES)})) AS catch_up,
             bool_or(cut AND source IN (${list(CATCH_UP_SOURCES)})) AS catch_up_cut
           FROM c GROUP BY ALL),
     births AS (SELECT employee_id, birth_date FROM dim_participants WHERE scenario_id = ${id}),
     older AS (SELECT e.year, e.employee_id FROM year_end e JOIN births b USING (employee_id)
               WHERE e.participating AND b.birth_date <= make_date(e.year - 50, 12, 31))
     SELECT y.year,
       (SELECT count(*) FROM per WHERE per.year = y.year AND deferral_cut) AS deferral,
       (SELECT count(*) FROM per WHERE per.year = y.year AND additions_cut) AS additions,
       (SELECT count(*) FROM per WHERE per.year = y.year AND catch_up) AS catch_up,
       (SELECT count(*) FROM per WHERE per.year = y.year AND catch_up_cut) AS catch_up_cut,
       (SELECT count(*) FROM older o WHERE o.year = y.year) AS older,
       (SELECT count(*) FROM older o JOIN per p USING (year, employee_id) WHERE o.year = y.year AND p.catch_up) AS older_catch_up
     FROM years y ORDER BY y.year`,
  );
  return rows.map((r) => ({
    year: Number(r.year),
    deferralLimited: big(r.deferral),
    additionsLimited: big(r.additions),
    catchUp: big(r.catch_up),
    catchUpLimited: big(r.catch_up_cut),
    participants50: big(r.older),
    catchUp50: big(r.older_catch_up),
  }));
}

/** Forfeitures of the whole period by the vested fraction at forfeiture. */
export async function forfeituresByVesting(
  conn: DuckDBConnection,
  s: ScenarioRef,
): Promise<{ vested: Decimal; events: bigint; amount: Decimal }[]> {
  const rows = await query(
    conn,
    `SELECT CAST(v AS VARCHAR) AS v, count(*) AS n, CAST(sum(amount) AS VARCHAR) AS amount
     FROM (SELECT coalesce(vested_percentage, 0) AS v, amount FROM fct_yearly_events
           WHERE scenario_id = ${quotedString(s.scenarioId)} AND event_type = 'forfeiture')
     GROUP BY v ORDER BY v`,
  );
  return rows.map((r) => ({ vested: money(r.v), events: big(r.n), amount: money(r.amount) }));
}

/** Percentiles (PERCENTILES, nearest rank) of participants' total balances on the last snapshot date. */
export async function balancePercentiles(
  conn: DuckDBConnection,
  scenarioId: string,
): Promise<{ date: string; people: bigint; percentiles: Decimal[]; mean: Decimal } | null> {
  const t = 'fct_participant_balance_snapshots';
  const cols = new Set(
    (
      await query(
        conn,
        `SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' AND table_name = '${t}'`,
      )
    ).map((r) => String(r.column_name)),
  );
  const total = BUCKETS.filter((b) => cols.has(b))
    .map((b) => `coalesce("${b}", 0)`)
    .join(' + ');
  if (total === '') return null;
  const id = quotedString(scenarioId);
  const rows = await query(
    conn,
    `WITH last AS (SELECT max(snapshot_date) AS d FROM ${t} WHERE scenario_id = ${id}),
     b AS (SELECT ${total} AS total FROM ${t}, last WHERE scenario_id = ${id} AND snapshot_date = last.d)
     SELECT (SELECT CAST(d AS VARCHAR) FROM last) AS d, count(*) AS n,
       CAST(quantile_disc(total, [${PERCENTILES.join(', ')}]) AS VARCHAR[]) AS pct,
       CAST(CAST(avg(total) AS DECIMAL(18,2)) AS VARCHAR) AS mean FROM b`,
  );
  const r = rows[0];
  if (r === undefined || r.d === null || big(r.n) === 0n) return null;
  return {
    date: String(r.d),
    people: big(r.n),
    percentiles: (r.pct as string[]).map(money),
    mean: money(r.mean),
  };
}
