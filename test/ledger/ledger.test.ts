import { describe, expect, it } from 'vitest';
import { ENGINE_VERSION } from '../../src/engine/version.js';
import { BUCKETS, SOURCE_BUCKET } from '../../src/ledger/buckets.js';
import {
  balancesAsOf,
  grossContributionsAsOf,
  LEDGER_VERSION,
  LedgerState,
  ledgerAsOf,
  vestedAmount,
  vestedBalanceAsOf,
  vestedFractionAsOf,
} from '../../src/ledger/ledger.js';
import { participantStateAsOf } from '../../src/ledger/participant.js';
import { CONTRIBUTION_SOURCES, type SimulationEvent } from '../../src/schema/contract.js';
import { dec } from '../../src/schema/decimal.js';
import { decision, election, person, plan, run, termination } from '../engine/helpers.js';

function ev(date: string, payload: Record<string, unknown>): SimulationEvent {
  return { ...decision('E1', date, payload), correlation_id: null };
}
const contribution = (date: string, source: string, amount: string) =>
  ev(date, {
    event_type: 'contribution',
    plan_id: 'P',
    source,
    amount,
    pay_period_end: date,
    contribution_date: date,
    ytd_amount: amount,
    payroll_id: 'PR',
  });
const vesting = (date: string, v: string) =>
  ev(date, {
    event_type: 'vesting',
    plan_id: 'P',
    vested_percentage: v,
    source_balances_vested: {},
    vesting_schedule_type: 'graded',
    service_computation_date: '2020-01-01',
    service_credited_hours: 0,
    service_period_end_date: date,
  });
const forfeiture = (date: string, bucket: string, amount: string, v: string) =>
  ev(date, {
    event_type: 'forfeiture',
    plan_id: 'P',
    forfeited_from_source: bucket,
    amount,
    reason: 'unvested_termination',
    vested_percentage: v,
  });

describe('buckets', () => {
  it('lists the six buckets in snapshot column order and maps every source', () => {
    expect(BUCKETS).toEqual([
      'employee_pre_tax',
      'employee_roth',
      'employee_after_tax',
      'employer_match',
      'employer_nonelective',
      'employer_profit_sharing',
    ]);
    for (const s of CONTRIBUTION_SOURCES) expect(BUCKETS).toContain(SOURCE_BUCKET[s]);
    expect(SOURCE_BUCKET.employee_catch_up).toBe('employee_pre_tax');
    expect(SOURCE_BUCKET.employer_match_true_up).toBe('employer_match');
    expect(SOURCE_BUCKET.forfeiture_allocation).toBe('employer_nonelective');
  });
  it('exports the versions', () => {
    expect(LEDGER_VERSION).toMatch(/\S/);
    expect(ENGINE_VERSION).toMatch(/\S/);
  });
});

describe('ledger', () => {
  const events = [
    contribution('2025-01-31', 'employee_pre_tax', '100'),
    contribution('2025-01-31', 'employee_catch_up', '50'),
    contribution('2025-01-31', 'employer_match', '80.5'),
    contribution('2025-01-31', 'employer_nonelective', '33.33'),
    vesting('2025-01-31', '0.4'),
    contribution('2025-12-31', 'employer_match_true_up', '19.5'),
    vesting('2026-03-01', '0.6'),
    forfeiture('2026-03-01', 'employer_match', '40', '0.6'),
    forfeiture('2026-03-01', 'employer_nonelective', '13.33', '0.6'),
  ];

  it('balances per bucket as of the end of a day', () => {
    expect(balancesAsOf(events, '2025-01-30').employee_pre_tax).toBe(0n);
    const b = balancesAsOf(events, '2025-01-31');
    expect([b.employee_pre_tax, b.employer_match, b.employer_nonelective]).toEqual([
      dec('150'),
      dec('80.5'),
      dec('33.33'),
    ]);
    expect(balancesAsOf(events, '2026-03-01').employer_match).toBe(dec('60'));
    expect(grossContributionsAsOf(events, '2026-03-01').employer_match).toBe(dec('100'));
  });

  it('vested fraction is the latest vesting event on or before the date, else 0', () => {
    expect(vestedFractionAsOf(events, '2025-01-30')).toBe(0n);
    expect(vestedFractionAsOf(events, '2025-12-31')).toBe(dec('0.4'));
    expect(vestedFractionAsOf(events, '2026-03-01')).toBe(dec('0.6'));
    // independent of the order events are given in
    expect(vestedFractionAsOf([...events].reverse(), '2026-12-31')).toBe(dec('0.6'));
  });

  it('vested balance: employee money + min(balance, round(gross × v)) per employer bucket', () => {
    // 150 + round(80.5 × 0.4) = 32.2 + round(33.33 × 0.4 = 13.332) = 13.33
    expect(vestedBalanceAsOf(events, '2025-01-31')).toBe(dec('195.53'));
    // after the forfeiture the rest is fully vested: 150 + min(60, 60) + min(20, round(19.998) = 20)
    expect(vestedBalanceAsOf(events, '2026-03-01')).toBe(dec('230'));
    expect(vestedAmount(dec('10'), dec('100'), dec('0.5'))).toBe(dec('10'));
  });

  it('folds incrementally to the same figures as a replay, at every date', () => {
    const s = new LedgerState();
    for (const e of events) {
      s.apply(e);
      const replay = ledgerAsOf(events, e.effective_date);
      // once every event of the day is folded, the incremental state equals the replay
      const sameDayLeft = events
        .slice(events.indexOf(e) + 1)
        .some((x) => x.effective_date === e.effective_date);
      if (!sameDayLeft) expect(s.position()).toEqual(replay.position());
    }
    const c = s.clone();
    c.apply(contribution('2027-01-31', 'employee_roth', '1'));
    expect(s.balance('employee_roth')).toBe(0n);
    expect(c.balance('employee_roth')).toBe(dec('1'));
  });
});

describe('participant state', () => {
  it('follows compensation, elections, eligibility and employment from the events', () => {
    const p = plan({ auto_enrollment: { enabled: true, default_rate: '0.03' } });
    const who = person({ annualCompensation: dec('50000') });
    const evs = run(p, who, [
      decision('E1', '2025-04-01', {
        event_type: 'merit',
        new_compensation: '52000',
        merit_percentage: '0.04',
      }),
      decision('E1', '2025-04-01', {
        event_type: 'promotion',
        new_job_level: 4,
        new_annual_compensation: '60000',
        effective_date: '2025-04-01',
      }),
      election('E1', '2025-06-01', '0.07'),
      termination('E1', '2025-10-15'),
    ]);
    const census = {
      hireDate: who.hireDate,
      annualCompensation: who.annualCompensation,
      jobLevel: who.jobLevel,
    };
    const at = (d: string) => participantStateAsOf(evs, d, census);
    expect(at('2025-03-31').compensation).toBe(dec('50000'));
    expect(at('2025-04-01').compensation).toBe(dec('60000')); // promotion after merit on the same day
    expect(at('2025-04-01').jobLevel).toBe(4);
    expect(at('2025-01-01').election?.preTax).toBe(dec('0.03'));
    expect(at('2025-06-01').election).toMatchObject({ preTax: dec('0.07'), auto: false });
    expect(at('2025-01-01').eligibleSince).toBe('2025-01-01');
    expect(at('2025-10-15').employed).toBe(true);
    expect(at('2025-10-16').employed).toBe(false);
    expect(at('2025-12-31').ledger.balance('employee_pre_tax')).toBe(
      ledgerAsOf(evs, '2025-12-31').balance('employee_pre_tax'),
    );
  });
});
