/**
 * calculations.md, "Payroll", for one person: the annual rate in effect (census, then merit and
 * promotion decisions), gross pay of a pay date, and plan compensation capped by 401(a)(17).
 */
import { type Decimal, divIntRoundCents } from '../schema/decimal.js';
import type { PersonState } from './person-state.js';
import type { YearTotals } from './year-totals.js';

/** Order the rate changes: by day, merit before promotion (the contract's precedence). */
export function sortCompChanges(s: PersonState): void {
  s.compChanges.sort((a, b) => a.day - b.day || a.rank - b.rank);
}

/** Apply the rate changes effective on or before `day`; gross pay = round(annual / periods). */
export function advanceComp(s: PersonState, day: number): void {
  const changes = s.compChanges;
  let changed = false;
  while (s.compIdx < changes.length && changes[s.compIdx].day <= day) {
    s.annual = changes[s.compIdx++].comp;
    changed = true;
  }
  if (changed) s.gross = divIntRoundCents(s.annual, s.ctx.periods);
}

/**
 * Pay one pay date: its gross pay counts toward the year's gross pay; plan compensation is that
 * gross pay capped so that year-to-date plan compensation never exceeds 401(a)(17) (all pay
 * dates count). Returns the plan compensation.
 */
export function payGross(s: PersonState, t: YearTotals, comp401a17: Decimal): Decimal {
  const gross = s.gross;
  t.gross += gross;
  let comp = comp401a17 - t.planComp;
  if (comp > gross) comp = gross;
  if (comp < 0n) comp = 0n;
  t.planComp += comp;
  return comp;
}
