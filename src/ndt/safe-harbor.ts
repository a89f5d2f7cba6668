/**
 * Safe-harbor rules of nondiscrimination.md ("Safe harbor"): the minimum a match must give,
 * and when a safe-harbor plan's ACP test is exempt. Pure: rates are Decimal micro-units.
 */
import { type Decimal, formatDecimal, ONE } from '../schema/decimal.js';

export interface Tier {
  rate: Decimal;
  upTo: Decimal;
}

/** The basic safe-harbor match: 100% of the first 3% of pay, 50% of the next 2%. */
export const BASIC_SAFE_HARBOR: readonly Tier[] = [
  { rate: ONE, upTo: 30_000n },
  { rate: 500_000n, upTo: 50_000n },
];
/** The nonelective safe harbor's minimum rate (3%). */
export const SAFE_HARBOR_NONELECTIVE_MIN: Decimal = 30_000n;
/** Deferral rates up to which the safe-harbor match is compared (5%). */
const SAFE_HARBOR_MATCH_SPAN: Decimal = 50_000n;
/** A safe-harbor match applying to deferral above this (6%) is ACP-tested. */
const ACP_EXEMPT_MATCH_CAP: Decimal = 60_000n;

/** Match as a fraction of pay (scale 12) at deferral rate d (micro-units) under these tiers. */
export function matchFraction(tiers: readonly Tier[], d: Decimal): bigint {
  let prev = 0n;
  let sum = 0n;
  for (const t of tiers) {
    const top = d < t.upTo ? d : t.upTo;
    if (top > prev) sum += t.rate * (top - prev);
    prev = t.upTo;
  }
  return sum;
}

/**
 * The first deferral rate (up to 5%) at which the match gives less than the basic safe-harbor
 * formula, or null when it never does. Both are piecewise linear, so their breakpoints suffice.
 */
export function safeHarborMatchShortfall(tiers: readonly Tier[]): Decimal | null {
  const points = new Set<Decimal>([30_000n, SAFE_HARBOR_MATCH_SPAN]);
  for (const t of tiers) if (t.upTo < SAFE_HARBOR_MATCH_SPAN) points.add(t.upTo);
  for (const d of [...points].sort((a, b) => (a < b ? -1 : 1)))
    if (matchFraction(tiers, d) < matchFraction(BASIC_SAFE_HARBOR, d)) return d;
  return null;
}

/**
 * The reason a safe-harbor claim fails, with the field it concerns, or null when it is met.
 */
export function checkSafeHarbor(
  kind: 'match' | 'nonelective',
  tiers: readonly Tier[],
  nonelectiveRate: Decimal,
): { field: 'match.tiers' | 'nonelective.rate'; reason: string } | null {
  if (kind === 'nonelective') {
    if (nonelectiveRate >= SAFE_HARBOR_NONELECTIVE_MIN) return null;
    return {
      field: 'nonelective.rate',
      reason: `safe_harbor "nonelective" needs nonelective.rate of at least 0.03, found ${formatDecimal(nonelectiveRate)}`,
    };
  }
  const d = safeHarborMatchShortfall(tiers);
  if (d === null) return null;
  return {
    field: 'match.tiers',
    reason:
      `safe_harbor "match" needs a match at least the basic formula's (100% of the first 3% of pay, ` +
      `50% of the next 2%) at every deferral rate up to 5%; at ${formatDecimal(d)} it gives less`,
  };
}

/**
 * A safe-harbor plan's match alone keeps the ACP test exempt when it applies to no deferral
 * above 6% of pay and its tier rates never rise (after-tax money is checked per year).
 */
export function safeHarborAcpExempt(tiers: readonly Tier[]): boolean {
  for (let i = 0; i < tiers.length; i++) {
    if (tiers[i].upTo > ACP_EXEMPT_MATCH_CAP && tiers[i].rate > 0n) return false;
    if (i > 0 && tiers[i].rate > tiers[i - 1].rate) return false;
  }
  return true;
}
