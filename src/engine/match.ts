/** Employer match (calculations.md, Employer money). */
import { type Decimal, divRoundHalfAway, minDec, ONE } from '../schema/decimal.js';
import type { MatchTier } from './plan.js';

/** 10^18 / 10^16 = cents: a scale-18 sum divided by this is a count of cents. */
const SCALE18_PER_CENT = ONE * ONE * 10_000n;

/**
 * match = round(Σ rate_i × max(0, min(D, C×up_to_i) − C×up_to_{i−1})), up_to_0 = 0,
 * computed in full precision (scale 18) and rounded once to cents. C, D, result: micro-units.
 */
export function matchAmount(tiers: readonly MatchTier[], comp: Decimal, deferral: Decimal): Decimal {
  if (deferral <= 0n || comp <= 0n) return 0n;
  const d12 = deferral * ONE;
  let prev = 0n;
  let sum = 0n;
  for (const t of tiers) {
    const upper = comp * t.upTo;
    const top = minDec(d12, upper);
    if (top > prev) sum += t.rate * (top - prev);
    prev = upper;
    if (d12 <= upper) break;
  }
  return divRoundHalfAway(sum, SCALE18_PER_CENT) * 10_000n;
}
