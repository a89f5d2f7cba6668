/**
 * Every default rule passes on a clean store and catches its own injected fault, with the
 * rule's severity and the command's exit code (0 when only warnings fail, 1 otherwise).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dqExitCode } from '../../src/cli/commands/dq.js';
import { IRS_LIMITS } from '../../src/engine/irs-limits.js';
import { loadRules } from '../../src/quality/rules.js';
import { runDataQuality } from '../../src/quality/run.js';
import { insertEventsSql } from '../../src/store/ddl.js';
import { buildCleanRows, cleanStore, FIXTURE_PLAN, type Row, rowValues } from './fixture.js';

const extra = (
  r: Partial<Row> & Pick<Row, 'employee_id' | 'effective_date' | 'payload'>,
  seq: number,
): string => {
  const p = r.payload;
  const row: Row = {
    seq,
    event_id: `11111111-0000-4000-8000-${seq.toString(16).padStart(12, '0')}`,
    created_at: '2025-11-01T00:00:00Z',
    event_type: p.event_type as string,
    plan_id: (p.plan_id as string) ?? null,
    source: (p.source as string) ?? null,
    amount: (p.amount as string) ?? null,
    ytd_amount: (p.ytd_amount as string) ?? null,
    vested_percentage: (p.vested_percentage as string) ?? null,
    ...r,
  };
  return insertEventsSql(`VALUES ${rowValues(row)}`);
};

const contribution = (source: string, amount: string, ytd: string, date: string) => ({
  event_type: 'contribution',
  plan_id: 'P401K',
  source,
  amount,
  pay_period_end: date,
  contribution_date: date,
  ytd_amount: ytd,
  payroll_id: `PR-${date}`,
  irs_limit_applied: false,
  inferred_value: false,
});

/** The first contribution of its source in the year (ytd = amount). */
const contributionRow = (employee_id: string, date: string, source: string, amount: string) => ({
  employee_id,
  effective_date: date,
  payload: contribution(source, amount, amount, date),
});

const lastOf = (where: string) => `(SELECT max(seq) FROM fct_yearly_events WHERE ${where})`;

/** One fault per rule: the SQL that injects it, and other rules it may trip as a consequence. */
const FAULTS: { rule: string; sql: string[]; alsoFails?: string[] }[] = [
  {
    rule: 'duplicate_event_id',
    sql: [
      'INSERT INTO fct_yearly_events_stored SELECT * REPLACE (seq + 100000 AS seq) FROM fct_yearly_events_stored WHERE seq = 1',
    ],
  },
  {
    rule: 'event_after_termination',
    sql: [
      extra(
        {
          employee_id: 'E2',
          effective_date: '2025-08-01',
          payload: {
            event_type: 'merit',
            plan_id: null,
            new_compensation: '55000',
            merit_percentage: '0.05',
          },
        },
        90001,
      ),
    ],
  },
  {
    rule: 'employee_contribution_without_eligibility_or_election',
    sql: [
      extra(
        {
          employee_id: 'E1',
          effective_date: '2025-03-14',
          payload: contribution('employee_after_tax', '10', '10', '2025-03-14'),
        },
        90002,
      ),
    ],
  },
  {
    rule: 'ytd_not_running_sum',
    sql: [
      `UPDATE fct_yearly_events_stored SET ytd_amount = ytd_amount + 1 WHERE seq = ${lastOf("employee_id = 'E2' AND source = 'employee_roth'")}`,
    ],
  },
  {
    rule: 'limit_402g_exceeded',
    sql: [
      `UPDATE fct_yearly_events_stored SET amount = amount + 100, ytd_amount = ytd_amount + 100 WHERE seq = ${lastOf("employee_id = 'E1' AND source = 'employee_pre_tax'")}`,
    ],
  },
  {
    rule: 'catch_up_exceeded',
    sql: [
      `UPDATE fct_yearly_events_stored SET amount = amount + 6100, ytd_amount = ytd_amount + 6100 WHERE seq = ${lastOf("employee_id = 'E1' AND source = 'employee_catch_up'")}`,
    ],
  },
  {
    // 2025 given a §603 Roth catch-up wage figure below E1's 2025 look-back wages (99,999.90):
    // E1's 2025 catch-up, written pre-tax, should have been Roth.
    rule: 'catch_up_not_roth_for_roth_earner',
    sql: [
      `UPDATE scenarios SET plan_design = '${JSON.stringify({
        ...JSON.parse(FIXTURE_PLAN),
        irs_limits: {
          2025: { ...IRS_LIMITS['2025'], roth_catch_up_wages: '90000' },
        },
      })}'`,
    ],
  },
  {
    rule: 'limit_415c_exceeded',
    sql: [
      extra(
        {
          employee_id: 'E1',
          effective_date: '2025-12-19',
          payload: contribution('employer_profit_sharing', '60000', '60000', '2025-12-19'),
        },
        90003,
      ),
    ],
  },
  {
    rule: 'forfeiture_exceeds_unvested',
    sql: ["UPDATE fct_yearly_events_stored SET amount = amount + 1 WHERE event_type = 'forfeiture'"],
  },
  {
    rule: 'negative_bucket_balance',
    sql: [
      extra(
        {
          employee_id: 'E1',
          effective_date: '2025-12-31',
          payload: {
            event_type: 'forfeiture',
            plan_id: 'P401K',
            forfeited_from_source: 'employer_nonelective',
            amount: '50',
            reason: 'break_in_service',
            vested_percentage: '0',
          },
        },
        90004,
      ),
    ],
    // Taking more than the balance also takes more than the unvested part of it.
    alsoFails: ['forfeiture_exceeds_unvested'],
  },
  {
    rule: 'vested_fraction_decreased',
    sql: [
      `UPDATE fct_yearly_events_stored SET vested_percentage = 0.8 WHERE seq = ${lastOf("employee_id = 'E1' AND event_type = 'vesting'")}`,
    ],
  },
  {
    rule: 'hce_status_inconsistent',
    sql: [
      `UPDATE fct_yearly_events_stored SET payload_text = replace(payload_text, '"is_hce":false', '"is_hce":true') WHERE seq = ${lastOf("employee_id = 'E1' AND event_type = 'hce_status'")}`,
    ],
  },
  {
    rule: 'hce_threshold_not_lookback',
    sql: [
      `UPDATE fct_yearly_events_stored SET payload_text = replace(payload_text, '"hce_threshold":"155000"', '"hce_threshold":"150000"') WHERE seq = ${lastOf("employee_id = 'E1' AND event_type = 'hce_status'")}`,
    ],
  },
  {
    rule: 'effective_date_outside_scenario',
    sql: [
      extra(
        {
          employee_id: 'E1',
          effective_date: '2026-02-01',
          payload: {
            event_type: 'merit',
            plan_id: null,
            new_compensation: '105000',
            merit_percentage: '0.05',
          },
        },
        90005,
      ),
    ],
  },
  {
    rule: 'created_at_in_future',
    sql: ["UPDATE fct_yearly_events_stored SET created_at = TIMESTAMP '2099-01-01 00:00:00' WHERE seq = 5"],
  },
  {
    rule: 'contributions_without_participant',
    sql: ["DELETE FROM dim_participants WHERE employee_id = 'E1'"],
  },
  {
    rule: 'ndt_test_failed',
    sql: ["UPDATE ndt_tests SET result = 'fail', excess = 1234.5 WHERE plan_year = 2025 AND test = 'adp'"],
  },
];

let close: (() => void) | undefined;
afterEach(() => {
  close?.();
  close = undefined;
});

describe('default data-quality rules', () => {
  it('a clean store passes every rule (exit 0) and the run is recorded', async () => {
    const store = await cleanStore();
    close = store.close;
    const report = await runDataQuality(store.conn);
    expect(report.results.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(report.status).toBe('passed');
    expect(dqExitCode(report)).toBe(0);
    expect(report.results.every((r) => r.rows_checked > 0)).toBe(true);
    const runs = (await store.conn.runAndReadAll('SELECT count(*) AS n FROM dq_runs')).getRowObjectsJson();
    const results = (
      await store.conn.runAndReadAll('SELECT count(*) AS n FROM dq_results')
    ).getRowObjectsJson();
    expect(runs[0].n).toBe('1');
    expect(Number(results[0].n)).toBe(report.results.length);
  });

  it('ships a fault test for every default rule', () => {
    const ids = loadRules()
      .rules.map((r) => r.id)
      .sort();
    expect(FAULTS.map((f) => f.rule).sort()).toEqual(ids);
  });

  /** Faults that only the 2026 rules (calculations.md, Deferrals and limits) catch. */
  const faultOnly = async (sql: string, rule: string) => {
    const store = await cleanStore(buildCleanRows());
    close = store.close;
    await store.conn.run(sql);
    const report = await runDataQuality(store.conn, { record: false });
    expect(report.results.filter((r) => r.status !== 'pass').map((r) => r.rule_id)).toEqual([rule]);
    return report.results.find((r) => r.rule_id === rule)!;
  };

  it('catch_up_exceeded counts pre-tax and Roth catch-up together', async () => {
    // E1's 2025 pre-tax catch-up is below 7,500 on its own; 7,000 of Roth catch-up on top is not.
    const r = await faultOnly(
      extra(contributionRow('E1', '2025-12-19', 'employee_roth_catch_up', '7000'), 90010),
      'catch_up_exceeded',
    );
    expect(r.rows_failed).toBe(1);
  });

  it('limit_415c_exceeded holds annual additions to 100% of year-to-date gross pay', async () => {
    // E2 earns 2,000 a pay date: 3,000 of profit sharing on the first pay date is within the
    // 415(c) dollar limit but above the year-to-date gross pay (2,000).
    const r = await faultOnly(
      extra(contributionRow('E2', '2024-03-15', 'employer_profit_sharing', '3000'), 90011),
      'limit_415c_exceeded',
    );
    expect(r.rows_failed).toBe(1);
    expect(r.sample[0]).toMatchObject({ employee_id: 'E2', ytd_gross_pay: '2000.00' });
  });

  const severities = new Map(loadRules().rules.map((r) => [r.id, r.severity]));
  for (const fault of FAULTS) {
    it(`catches its fault: ${fault.rule}`, async () => {
      const store = await cleanStore(buildCleanRows());
      close = store.close;
      for (const sql of fault.sql) await store.conn.run(sql);
      const report = await runDataQuality(store.conn, { record: false });
      const failing = report.results.filter((r) => r.status !== 'pass');
      const target = report.results.find((r) => r.rule_id === fault.rule)!;
      const severity = severities.get(fault.rule)!;
      expect(target.status).toBe(severity === 'error' ? 'fail' : 'warn');
      expect(target.rows_failed).toBeGreaterThan(0);
      expect(target.sample.length).toBeGreaterThan(0);
      expect(failing.map((r) => r.rule_id).sort()).toEqual([fault.rule, ...(fault.alsoFails ?? [])].sort());
      expect(dqExitCode(report)).toBe(severity === 'error' ? 1 : 0);
    });
  }
});
