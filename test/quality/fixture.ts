/**
 * A small clean store for the rule tests: two participants over 2024–2025 whose events follow
 * calculations.md (an opening-population participant who reaches the 402(g) limit and makes
 * catch-up contributions, and a new hire who is terminated with a forfeiture). Rows are
 * written straight into the core tables so that faults can be injected the same way.
 */
import { type DuckDBConnection, DuckDBInstance, quotedString } from '@duckdb/node-api';
import { NDT_DDL } from '../../src/ndt/run.js';
import { fromDay, toDay } from '../../src/schema/dates.js';
import { dec, divIntRoundCents, formatDecimal, minDec, mulRoundCents } from '../../src/schema/decimal.js';
import { CORE_DDL, insertEventsSql } from '../../src/store/ddl.js';

export const SCENARIO = 'dq-fixture';
/** The fixture's plan design: its payroll is the calendar of the pay dates below. */
export const FIXTURE_PLAN = JSON.stringify({
  plan_id: 'P401K',
  payroll: { frequency: 'biweekly', anchor_pay_date: '2024-01-05' },
});
export const CREATED_AT = '2025-11-01T00:00:00Z';

export interface Row {
  seq: number;
  event_id: string;
  employee_id: string;
  effective_date: string;
  created_at: string;
  event_type: string;
  plan_id: string | null;
  source: string | null;
  amount: string | null;
  ytd_amount: string | null;
  vested_percentage: string | null;
  payload: Record<string, unknown>;
}

const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');

export function buildCleanRows(opts: { matchRate?: string } = {}): Row[] {
  const matchRate = dec(opts.matchRate ?? '0.5');
  const rows: Row[] = [];
  const add = (employee: string, date: string, payload: Record<string, unknown>) => {
    const seq = rows.length + 1;
    const type = payload.event_type as string;
    rows.push({
      seq,
      event_id: `00000000-0000-4000-8000-${hex(seq, 12)}`,
      employee_id: employee,
      effective_date: date,
      created_at: CREATED_AT,
      event_type: type,
      plan_id: (payload.plan_id as string | undefined) ?? null,
      source: type === 'contribution' ? (payload.source as string) : null,
      amount: (payload.amount as string | undefined) ?? null,
      ytd_amount: (payload.ytd_amount as string | undefined) ?? null,
      vested_percentage: (payload.vested_percentage as string | undefined) ?? null,
      payload,
    });
  };
  const P = 'P401K';
  const ytd = new Map<string, bigint>();
  const contribute = (emp: string, date: string, source: string, amount: bigint) => {
    if (amount <= 0n) return;
    const key = `${emp}/${source}/${date.slice(0, 4)}`;
    const total = (ytd.get(key) ?? 0n) + amount;
    ytd.set(key, total);
    add(emp, date, {
      event_type: 'contribution',
      plan_id: P,
      source,
      amount: formatDecimal(amount),
      pay_period_end: date,
      contribution_date: fromDay(toDay(date) + 2),
      ytd_amount: formatDecimal(total),
      payroll_id: `PR-${date}`,
      irs_limit_applied: false,
      inferred_value: false,
    });
  };
  const hce = (emp: string, date: string, ytdComp: string, threshold: string, prior: boolean | null) =>
    add(emp, date, {
      event_type: 'hce_status',
      plan_id: P,
      determination_method: 'prior_year',
      ytd_compensation: ytdComp,
      annualized_compensation: ytdComp,
      hce_threshold: threshold,
      is_hce: dec(ytdComp) > dec(threshold),
      determination_date: date,
      prior_year_hce: prior,
    });
  const vesting = (emp: string, date: string, v: string, hire: string, balances: Record<string, string>) =>
    add(emp, date, {
      event_type: 'vesting',
      plan_id: P,
      vested_percentage: v,
      source_balances_vested: balances,
      vesting_schedule_type: 'graded',
      service_computation_date: hire,
      service_credited_hours: 2000,
      service_period_end_date: date,
    });
  const enroll = (emp: string, date: string, pre: string, roth: string, auto: boolean) =>
    add(emp, date, {
      event_type: 'enrollment',
      plan_id: P,
      enrollment_date: date,
      pre_tax_contribution_rate: pre,
      roth_contribution_rate: roth,
      after_tax_contribution_rate: '0',
      auto_enrollment: auto,
      opt_out_window_expires: auto ? fromDay(toDay(date) + 90) : null,
    });
  const payDates = (year: number) => {
    const out: string[] = [];
    for (let d = toDay('2024-01-05'); d <= toDay(`${year}-12-31`); d += 14) {
      if (fromDay(d).startsWith(String(year))) out.push(fromDay(d));
    }
    return out;
  };

  // E1: opening population (hired 2010), born 1972: catch-up eligible; 402(g) reached in 2025.
  const e1Gross = divIntRoundCents(dec('100000'), 26);
  hce('E1', '2024-01-01', '100000', '150000', null);
  add('E1', '2024-01-01', {
    event_type: 'eligibility',
    plan_id: P,
    eligible: true,
    eligibility_date: '2010-01-01',
    reason: 'age_and_service',
  });
  enroll('E1', '2024-01-01', '0.06', '0', true);
  vesting('E1', '2024-01-01', '1', '2010-01-01', {});
  let e1Match = 0n;
  for (const year of [2024, 2025]) {
    if (year === 2025) {
      hce('E1', '2025-01-01', formatDecimal(e1Gross * 26n), '155000', false);
      enroll('E1', '2025-01-01', '0.25', '0', false);
    }
    const rate = dec(year === 2024 ? '0.06' : '0.25');
    const limit402g = dec(year === 2024 ? '23000' : '23500');
    let deferred = 0n;
    let catchUp = 0n;
    for (const date of payDates(year)) {
      const requested = mulRoundCents(e1Gross, rate);
      const pre = minDec(requested, limit402g - deferred);
      deferred += pre;
      const cu = minDec(requested - pre, dec('7500') - catchUp);
      catchUp += cu;
      const match = mulRoundCents(pre, matchRate);
      e1Match += match;
      contribute('E1', date, 'employee_pre_tax', pre);
      contribute('E1', date, 'employee_catch_up', cu);
      contribute('E1', date, 'employer_match', match);
    }
    vesting('E1', `${year}-12-31`, '1', '2010-01-01', { employer_match: formatDecimal(e1Match) });
  }

  // E2: hired 2024-03-04, voluntary termination 2025-06-30 at 40% vested: forfeiture of the rest.
  const e2Gross = divIntRoundCents(dec('52000'), 26);
  add('E2', '2024-03-04', {
    event_type: 'hire',
    plan_id: null,
    hire_date: '2024-03-04',
    department: 'OPS',
    job_level: 2,
    annual_compensation: '52000',
  });
  add('E2', '2024-03-04', {
    event_type: 'eligibility',
    plan_id: P,
    eligible: true,
    eligibility_date: '2024-03-04',
    reason: 'immediate',
  });
  enroll('E2', '2024-03-04', '0.04', '0', true);
  vesting('E2', '2024-03-04', '0', '2024-03-04', {});
  let e2Match = 0n;
  let e2Comp2024 = 0n;
  for (const date of payDates(2024).filter((d) => d >= '2024-03-04')) {
    const pre = mulRoundCents(e2Gross, dec('0.04'));
    e2Comp2024 += e2Gross;
    const match = mulRoundCents(pre, matchRate);
    e2Match += match;
    contribute('E2', date, 'employee_pre_tax', pre);
    contribute('E2', date, 'employer_match', match);
  }
  vesting('E2', '2024-12-31', '0.2', '2024-03-04', { employer_match: formatDecimal(e2Match) });
  hce('E2', '2025-01-01', formatDecimal(e2Comp2024), '155000', false);
  enroll('E2', '2025-01-01', '0.03', '0.02', false);
  for (const date of payDates(2025).filter((d) => d <= '2025-06-30')) {
    const pre = mulRoundCents(e2Gross, dec('0.03'));
    const roth = mulRoundCents(e2Gross, dec('0.02'));
    const match = mulRoundCents(pre + roth, matchRate);
    e2Match += match;
    contribute('E2', date, 'employee_pre_tax', pre);
    contribute('E2', date, 'employee_roth', roth);
    contribute('E2', date, 'employer_match', match);
  }
  add('E2', '2025-06-30', {
    event_type: 'termination',
    plan_id: null,
    termination_reason: 'voluntary',
    final_pay_date: '2025-06-27',
  });
  const vested = mulRoundCents(e2Match, dec('0.4'));
  vesting('E2', '2025-06-30', '0.4', '2024-03-04', { employer_match: formatDecimal(e2Match) });
  add('E2', '2025-06-30', {
    event_type: 'forfeiture',
    plan_id: P,
    forfeited_from_source: 'employer_match',
    amount: formatDecimal(e2Match - vested),
    reason: 'unvested_termination',
    vested_percentage: '0.4',
  });
  return rows;
}

const q = (v: string | null) => (v === null ? 'NULL' : quotedString(v));

export function rowValues(r: Row, scenario = SCENARIO): string {
  return `(${r.seq}, ${q(r.event_id)}, ${q(scenario)}, 'fixture-plan', ${q(r.employee_id)}, ${q(r.effective_date)}, ${r.effective_date.slice(0, 4)}, ${q(r.created_at.replace('Z', ''))}, 'fixture', NULL, ${q(r.event_type)}, ${q(r.plan_id)}, ${q(r.source)}, ${r.amount ?? 'NULL'}, ${r.ytd_amount ?? 'NULL'}, ${r.vested_percentage ?? 'NULL'}, ${q(JSON.stringify(r.payload))})`;
}

/** A store (in memory, or the file `path`) with the core tables, the fixture scenario and its census. */
export async function cleanStore(
  rows: Row[] = buildCleanRows(),
  path = ':memory:',
): Promise<{ conn: DuckDBConnection; close: () => void }> {
  const instance = await DuckDBInstance.create(path, { threads: '1' });
  const conn = await instance.connect();
  for (const ddl of CORE_DDL) await conn.run(ddl);
  await conn.run(
    `INSERT INTO scenarios VALUES ('${SCENARIO}', 2024, 2025, 'fixture-plan', '${FIXTURE_PLAN}', 1, TIMESTAMP '2025-11-01 00:00:00', 'test', 'test', 'complete')`,
  );
  await conn.run(
    `INSERT INTO dim_participants VALUES ('${SCENARIO}', 'E1', '1972-05-10', '2010-01-01', 100000, 4, 'FIN'),
      ('${SCENARIO}', 'E2', '1995-07-01', '2024-03-04', 52000, 2, 'OPS')`,
  );
  await conn.run(insertEventsSql(`VALUES ${rows.map((r) => rowValues(r)).join(',\n')}`));
  for (const ddl of NDT_DDL) await conn.run(ddl);
  await conn.run(
    `INSERT INTO ndt_tests SELECT '${SCENARIO}', y, t, 'current_year', 1, 1, 0.06, 0.05, 0.07, 'pass', 0
     FROM (VALUES (2024), (2025)) a(y), (VALUES ('adp'), ('acp')) b(t)`,
  );
  return {
    conn,
    close: () => {
      conn.closeSync();
      instance.closeSync();
    },
  };
}
