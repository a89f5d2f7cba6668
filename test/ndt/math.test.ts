/** The pure arithmetic of src/ndt (nondiscrimination.md): examples from the spec and properties. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PlanError } from '../../src/engine/errors.js';
import { parsePlan } from '../../src/engine/plan.js';
import {
  allocateByDollars,
  averageOf,
  correctFailedTest,
  evaluateTest,
  type HceFigures,
  levelRatios,
  personRatio,
  splitShare,
  testLimit,
} from '../../src/ndt/index.js';
import { safeHarborAcpExempt, safeHarborMatchShortfall } from '../../src/ndt/safe-harbor.js';
import { dec, minDec } from '../../src/schema/decimal.js';

const r = (s: string) => BigInt(Math.round(Number(s) * 10_000)); // test literals only
const m = dec;

describe('ratios, averages and the limit (The ratios)', () => {
  it('rounds a ratio and an average to 4 places, half away from zero', () => {
    expect(personRatio(m('19350'), m('215000.04'))).toBe(900n);
    expect(personRatio(m('0'), m('50000.04'))).toBe(0n);
    expect(averageOf([r('0.10'), r('0.09'), r('0.07'), r('0.025')])).toBe(713n); // 0.07125
    expect(averageOf([])).toBe(0n);
  });

  it('takes the larger of 1.25 × N and min(2 × N, N + 0.02)', () => {
    expect(testLimit(r('0.028'))).toBe(480n);
    expect(testLimit(r('0.0267'))).toBe(467n);
    expect(testLimit(r('0.0233'))).toBe(433n);
    expect(testLimit(r('0.10'))).toBe(1250n);
    expect(testLimit(r('0.01'))).toBe(200n);
    expect(testLimit(0n)).toBe(0n);
    expect(testLimit(r('0.0833'))).toBe(1041n); // 0.104125 → 0.1041
  });

  it('passes at the limit, with no HCE, and reports exempt tests with their figures', () => {
    const base = { year: 2025, test: 'adp' as const, method: 'current_year' as const, priorNhce: null };
    const at = evaluateTest({
      ...base,
      exempt: false,
      hce: { count: 2, sum: 1000n },
      nhce: { count: 4, sum: 1400n },
    });
    expect([at.hceAverage, at.nhceAverage, at.limit, at.result]).toEqual([500n, 350n, 550n, 'pass']);
    const none = evaluateTest({
      ...base,
      exempt: false,
      hce: { count: 0, sum: 0n },
      nhce: { count: 1, sum: 0n },
    });
    expect(none.result).toBe('pass');
    const ex = evaluateTest({
      ...base,
      exempt: true,
      hce: { count: 1, sum: 900n },
      nhce: { count: 1, sum: 100n },
    });
    expect([ex.result, ex.limit]).toEqual(['exempt', 200n]);
  });

  it('prior-year method: uses Y−1 NHCEs, or Y’s own in the first year', () => {
    const base = { year: 2025, test: 'adp' as const, method: 'prior_year' as const, exempt: false };
    const hce = { count: 1, sum: 600n };
    const nhce = { count: 2, sum: 1200n };
    expect(evaluateTest({ ...base, hce, nhce, priorNhce: { count: 4, sum: 1400n } }).nhceAverage).toBe(350n);
    expect(evaluateTest({ ...base, hce, nhce, priorNhce: null }).nhceAverage).toBe(600n);
  });
});

describe('correction (levelling, dollar allocation, catch-up)', () => {
  it('levels to the exact level of the golden case (167/3000)', () => {
    const L = levelRatios([1000n, 900n, 700n, 250n], 480n);
    expect(L).toEqual({ num: 1670n, den: 3n });
  });

  it('the levelled mean equals the limit exactly (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 0, max: 5000 }),
        (xs, lim) => {
          const ratios = xs.map(BigInt);
          const limit = BigInt(lim);
          const n = BigInt(ratios.length);
          fc.pre(ratios.reduce((s, x) => s + x, 0n) > n * limit);
          const L = levelRatios(ratios, limit);
          const levelled = ratios.reduce((s, x) => s + minDec(x * L.den, L.num), 0n);
          expect(levelled).toBe(n * limit * L.den);
        },
      ),
    );
  });

  it('allocates by dollars with the rounding cent on the largest contributions (ties: smallest id)', () => {
    const h = (id: string, c: string): HceFigures => ({
      employeeId: id,
      contributions: m(c),
      compensation: m('100000'),
      ratio: 0n,
      catchUpLeft: 0n,
    });
    const shares = allocateByDollars(
      [h('H1', '18000'), h('H2', '19350'), h('H3', '16869.96'), h('H4', '4800')],
      m('18815.96'),
    );
    expect([...shares.entries()].sort()).toEqual([
      ['H1', m('6198.67')],
      ['H2', m('7548.66')],
      ['H3', m('5068.63')],
      ['H4', 0n],
    ]);
    const tie = allocateByDollars([h('B', '100'), h('A', '100'), h('C', '100')], m('0.01'));
    expect(tie.get('A')).toBe(m('0.01'));
    expect(tie.get('B')).toBe(0n);
  });

  it('dollar shares always add up to the excess and never exceed contributions (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3_000_000 }), { minLength: 1, maxLength: 20 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (cents, f) => {
          const hces = cents.map((c, i) => ({
            employeeId: `E${i}`,
            contributions: BigInt(c) * 10_000n,
            compensation: 1n,
            ratio: 0n,
            catchUpLeft: 0n,
          }));
          const totalCents = BigInt(Math.floor(cents.reduce((s, c) => s + c, 0) * f));
          const shares = allocateByDollars(hces, totalCents * 10_000n);
          let sum = 0n;
          for (const h of hces) {
            const s = shares.get(h.employeeId) ?? 0n;
            expect(s >= 0n && s <= h.contributions).toBe(true);
            sum += s;
          }
          expect(sum).toBe(totalCents * 10_000n);
        },
      ),
    );
  });

  it('ADP shares are catch-up first, up to the room left; ACP shares are distributed', () => {
    expect(splitShare(m('7548.66'), m('7500'))).toEqual({ catchUp: m('7500'), distribution: m('48.66') });
    expect(splitShare(m('100'), 0n)).toEqual({ catchUp: 0n, distribution: m('100') });
    const hces: HceFigures[] = [
      {
        employeeId: 'A',
        contributions: m('10000'),
        compensation: m('100000'),
        ratio: 1000n,
        catchUpLeft: m('7500'),
      },
      { employeeId: 'B', contributions: m('2000'), compensation: m('100000'), ratio: 200n, catchUpLeft: 0n },
    ];
    const adp = correctFailedTest('adp', hces, 500n);
    expect(adp.excess).toBe(m('2000'));
    expect(adp.shares[0]).toEqual({
      employeeId: 'A',
      share: m('2000'),
      catchUp: m('2000'),
      distribution: 0n,
    });
    const acp = correctFailedTest('acp', hces, 500n);
    expect(acp.shares[0]).toEqual({
      employeeId: 'A',
      share: m('2000'),
      catchUp: 0n,
      distribution: m('2000'),
    });
  });
});

describe('safe harbor (plan designs)', () => {
  const tiers = (...t: [string, string][]) => t.map(([rate, upTo]) => ({ rate: m(rate), upTo: m(upTo) }));
  it('accepts the basic and enhanced formulas, refuses less', () => {
    expect(safeHarborMatchShortfall(tiers(['1', '0.03'], ['0.5', '0.05']))).toBeNull();
    expect(safeHarborMatchShortfall(tiers(['1', '0.04']))).toBeNull();
    expect(safeHarborMatchShortfall(tiers(['0.5', '0.06']))).toBe(m('0.03'));
    expect(safeHarborMatchShortfall(tiers(['1', '0.03']))).toBe(m('0.05'));
    expect(safeHarborMatchShortfall([])).toBe(m('0.03'));
  });

  it('keeps ACP exempt only for a match up to 6% with rates that never rise', () => {
    expect(safeHarborAcpExempt(tiers(['1', '0.03'], ['0.5', '0.05']))).toBe(true);
    expect(safeHarborAcpExempt(tiers(['1', '0.06']))).toBe(true);
    expect(safeHarborAcpExempt(tiers(['1', '0.04'], ['0.5', '0.08']))).toBe(false);
    expect(safeHarborAcpExempt(tiers(['0.5', '0.03'], ['1', '0.05']))).toBe(false);
  });

  const plan = (extra: Record<string, unknown>) => ({
    plan_id: 'P',
    payroll: { frequency: 'monthly' },
    eligibility: { min_age: 21, service_months: 0, entry: 'immediate' },
    auto_enrollment: { enabled: false },
    match: { tiers: [{ rate: '0.5', up_to: '0.06' }] },
    vesting: { schedule: 'immediate' },
    ...extra,
  });
  const errorOf = (json: unknown) => {
    try {
      parsePlan(json, 'plan.json');
    } catch (err) {
      return err as PlanError;
    }
    return null;
  };

  it('refuses a safe-harbor claim the design does not meet, naming the field', () => {
    const e = errorOf(plan({ safe_harbor: 'match' }));
    expect(e).toBeInstanceOf(PlanError);
    expect(e?.field).toBe('match.tiers');
    expect(e?.message).toMatch(/plan\.json: match\.tiers: safe_harbor "match" needs/);
    const n = errorOf(plan({ safe_harbor: 'nonelective', nonelective: { rate: '0.02' } }));
    expect(n?.field).toBe('nonelective.rate');
    expect(errorOf(plan({ safe_harbor: 'qaca' }))?.field).toBe('safe_harbor');
    expect(errorOf(plan({ nondiscrimination: { method: 'average' } }))?.field).toBe(
      'nondiscrimination.method',
    );
  });

  it('reads safe_harbor and the method, defaulting to current_year', () => {
    const p = parsePlan(plan({}), 'plan.json');
    expect([p.safeHarbor, p.nondiscrimination.method]).toEqual([null, 'current_year']);
    const q = parsePlan(
      plan({
        safe_harbor: 'nonelective',
        nonelective: { rate: '0.03' },
        nondiscrimination: { method: 'prior_year' },
      }),
      'plan.json',
    );
    expect([q.safeHarbor, q.nondiscrimination.method]).toEqual(['nonelective', 'prior_year']);
  });
});
