/**
 * calculations.md, "Employer money": the match and nonelective amounts requested on a pay date,
 * their events and bucket balances, and the 31 December true-up.
 */
import { type Decimal, minDec, mulRoundCents } from '../schema/decimal.js';
import type { YearContext } from './context.js';
import { matchAmount } from './match.js';
import type { PersonState } from './person-state.js';
import type { PlanDesign } from './plan.js';
import type { YearTotals } from './year-totals.js';

/** The match formula on plan comp and matchable deferral (pre-tax + Roth after the limits). */
export function requestedMatch(plan: PlanDesign, comp: Decimal, matchable: Decimal): Decimal {
  const tiers = plan.match.tiers;
  return tiers.length === 0 ? 0n : matchAmount(tiers, comp, matchable);
}

/** round(plan comp × nonelective rate), for every eligible person from the entry date. */
export function requestedNonelective(plan: PlanDesign, comp: Decimal): Decimal {
  const rate = plan.nonelective.rate;
  return rate === 0n ? 0n : mulRoundCents(comp, rate);
}

/** Credit a pay date's match and nonelective (each written only when above 0). */
export function creditEmployerMoney(
  s: PersonState,
  t: YearTotals,
  pd: number,
  iso: string,
  dep: string,
  pr: string,
  a: { match: Decimal; reqMatch: Decimal; ne: Decimal; reqNe: Decimal },
): void {
  if (a.match > 0n) {
    t.match += a.match;
    s.balMatch += a.match;
    s.grossMatch += a.match;
    s.contribution(pd, iso, 'employer_match', a.match, t.match, a.match < a.reqMatch, dep, pr);
  }
  if (a.ne > 0n) {
    t.ne += a.ne;
    s.balNe += a.ne;
    s.grossNe += a.ne;
    s.contribution(pd, iso, 'employer_nonelective', a.ne, t.ne, a.ne < a.reqNe, dep, pr);
  }
}

/**
 * True-up on 31 December for a participant employed that day: the annual match on the year's
 * compensation and matchable deferral from the entry date, less the year's match, within the
 * 415(c) room left against the whole year's gross pay. Returns whether one was written.
 */
export function trueUp(s: PersonState, yc: YearContext, t: YearTotals): boolean {
  if (!s.plan.match.trueUp || !s.participant || s.entry > yc.dec31 || s.termDay < yc.dec31) return false;
  const due = matchAmount(s.plan.match.tiers, t.compFromEntry, t.matchableFromEntry) - t.match;
  if (due <= 0n) return false;
  const room = minDec(yc.limits.additions415c, t.gross) - t.additions;
  const amount = minDec(due, room < 0n ? 0n : room);
  if (amount <= 0n) return false;
  t.additions += amount;
  s.balMatch += amount;
  s.grossMatch += amount;
  s.contribution(
    yc.dec31,
    yc.dec31Iso,
    'employer_match_true_up',
    amount,
    amount,
    amount < due,
    yc.trueUpDepositIso,
    yc.trueUpPayrollId,
  );
  return true;
}
