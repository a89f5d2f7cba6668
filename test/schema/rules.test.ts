/** The cross-field rules of events.md at their boundaries. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventType } from '../../src/schema/contract.js';
import { formatDecimal, parseDecimal } from '../../src/schema/decimal.js';
import { exampleEvent, validateEvent } from '../../src/schema/index.js';
import { compareDecimalText, ratesSumAtMostOne } from '../../src/schema/rules.js';

type Obj = Record<string, unknown>;
const ev = (kind: EventType, payload: Obj = {}, envelope: Obj = {}): Obj => {
  const e = exampleEvent(kind, 1);
  return { ...e, ...envelope, payload: { ...(e.payload as Obj), ...payload } };
};
const check = (v: Obj) => {
  const r = validateEvent(v);
  return r.ok ? 'ok' : r.problems.map((p) => `${p.path} | ${p.expected} | ${p.found}`).join('\n');
};

describe('cross-field rules', () => {
  it('enrollment: the three rates sum to at most 1 (exactly, no float)', () => {
    const rates = (a: string, b: string, c?: string) =>
      check(
        ev('enrollment', {
          pre_tax_contribution_rate: a,
          roth_contribution_rate: b,
          after_tax_contribution_rate: c,
        }),
      );
    expect(rates('0.5', '0.5')).toBe('ok');
    expect(rates('0.3333', '0.3333', '0.3334')).toBe('ok');
    expect(rates('0.1', '0.2', '0.7')).toBe('ok'); // 0.1 + 0.2 is not 0.30000000000000004 here
    expect(rates('1', '0', '0')).toBe('ok');
    expect(rates('0.5', '0.5', '0.0001')).toBe(
      '/payload | pre_tax + roth + after_tax contribution rates ≤ 1 | 0.5 + 0.5 + 0.0001',
    );
    expect(rates('1', '0.0001')).toContain('/payload |');
  });

  it('enrollment: the opt-out date, when given, is on or after the enrollment date', () => {
    expect(
      check(ev('enrollment', { enrollment_date: '2025-03-01', opt_out_window_expires: '2025-03-01' })),
    ).toBe('ok');
    expect(check(ev('enrollment', { enrollment_date: '2025-03-01', opt_out_window_expires: null }))).toBe(
      'ok',
    );
    expect(
      check(ev('enrollment', { enrollment_date: '2025-03-01', opt_out_window_expires: '2025-02-28' })),
    ).toBe(
      '/payload/opt_out_window_expires | null or a date on or after enrollment_date | 2025-02-28 (enrollment_date 2025-03-01)',
    );
  });

  it('contribution: contribution_date not before pay_period_end; ytd_amount not below amount', () => {
    const c = (p: Obj) => check(ev('contribution', p));
    expect(c({ pay_period_end: '2024-02-29', contribution_date: '2024-02-29' })).toBe('ok');
    expect(c({ pay_period_end: '2024-02-29', contribution_date: '2024-02-28' })).toContain(
      '/payload/contribution_date |',
    );
    expect(c({ amount: '100.5', ytd_amount: '100.500000' })).toBe('ok');
    expect(c({ amount: '100.5', ytd_amount: '100.499999' })).toBe(
      '/payload/ytd_amount | money ≥ amount | 100.499999 (amount 100.5)',
    );
    expect(c({ amount: '99', ytd_amount: '100' })).toBe('ok');
    expect(c({ amount: '100', ytd_amount: '99.99' })).toContain('/payload/ytd_amount');
    expect(c({ amount: '0.000001', ytd_amount: '0' })).toContain('/payload/ytd_amount');
    expect(c({ amount: '999999999999.999999', ytd_amount: '999999999999.999999' })).toBe('ok');
  });

  it('vesting: the service period ends on or after the service computation date', () => {
    const v = (a: string, b: string) =>
      check(ev('vesting', { service_computation_date: a, service_period_end_date: b }));
    expect(v('2020-01-01', '2020-01-01')).toBe('ok');
    expect(v('2020-01-02', '2020-01-01')).toContain('/payload/service_period_end_date |');
  });

  it("promotion: the payload's effective_date equals the envelope's", () => {
    expect(check(ev('promotion', { effective_date: '2025-02-02' }, { effective_date: '2025-02-02' }))).toBe(
      'ok',
    );
    expect(check(ev('promotion', { effective_date: '2025-02-03' }, { effective_date: '2025-02-02' }))).toBe(
      "/payload/effective_date | the envelope's effective_date | 2025-02-03 (envelope 2025-02-02)",
    );
  });

  it('forfeiture: vested_percentage below 1', () => {
    expect(check(ev('forfeiture', { vested_percentage: '0.9999' }))).toBe('ok');
    expect(check(ev('forfeiture', { vested_percentage: '1.0' }))).toContain(
      '/payload/vested_percentage | rate in [0, 1)',
    );
  });

  it('a rule whose inputs are invalid is not run (one problem, where the mistake is)', () => {
    expect(check(ev('contribution', { amount: 'x', ytd_amount: '1' }))).toMatch(
      /^\/payload\/amount \|[^\n]*$/,
    );
    expect(check(ev('promotion', {}, { effective_date: '2025-02-30' }))).toMatch(
      /^\/effective_date \|[^\n]*$/,
    );
  });

  it('nothing beyond the spec: odd but valid combinations pass', () => {
    expect(check(ev('termination', { final_pay_date: '1990-01-01' }))).toBe('ok');
    expect(
      check(ev('hce_status', { ytd_compensation: '0', annualized_compensation: '0', is_hce: true })),
    ).toBe('ok');
    expect(check(ev('vesting', { vested_percentage: '1', source_balances_vested: {} }))).toBe('ok');
  });

  it('compares canonical decimal texts digit by digit', () => {
    expect(compareDecimalText('10', '9.99')).toBe(1);
    expect(compareDecimalText('9.99', '10')).toBe(-1);
    expect(compareDecimalText('0.5', '0.49')).toBe(1);
    expect(compareDecimalText('0.5', '0.51')).toBe(-1);
    expect(compareDecimalText('12.5', '12.5')).toBe(0);
  });
});

describe('ratesSumAtMostOne', () => {
  it('agrees with exact bigint arithmetic on every combination of canonical rates', () => {
    const rate = fc.integer({ min: 0, max: 10_000 }).map((t) => formatDecimal(BigInt(t) * 100n));
    fc.assert(
      fc.property(fc.array(rate, { minLength: 1, maxLength: 4 }), (rs) => {
        const exact = rs.reduce((s, r) => s + parseDecimal(r)!, 0n) <= 1_000_000n;
        expect(ratesSumAtMostOne(rs)).toBe(exact);
      }),
      { numRuns: 5000, seed: 21 },
    );
    expect(ratesSumAtMostOne(['0.9999', '0.0001', '0'])).toBe(true);
    expect(ratesSumAtMostOne(['0.9999', '0.0002', '0'])).toBe(false);
    expect(ratesSumAtMostOne(['0.5', '0.5', '0.5'])).toBe(false);
    expect(ratesSumAtMostOne(['1', '1', '0'])).toBe(false);
  });
});
