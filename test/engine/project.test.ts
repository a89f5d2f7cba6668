import { describe, expect, it } from 'vitest';
import { EngineInputError } from '../../src/engine/errors.js';
import { BENCH_PLAN } from '../../src/perf/bench-engine.js';
import { loadEventValidator } from '../../src/quality/golden/validate.js';
import { EVENT_TYPES } from '../../src/schema/contract.js';
import { dec } from '../../src/schema/decimal.js';
import { serializeEvent } from '../../src/schema/index.js';
import { contributions, decision, election, payloads, person, plan, run, termination } from './helpers.js';

const RANK = Object.fromEntries(EVENT_TYPES.map((t, i) => [t, i]));

/** Stream order of the contract: effective date, then type precedence. */
function expectContractOrder(evs: { effective_date: string; payload: { event_type: string } }[]) {
  for (let i = 1; i < evs.length; i++) {
    const a = evs[i - 1];
    const b = evs[i];
    expect(a.effective_date <= b.effective_date).toBe(true);
    if (a.effective_date === b.effective_date)
      expect(RANK[a.payload.event_type] <= RANK[b.payload.event_type]).toBe(true);
  }
}

describe('projectPerson', () => {
  it('orders a first day that has everything: hire, HCE, eligibility, enrollment, contributions, vesting', () => {
    const p = plan({
      payroll: { frequency: 'weekly', anchor_pay_date: '2025-01-01' },
      auto_enrollment: { enabled: true, default_rate: '0.05' },
    });
    const evs = run(p, person({ hireDate: '2025-01-01', annualCompensation: dec('52000') }));
    const first = evs.filter((e) => e.effective_date === '2025-01-01').map((e) => e.payload.event_type);
    expect(first).toEqual([
      'hire',
      'hce_status',
      'eligibility',
      'enrollment',
      'contribution',
      'contribution',
      'vesting',
    ]);
    expect(payloads(evs, 'hce_status')[0]).toMatchObject({
      ytd_compensation: '0',
      annualized_compensation: '52000',
    });
    expectContractOrder(evs);
  });

  it('contributes on a pay date that is the entry date, and not before it', () => {
    const p = plan({
      payroll: { frequency: 'weekly', anchor_pay_date: '2025-04-01' },
      eligibility: { min_age: 21, service_months: 0, entry: 'quarterly' },
      auto_enrollment: { enabled: true, default_rate: '0.04' },
    });
    const evs = run(p, person({ hireDate: '2025-01-20', annualCompensation: dec('52000') }));
    const pre = contributions(evs, 'employee_pre_tax');
    expect(pre[0]).toMatchObject({ date: '2025-04-01', amount: '40' });
    expect(pre[0].p).toMatchObject({
      pay_period_end: '2025-04-01',
      contribution_date: '2025-04-03',
      payroll_id: 'PR-2025-04-01',
    });
    expect(payloads(evs, 'eligibility')[0]).toMatchObject({
      eligibility_date: '2025-04-01',
      reason: 'age_and_service',
    });
    expect(payloads(evs, 'enrollment')[0]).toMatchObject({
      enrollment_date: '2025-04-01',
      opt_out_window_expires: '2025-06-30',
    });
  });

  it('pays on a termination that falls on a pay date, then vests and forfeits that day, and stops', () => {
    const p = plan({
      nonelective: { rate: '0.03' },
      vesting: { schedule: 'graded', graded: ['0', '0.25', '0.5', '1'] },
    });
    // hired 2023-03-01: 2023 and 2024 credited → 2 years → 0.5 on 2025-01-01; 2025 not credited by 05-30
    const who = person({ hireDate: '2023-03-01', annualCompensation: dec('60000') });
    const evs = run(p, who, [election('E1', '2025-01-01', '0.05'), termination('E1', '2025-05-31')]);
    const pre = contributions(evs, 'employee_pre_tax');
    expect(pre.map((c) => c.date)).toEqual([
      '2025-01-31',
      '2025-02-28',
      '2025-03-31',
      '2025-04-30',
      '2025-05-31',
    ]);
    const last = evs.filter((e) => e.effective_date === '2025-05-31').map((e) => e.payload.event_type);
    expect(last).toEqual([
      'contribution',
      'contribution',
      'contribution',
      'termination',
      'vesting',
      'forfeiture',
      'forfeiture',
    ]);
    // match 5 × 150 = 750 → forfeit 750 − round(750 × 0.5) = 375; nonelective 5 × 150 = 750 → 375
    expect(
      payloads(evs, 'forfeiture').map((f) => [f.forfeited_from_source, f.amount, f.vested_percentage]),
    ).toEqual([
      ['employer_match', '375', '0.5'],
      ['employer_nonelective', '375', '0.5'],
    ]);
    const forfeits = evs.filter((e) => e.payload.event_type === 'forfeiture');
    const term = evs.find((e) => e.payload.event_type === 'termination')!;
    expect(forfeits.every((f) => f.correlation_id === term.event_id)).toBe(true);
    expect(evs.at(-1)!.effective_date).toBe('2025-05-31');
    expect(payloads(evs, 'vesting', '2025-05-31')[0]).toMatchObject({
      vested_percentage: '0.5',
      source_balances_vested: { employer_match: '375', employer_nonelective: '375' },
      service_computation_date: '2023-03-01',
      service_period_end_date: '2025-05-31',
    });
  });

  it('vests fully and forfeits nothing on retirement, death or disability', () => {
    const p = plan({ vesting: { schedule: 'cliff', cliff_years: 5 } });
    for (const reason of ['retirement', 'death', 'disability']) {
      const evs = run(p, person({ hireDate: '2024-06-03' }), [
        election('E1', '2025-01-01', '0.05'),
        termination('E1', '2025-03-15', reason),
      ]);
      expect(payloads(evs, 'forfeiture')).toEqual([]);
      expect(payloads(evs, 'vesting', '2025-03-15')[0].vested_percentage).toBe('1');
    }
    const evs = run(p, person({ hireDate: '2024-06-03' }), [
      election('E1', '2025-01-01', '0.05'),
      termination('E1', '2025-03-15'),
    ]);
    expect(payloads(evs, 'forfeiture').map((f) => f.amount)).toEqual(['300']);
  });

  it('writes no eligibility, enrollment or contributions for someone terminated before the entry date', () => {
    const p = plan({
      eligibility: { min_age: 21, service_months: 6, entry: 'monthly' },
      auto_enrollment: { enabled: true, default_rate: '0.05' },
    });
    const evs = run(p, person({ hireDate: '2025-02-10' }), [termination('E1', '2025-08-31')]);
    expect(evs.map((e) => e.payload.event_type)).toEqual(['hire', 'termination']);
  });

  it('escalates each 1 January up to the cap, while employed and still on the automatic election', () => {
    const p = plan({
      auto_enrollment: { enabled: true, default_rate: '0.06', escalation: { step: '0.02', cap: '0.09' } },
    });
    const evs = run(p, person({ hireDate: '2021-07-01' }), [], [2022, 2026]);
    expect(
      payloads(evs, 'enrollment').map((e) => [
        e.enrollment_date,
        e.pre_tax_contribution_rate,
        e.auto_enrollment,
      ]),
    ).toEqual([
      ['2022-01-01', '0.06', true],
      ['2023-01-01', '0.08', true],
      ['2024-01-01', '0.09', true],
    ]);
    const stopped = run(
      p,
      person({ hireDate: '2021-07-01' }),
      [election('E1', '2023-01-01', '0.07')],
      [2022, 2026],
    );
    expect(payloads(stopped, 'enrollment').map((e) => e.pre_tax_contribution_rate)).toEqual(['0.06', '0.07']);
    const left = run(p, person({ hireDate: '2021-07-01' }), [termination('E1', '2022-12-31')], [2022, 2026]);
    expect(payloads(left, 'enrollment').length).toBe(1);
  });

  it('does not auto-enroll someone with an election effective on or before the entry day; the later of two same-day elections wins', () => {
    const p = plan({ auto_enrollment: { enabled: true, default_rate: '0.06' } });
    const evs = run(p, person(), [
      election('E1', '2024-06-01', '0.02'),
      election('E1', '2025-03-01', '0.01'),
      election('E1', '2025-03-01', '0.04'),
    ]);
    expect(payloads(evs, 'enrollment').every((e) => e.auto_enrollment === false)).toBe(true);
    const pre = contributions(evs, 'employee_pre_tax');
    expect(pre[0].amount).toBe('100'); // 2% of 5,000
    expect(pre[2].amount).toBe('200'); // 4% from 2025-03-01
  });

  it('cuts at the 415(c) limit in the order pre-tax, Roth, match, nonelective, after-tax', () => {
    const p = plan({ nonelective: { rate: '0.1' }, match: { tiers: [] } });
    // 345,000 / 12 = 28,750; pre-tax 10% = 2,875; nonelective 2,875; after-tax 50% = 14,375 → 20,125 a month
    const evs = run(p, person({ annualCompensation: dec('345000') }), [
      election('E1', '2025-01-01', '0.1', '0', '0.5'),
    ]);
    const at = contributions(evs, 'employee_after_tax');
    expect(at.map((c) => [c.date, c.amount, c.p.irs_limit_applied])).toEqual([
      ['2025-01-31', '14375', false],
      ['2025-02-28', '14375', false],
      ['2025-03-31', '14375', false],
      ['2025-04-30', '3875', true],
    ]);
    expect(contributions(evs, 'employee_pre_tax').length).toBe(4);
    expect(
      evs.some((e) => e.effective_date === '2025-05-31' && e.payload.event_type === 'contribution'),
    ).toBe(false);
    expect(
      payloads(evs, 'compliance').map((c) => [c.compliance_type, c.monitoring_date, c.current_amount]),
    ).toEqual([['415c_limit_approach', '2025-04-30', '70000']]);
  });

  it('flags a 402(g) cut and turns it into catch-up of the same character for someone 50 or over', () => {
    const evs = run(plan(), person({ birthDate: '1975-12-31', annualCompensation: dec('240000') }), [
      election('E1', '2025-01-01', '0.1', '0.1'),
    ]);
    // 4,000 a month: pre-tax 2,000 + Roth 2,000; 402(g) 23,500 reached in June
    const june = evs.filter(
      (e) => e.effective_date === '2025-06-30' && e.payload.event_type === 'contribution',
    );
    expect(
      june.map((e) => [
        (e.payload as { source: string }).source,
        (e.payload as { amount: string }).amount,
        (e.payload as { irs_limit_applied: boolean }).irs_limit_applied,
      ]),
    ).toEqual([
      ['employee_pre_tax', '2000', false],
      ['employee_roth', '1500', true],
      ['employee_roth_catch_up', '500', false], // the Roth cut stays Roth
      ['employer_match', '600', false],
    ]);
    expect(
      payloads(evs, 'compliance').map((c) => [c.compliance_type, c.monitoring_date, c.applicable_limit]),
    ).toEqual([
      ['catch_up_eligible', '2025-01-01', '7500'],
      ['402g_limit_approach', '2025-06-30', '23500'],
    ]);
  });

  it('writes both catch-up sources on one pay date in the contract order, each flagged when the limit cut it', () => {
    // 2025, 55 by 31 December (7,500); 10,000 a month: pre-tax 1,000 + Roth 2,000 requested
    const evs = run(plan(), person({ birthDate: '1970-09-09', annualCompensation: dec('120000') }), [
      election('E1', '2025-01-01', '0.1', '0.2'),
    ]);
    const catchUp = (date: string) =>
      evs
        .filter((e) => e.effective_date === date && e.payload.event_type === 'contribution')
        .map((e) => e.payload as { source: string; amount: string; irs_limit_applied: boolean })
        .filter((c) => c.source.endsWith('catch_up'))
        .map((c) => [c.source, c.amount, c.irs_limit_applied]);
    expect(catchUp('2025-09-30')).toEqual([
      ['employee_catch_up', '1000', false],
      ['employee_roth_catch_up', '2000', false],
    ]);
    // 11-30: room 1,000 left: the pre-tax part first; the Roth part is dropped (no event)
    expect(catchUp('2025-11-30')).toEqual([['employee_catch_up', '1000', false]]);
    expect(catchUp('2025-12-31')).toEqual([]);
  });

  it("makes a Roth catch-up earner's whole catch-up Roth in 2026, flagged when the limit cuts it", () => {
    const evs = run(
      plan(),
      person({ birthDate: '1970-09-09', annualCompensation: dec('240000') }),
      [election('E1', '2026-01-01', '0.2')],
      [2026, 2026],
    );
    const rothCu = contributions(evs, 'employee_roth_catch_up');
    expect(contributions(evs, 'employee_catch_up')).toEqual([]);
    // 4,000 a month; 402(g) 24,500 reached in July (500 cut), catch-up 8,000 by 09-30
    expect(rothCu.map((c) => [c.date, c.amount, c.p.irs_limit_applied])).toEqual([
      ['2026-07-31', '3500', false],
      ['2026-08-31', '4000', false],
      ['2026-09-30', '500', true],
    ]);
  });

  it('determines HCE status from the look-back year, chaining prior_year_hce', () => {
    const p = plan();
    const hired2024 = run(
      p,
      person({ hireDate: '2024-03-01', annualCompensation: dec('200000') }),
      [],
      [2025, 2026],
    );
    expect(
      payloads(hired2024, 'hce_status').map((h) => [
        h.ytd_compensation,
        h.hce_threshold,
        h.is_hce,
        h.prior_year_hce,
      ]),
    ).toEqual([
      // hired during the look-back year 2024: its pay dates from the hire date at the census rate,
      // 10 × round(200,000 / 12) = 10 × 16,666.67 (calculations.md, HCE and compliance)
      ['166666.7', '155000', true, null],
      ['200000.04', '160000', true, true], // 12 × 16,666.67
    ]);
    const earlier = run(
      p,
      person({ hireDate: '2023-12-31', annualCompensation: dec('156000') }),
      [],
      [2025, 2025],
    );
    expect(payloads(earlier, 'hce_status')[0]).toMatchObject({ ytd_compensation: '156000', is_hce: true });
    const merit = run(p, person({ annualCompensation: dec('100000') }), [
      decision('E1', '2025-01-01', {
        event_type: 'merit',
        new_compensation: '110000',
        merit_percentage: '0.1',
      }),
    ]);
    expect(payloads(merit, 'hce_status')[0]).toMatchObject({
      annualized_compensation: '110000',
      ytd_compensation: '100000',
    });
  });

  it('writes only the decisions for someone not employed in the simulated period', () => {
    const p = plan();
    const later = run(p, person({ hireDate: '2026-02-01' }), [election('E1', '2026-02-01', '0.05')]);
    expect(later.map((e) => e.payload.event_type)).toEqual(['enrollment']);
    const gone = run(p, person(), [termination('E1', '2024-12-31')]);
    expect(gone.map((e) => e.payload.event_type)).toEqual(['termination']);
  });

  it('rejects a second termination and decisions of another person', () => {
    expect(() =>
      run(plan(), person(), [termination('E1', '2025-03-01'), termination('E1', '2025-04-01')]),
    ).toThrow(EngineInputError);
    expect(() => run(plan(), person(), [termination('E2', '2025-03-01')])).toThrow(/belongs to employee E2/);
    expect(() => run(plan(), person(), [decision('E1', '2025-03-01', { event_type: 'vesting' })])).toThrow(
      /decision event must be/,
    );
  });

  it('is deterministic and gives each event its own id', () => {
    const p = plan({ auto_enrollment: { enabled: true, default_rate: '0.05' } });
    const inputs = [termination('E1', '2025-09-30')];
    const a = run(p, person(), inputs, [2024, 2025]);
    const b = run(p, person(), inputs, [2024, 2025]);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(new Set(a.map((e) => e.event_id)).size).toBe(a.length);
  });

  it('writes canonical events that the contract validator accepts unchanged', async () => {
    const validate = await loadEventValidator();
    const p = plan(BENCH_PLAN); // every rule at once: escalation, two tiers, true-up, nonelective, graded vesting
    const evs = run(
      p,
      person({ birthDate: '1964-02-29', hireDate: '2023-02-28', annualCompensation: dec('400000') }),
      [
        decision('E1', '2025-06-01', {
          event_type: 'promotion',
          new_job_level: 4,
          new_annual_compensation: '420000',
          effective_date: '2025-06-01',
        }),
        termination('E1', '2026-10-09'),
      ],
      [2024, 2026],
    );
    const kinds = new Set(evs.map((e) => e.payload.event_type));
    for (const k of [
      'hce_status',
      'eligibility',
      'enrollment',
      'contribution',
      'compliance',
      'vesting',
      'forfeiture',
      'promotion',
      'termination',
    ])
      expect(kinds.has(k as never)).toBe(true);
    for (const e of evs) {
      const r = validate(JSON.parse(JSON.stringify(e)));
      expect(r.ok, JSON.stringify(r)).toBe(true);
      // already canonical: the contract's serializer gives the same bytes as the object itself
      if (r.ok) expect(serializeEvent(r.event)).toBe(JSON.stringify(e));
    }
    expectContractOrder(evs);
  });
});
