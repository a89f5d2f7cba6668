/**
 * The arithmetic of the ADP and ACP nondiscrimination tests (nondiscrimination.md): ratios,
 * group averages, the limit, the pass/fail/exempt decision, levelling, dollar allocation and
 * the catch-up treatment of ADP shares. Pure and exact: no I/O, no floats. Ratios are bigint
 * counts of 0.0001 ("to 4 places"); money is Decimal micro-units (src/schema/decimal.ts).
 * Gathering the per-person figures from a store is src/ndt/gather.ts.
 */
import { CENT, type Decimal, divRoundHalfAway } from '../schema/decimal.js';

/** A ratio or average in units of 0.0001. */
export type Ratio = bigint;
/** 1.0 as a Ratio. */
export const RATIO_ONE = 10_000n;

export type TestKind = 'adp' | 'acp';
export type TestMethod = 'current_year' | 'prior_year';
export type TestResult = 'pass' | 'fail' | 'exempt';

/** An exact non-negative rational num/den (den > 0). */
export interface Rational {
  num: bigint;
  den: bigint;
}

/** A person's ratio: contributions ÷ compensation, to 4 places ("The ratios"). compensation > 0. */
export function personRatio(contributions: Decimal, compensation: Decimal): Ratio {
  return divRoundHalfAway(contributions * RATIO_ONE, compensation);
}

/** A group's average from the sum and count of its ratios, to 4 places; an empty group's is 0. */
export function groupAverage(sum: Ratio, count: bigint | number): Ratio {
  const n = BigInt(count);
  return n === 0n ? 0n : divRoundHalfAway(sum, n);
}

/** The mean of a list of ratios, to 4 places. */
export function averageOf(ratios: readonly Ratio[]): Ratio {
  return groupAverage(
    ratios.reduce((s, r) => s + r, 0n),
    ratios.length,
  );
}

/**
 * Limit on the HCE average from the NHCE average N ("The ratios"):
 * max(N × 1.25, min(N × 2, N + 0.02)), to 4 places. Computed in quarters of a unit, exactly.
 */
export function testLimit(nhceAverage: Ratio): Ratio {
  const n = nhceAverage;
  const quarter125 = 5n * n; // N × 1.25 in quarter-units
  const alt = 4n * (2n * n < n + 200n ? 2n * n : n + 200n);
  return divRoundHalfAway(quarter125 > alt ? quarter125 : alt, 4n);
}

/** Pass when there is no HCE or the HCE average is at most the limit. */
export function testPasses(hceCount: number, hceAverage: Ratio, limit: Ratio): boolean {
  return hceCount === 0 || hceAverage <= limit;
}

/**
 * Level the ratios (Correction, step 1; §1.401(k)-2(b)(2)(ii)): the exact level L, in units of
 * 0.0001, at which the unrounded mean of the ratios, each above L replaced by L, equals `limit`.
 * Call only for a failed test (the mean of the ratios above the limit).
 */
export function levelRatios(ratios: readonly Ratio[], limit: Ratio): Rational {
  const sorted = [...ratios].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
  const n = BigInt(sorted.length);
  const target = n * limit;
  let rest = sorted.reduce((s, r) => s + r, 0n);
  for (let k = 1; k <= sorted.length; k++) {
    rest -= sorted[k - 1];
    const num = target - rest; // L = num / k
    const kk = BigInt(k);
    const next = k < sorted.length ? sorted[k] : null;
    if (num <= kk * sorted[k - 1] && (next === null || num >= kk * next)) return { num, den: kk };
  }
  throw new Error('levelRatios: the ratios already meet the limit');
}

/** round(compensation × L) to cents, L a level in units of 0.0001. */
export function amountAtLevel(compensation: Decimal, level: Rational): Decimal {
  return divRoundHalfAway(compensation * level.num, level.den * RATIO_ONE * CENT) * CENT;
}

/** An HCE's excess at level L: max(0, contributions − round(compensation × L)). */
export function excessAtLevel(contributions: Decimal, compensation: Decimal, level: Rational): Decimal {
  const e = contributions - amountAtLevel(compensation, level);
  return e > 0n ? e : 0n;
}

export interface HceFigures {
  employeeId: string;
  contributions: Decimal;
  compensation: Decimal;
  ratio: Ratio;
  /** ADP only: catch-up room the person has left in the year (0 when not catch-up eligible). */
  catchUpLeft: Decimal;
}

/** The largest contributions first; ties by smallest employee_id. */
function byContributions(a: HceFigures, b: HceFigures): number {
  if (a.contributions !== b.contributions) return a.contributions > b.contributions ? -1 : 1;
  return a.employeeId < b.employeeId ? -1 : a.employeeId > b.employeeId ? 1 : 0;
}

/**
 * Allocate the total excess by dollars (Correction, step 2; §1.401(k)-2(b)(2)(iii)): the exact
 * amount T with Σ max(0, contributions − T) = total; each share round(max(0, contributions − T)),
 * and the rounding difference goes to the HCE with the largest contributions (ties: smallest id).
 */
export function allocateByDollars(hces: readonly HceFigures[], total: Decimal): Map<string, Decimal> {
  const sorted = [...hces].sort(byContributions);
  const shares = new Map<string, Decimal>(sorted.map((h) => [h.employeeId, 0n]));
  if (sorted.length === 0 || total <= 0n) return shares;
  let prefix = 0n;
  for (let k = 1; k <= sorted.length; k++) {
    prefix += sorted[k - 1].contributions;
    const kk = BigInt(k);
    const tNum = prefix - total; // T = tNum / k
    const next = k < sorted.length ? sorted[k].contributions : null;
    if (tNum <= kk * sorted[k - 1].contributions && (next === null || tNum >= kk * next)) {
      let sum = 0n;
      for (let i = 0; i < k; i++) {
        const s = divRoundHalfAway(kk * sorted[i].contributions - tNum, kk * CENT) * CENT;
        const share = s > 0n ? s : 0n;
        shares.set(sorted[i].employeeId, share);
        sum += share;
      }
      const first = sorted[0].employeeId;
      shares.set(first, (shares.get(first) as Decimal) + (total - sum));
      return shares;
    }
  }
  throw new Error('allocateByDollars: the total excess exceeds the HCEs’ contributions');
}

export interface HceShare {
  employeeId: string;
  share: Decimal;
  catchUp: Decimal;
  distribution: Decimal;
}

/** ADP only (Correction, step 3): a share is catch-up first, up to the room left; the rest is distributed. */
export function splitShare(
  share: Decimal,
  catchUpLeft: Decimal,
): { catchUp: Decimal; distribution: Decimal } {
  const room = catchUpLeft > 0n ? catchUpLeft : 0n;
  const catchUp = share < room ? share : room;
  return { catchUp, distribution: share - catchUp };
}

export interface Correction {
  level: Rational;
  excess: Decimal;
  /** Every HCE of the test, in employee_id order. */
  shares: HceShare[];
}

/** Correct a failed test (Correction, steps 1–3): levelling, dollar allocation, catch-up. */
export function correctFailedTest(test: TestKind, hces: readonly HceFigures[], limit: Ratio): Correction {
  const level = levelRatios(
    hces.map((h) => h.ratio),
    limit,
  );
  let excess = 0n;
  for (const h of hces) excess += excessAtLevel(h.contributions, h.compensation, level);
  const allocated = allocateByDollars(hces, excess);
  const shares = [...hces]
    .sort((a, b) => (a.employeeId < b.employeeId ? -1 : a.employeeId > b.employeeId ? 1 : 0))
    .map((h) => {
      const share = allocated.get(h.employeeId) ?? 0n;
      const split = test === 'adp' ? splitShare(share, h.catchUpLeft) : { catchUp: 0n, distribution: share };
      return { employeeId: h.employeeId, share, ...split };
    });
  return { level, excess, shares };
}

/** One group's ratios summarised: how many, and the sum of their ratios. */
export interface GroupSum {
  count: number;
  sum: Ratio;
}

export interface TestInput {
  year: number;
  test: TestKind;
  method: TestMethod;
  exempt: boolean;
  hce: GroupSum;
  /** Y's NHCEs. */
  nhce: GroupSum;
  /** Y−1's NHCEs for the prior-year method; null in the first year (Y's own are used). */
  priorNhce: GroupSum | null;
}

export interface TestOutcome {
  year: number;
  test: TestKind;
  method: TestMethod;
  hceCount: number;
  nhceCount: number;
  hceAverage: Ratio;
  /** The NHCE average the test used. */
  nhceAverage: Ratio;
  limit: Ratio;
  result: TestResult;
}

/** The averages, the limit and the result of one test ("The ratios", "Safe harbor"). */
export function evaluateTest(input: TestInput): TestOutcome {
  const hceAverage = groupAverage(input.hce.sum, input.hce.count);
  const nhceGroup = input.method === 'prior_year' && input.priorNhce !== null ? input.priorNhce : input.nhce;
  const nhceAverage = groupAverage(nhceGroup.sum, nhceGroup.count);
  const limit = testLimit(nhceAverage);
  const result: TestResult = input.exempt
    ? 'exempt'
    : testPasses(input.hce.count, hceAverage, limit)
      ? 'pass'
      : 'fail';
  return {
    year: input.year,
    test: input.test,
    method: input.method,
    hceCount: input.hce.count,
    nhceCount: input.nhce.count,
    hceAverage,
    nhceAverage,
    limit,
    result,
  };
}

/** A ratio as a decimal string ("0.0525"). */
export function formatRatio(r: Ratio): string {
  const neg = r < 0n;
  const a = neg ? -r : r;
  const s = `${a / RATIO_ONE}.${(a % RATIO_ONE).toString().padStart(4, '0')}`;
  return neg ? `-${s}` : s;
}

/** A ratio as a percentage to 2 places ("7.13%"): a ratio has 4 places, so this is exact. */
export function formatRatioPercent(r: Ratio): string {
  const neg = r < 0n;
  const a = neg ? -r : r;
  return `${neg ? '-' : ''}${a / 100n}.${(a % 100n).toString().padStart(2, '0')}%`;
}

export { checkSafeHarbor, safeHarborAcpExempt } from './safe-harbor.js';
