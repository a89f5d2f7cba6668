/**
 * calculations.md, "HCE and compliance" and the Roth catch-up rule of "Years, limits and
 * tables": the 1 January HCE determination (with the look-back rule before the first simulated
 * year), catch-up eligibility and its event, and the limit-approach events.
 */
import { COMPLIANCE_TYPES } from '../schema/contract.js';
import { civil, dec31, fromDay, jan1 } from '../schema/dates.js';
import { type Decimal, divIntRoundCents } from '../schema/decimal.js';
import { money } from './canonical.js';
import type { YearContext } from './context.js';
import type { CatchUpTerms } from './limits.js';
import { advanceComp } from './payroll.js';
import type { PersonState } from './person-state.js';
import type { YearTotals } from './year-totals.js';

const COMPLIANCE_SUB: Readonly<Record<string, number>> = Object.fromEntries(
  COMPLIANCE_TYPES.map((c, i) => [c, i]),
);

/** HCE look-back pay for a look-back year before the simulated period. */
function lookBackPay(s: PersonState, lookBack: number): Decimal {
  const hire = s.hire;
  if (hire < jan1(lookBack)) return s.person.annualCompensation;
  if (hire > dec31(lookBack)) return 0n;
  // hired during the look-back year: its pay dates from the hire date on, at the census rate
  const paid = s.ctx.lookBackPayDays.filter((d) => d >= hire).length;
  return BigInt(paid) * divIntRoundCents(s.person.annualCompensation, s.ctx.periods);
}

/**
 * The `hce_status` event on 1 January for someone employed that day. Returns the previous-year
 * wages it used (also the §603 Roth catch-up test), or null when no event is written.
 */
export function determineHce(s: PersonState, yc: YearContext): Decimal | null {
  if (!(s.hire <= yc.jan1 && yc.jan1 <= s.termDay)) return null;
  advanceComp(s, yc.jan1);
  const lookBack = yc.year - 1;
  const ytdComp = lookBack >= s.ctx.first ? s.prevYearGross : lookBackPay(s, lookBack);
  const isHce = ytdComp > yc.hceThreshold;
  s.push(yc.jan1, yc.jan1Iso, 'hce_status', 0, {
    event_type: 'hce_status',
    plan_id: s.planId,
    determination_method: 'prior_year',
    ytd_compensation: money(ytdComp),
    annualized_compensation: money(s.annual),
    hce_threshold: yc.hceThresholdText,
    is_hce: isHce,
    determination_date: yc.jan1Iso,
    prior_year_hce: s.prevHce,
  });
  s.prevHce = isHce;
  return ytdComp;
}

/**
 * Catch-up terms of the year: eligible when attaining 50 by 31 December; the 60–63 figure when
 * the table has one; Roth for a Roth catch-up earner (previous-year wages above the year's
 * §603 figure). Writes `catch_up_eligible` on 1 January or the entry date, if later.
 */
export function catchUpTerms(s: PersonState, yc: YearContext, priorWages: Decimal | null): CatchUpTerms {
  const L = yc.limits;
  const ageAtYearEnd = yc.year - civil(s.birth).y;
  const eligible = ageAtYearEnd >= 50;
  const limit =
    ageAtYearEnd >= 60 && ageAtYearEnd <= 63 && L.catchUp6063 !== null ? L.catchUp6063 : L.catchUp;
  if (s.participant && eligible) {
    const d = Math.max(yc.jan1, s.entry);
    if (d <= yc.dec31 && d <= s.termDay) {
      const iso = fromDay(d);
      s.push(d, iso, 'compliance', COMPLIANCE_SUB.catch_up_eligible, {
        event_type: 'compliance',
        plan_id: s.planId,
        compliance_type: 'catch_up_eligible',
        limit_type: 'catch_up',
        applicable_limit: money(limit),
        current_amount: '0',
        monitoring_date: iso,
      });
    }
  }
  const rothEarner = L.rothCatchUpWages !== null && priorWages !== null && priorWages > L.rothCatchUpWages;
  return { eligible, limit, rothEarner };
}

/** `402g_limit_approach` on the first pay date with YTD pre-tax + Roth at 90% of 402(g). */
export function check402g(s: PersonState, t: YearTotals, limit: Decimal, day: number, iso: string): void {
  if (!t.flagged402g && t.deferral * 10n >= limit * 9n) {
    t.flagged402g = true;
    pushLimitApproach(s, day, iso, '402g_limit_approach', 'elective_deferral', limit, t.deferral);
  }
}

/** `415c_limit_approach` on the first pay date with annual additions at 90% of the dollar limit. */
export function check415c(s: PersonState, t: YearTotals, limit: Decimal, day: number, iso: string): void {
  if (!t.flagged415c && t.additions * 10n >= limit * 9n) {
    t.flagged415c = true;
    pushLimitApproach(s, day, iso, '415c_limit_approach', 'annual_additions', limit, t.additions);
  }
}

function pushLimitApproach(
  s: PersonState,
  day: number,
  iso: string,
  type: '402g_limit_approach' | '415c_limit_approach',
  limitType: 'elective_deferral' | 'annual_additions',
  limit: Decimal,
  current: Decimal,
): void {
  s.push(day, iso, 'compliance', COMPLIANCE_SUB[type], {
    event_type: 'compliance',
    plan_id: s.planId,
    compliance_type: type,
    limit_type: limitType,
    applicable_limit: money(limit),
    current_amount: money(current),
    monitoring_date: iso,
  });
}
