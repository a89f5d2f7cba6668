/**
 * The plan-wide question: every participant's balances and vested balance as of date D, set-wise.
 *  - `snapshot`: each participant's snapshot of the Friday on or before D (or the last Friday
 *    built, if D is later), plus the ledger events of the days after it up to D (not read when
 *    nothing can lie there: weekDeltaIsEmpty);
 *  - `events`: the same aggregates over every event up to D (replay).
 * Both are generated from the same bucket mapping and vested balance formula (sql.ts).
 * When events were stored after the last build, the snapshot path would miss them: it is not
 * used then, and the answer comes from the replay (the caller is told which path answered).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { fromDay, toDay } from '../schema/dates.js';
import { duckdb } from '../store/duckdb.js';
import { BUCKETS, EMPLOYER_BUCKETS } from './ledger.js';
import {
  balanceExpressions,
  fridayOnOrBefore,
  grossColumn,
  historyOrderExpression,
  ledgerAggregates,
  ledgerCodeExpression,
  PLAN_EVENT_FILTER,
  SNAPSHOT_TABLE,
  vestedBalanceExpression,
} from './sql.js';
import { lastPlanSeqSinceBuildSql, usableState } from './state.js';
import { isoDate, rows, toBigInt } from './values.js';

export interface PlanWideQuery {
  /** The SELECT (no trailing semicolon) and its parameters. */
  sql: string;
  params: Record<string, string>;
  path: 'snapshot' | 'events';
  snapshot_date: string | null;
  /**
   * Whether the events after the snapshot's Friday are read (snapshot path): not when no
   * participant can have an event between the Friday and the date (weekDeltaIsEmpty).
   */
  delta: boolean;
}

/** The output columns, in order. */
export const PLAN_WIDE_COLUMNS = [
  'scenario_id',
  'employee_id',
  'plan_id',
  'as_of',
  ...BUCKETS,
  'vested_percentage',
  'vested_balance',
] as const;

/**
 * The snapshot rows of Friday $f as they are, when no event after it up to the date changes a
 * figure (weekDeltaIsEmpty): the stored vested balance is the one as of the date.
 */
function fridayRowsSql(): string {
  return `SELECT $s AS scenario_id, employee_id, plan_id, CAST($d AS DATE) AS as_of,
       ${BUCKETS.join(', ')}, vested_percentage, vested_balance
  FROM ${SNAPSHOT_TABLE} WHERE scenario_id = $s AND snapshot_date = CAST($f AS DATE)
 ORDER BY employee_id, plan_id`;
}

function planWideSql(withSnapshot: boolean): string {
  const base = withSnapshot
    ? `base AS (
  SELECT employee_id, plan_id, ${[...BUCKETS, ...EMPLOYER_BUCKETS.map(grossColumn)].join(', ')}, vested_percentage
    FROM ${SNAPSHOT_TABLE} WHERE scenario_id = $s AND snapshot_date = CAST($f AS DATE)
),`
    : '';
  const lower = withSnapshot ? 'AND effective_date > CAST($f AS DATE)' : '';
  const key = (c: string) => (withSnapshot ? `coalesce(base.${c}, d.${c})` : `d.${c}`);
  const from = withSnapshot
    ? 'base FULL OUTER JOIN d ON base.employee_id = d.employee_id AND base.plan_id = d.plan_id'
    : 'd';
  const vp = withSnapshot ? 'coalesce(d.vp, base.vested_percentage, 0)' : 'coalesce(d.vp, 0)';
  return `WITH ${base}
d AS (
  SELECT employee_id, plan_id, ${ledgerAggregates().join(',\n         ')}
    FROM (SELECT employee_id, plan_id, amount, vested_percentage,
                 ${ledgerCodeExpression()} AS code, ${historyOrderExpression()} AS ord
            FROM fct_yearly_events
           WHERE scenario_id = $s AND ${PLAN_EVENT_FILTER} ${lower} AND effective_date <= CAST($d AS DATE))
   GROUP BY employee_id, plan_id
),
r AS (
  SELECT ${key('employee_id')} AS employee_id, ${key('plan_id')} AS plan_id,
         ${balanceExpressions(withSnapshot ? 'base' : null, 'd')
           .map((x) => `${x.expr} AS ${x.name}`)
           .join(',\n         ')},
         CAST(${vp} AS DECIMAL(5,4)) AS vested_percentage
    FROM ${from}
)
SELECT $s AS scenario_id, r.employee_id, r.plan_id, CAST($d AS DATE) AS as_of,
       ${BUCKETS.map((b) => `r.${b}`).join(', ')}, r.vested_percentage, ${vestedBalanceExpression('r')} AS vested_balance
  FROM r ORDER BY r.employee_id, r.plan_id`;
}

/**
 * The query answering the plan-wide question for one scenario as of `asOf`, by the snapshot path
 * when it is usable (or by replay when `fromEvents`).
 */
export async function planWideQuery(
  conn: DuckDBConnection,
  scenario: string,
  asOf: string,
  fromEvents = false,
): Promise<PlanWideQuery> {
  const replay: PlanWideQuery = {
    sql: planWideSql(false),
    params: { s: scenario, d: asOf },
    path: 'events',
    snapshot_date: null,
    delta: true,
  };
  if (fromEvents) return replay;
  const state = await usableState(conn, scenario);
  if (state === undefined || state.end_date === null) return replay;
  // The snapshots answer only if the scenario's last plan event is still the one the build covered.
  const [x] = await rows(
    conn,
    `SELECT ${lastPlanSeqSinceBuildSql(state)} AS max_seq,
            least(${fridayOnOrBefore('CAST($d AS DATE)')}, CAST($e AS DATE)) AS f`,
    { s: scenario, d: asOf, e: state.end_date },
  );
  if (x.max_seq === null || toBigInt(x.max_seq) !== state.max_seq) return replay;
  const f = isoDate(x.f);
  const delta = !(state.keyed && (await weekDeltaIsEmpty(conn, scenario, f, asOf, state.end_date)));
  return {
    sql: delta ? planWideSql(true) : fridayRowsSql(),
    params: { s: scenario, d: asOf, f },
    path: 'snapshot',
    snapshot_date: f,
    delta,
  };
}

/**
 * Whether the snapshot rows of Friday `f` alone answer as of `asOf` (docs/snapshots.md,
 * "Everyone as of a date"): the date is before the next Friday, that Friday is built, no row of
 * `f` has a ledger event in the week after it up to the date (`next_ledger_date`), and the next
 * Friday has no participant that `f` lacks (rows run without gaps, so a new one there has its
 * first plan event in that week, perhaps on or before the date). Then no event after `f` up to
 * the date changes a figure or adds a participant, and the scan of the events is skipped. One
 * query over the rows of two Fridays (their dates are literals: zonemaps pick their row groups).
 */
async function weekDeltaIsEmpty(
  conn: DuckDBConnection,
  scenario: string,
  f: string,
  asOf: string,
  endDate: string,
): Promise<boolean> {
  if (asOf === f) return true;
  const next = fromDay(toDay(f) + 7);
  if (asOf >= next || next > endDate) return false;
  const { quotedString } = duckdb();
  const [friday, nextFriday] = [f, next].map((d) => `DATE ${quotedString(d)}`);
  const [x] = await rows(
    conn,
    `SELECT count(*) FILTER (WHERE snapshot_date = ${friday}) AS here,
            count(*) FILTER (WHERE snapshot_date = ${nextFriday}) AS after,
            count(*) FILTER (WHERE snapshot_date = ${friday} AND next_ledger_date <= CAST($d AS DATE)) AS due
       FROM ${SNAPSHOT_TABLE}
      WHERE snapshot_date IN (${friday}, ${nextFriday}) AND scenario_id = $s`,
    { s: scenario, d: asOf },
  );
  return toBigInt(x.due) === 0n && toBigInt(x.here) === toBigInt(x.after);
}
