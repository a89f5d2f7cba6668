/** Eligibility and entry dates (calculations.md, Eligibility). Day numbers in, day numbers out. */
import { addMonths, civil, dayAttainingAge, dayNumber } from '../schema/dates.js';
import type { EntrySchedule, PlanDesign } from './plan.js';

/** The day both requirements are met: the later of attaining min_age and hire + service_months. */
export function requirementsMetDay(plan: PlanDesign, birthDay: number, hireDay: number): number {
  const age = dayAttainingAge(birthDay, plan.eligibility.minAge);
  const service = addMonths(hireDay, plan.eligibility.serviceMonths);
  return Math.max(age, service);
}

/** Move a day to the entry schedule: that day, or the first of the (quarter's) month on or after it. */
export function entryOnOrAfter(schedule: EntrySchedule, day: number): number {
  if (schedule === 'immediate') return day;
  const { y, m, d } = civil(day);
  if (schedule === 'monthly')
    return d === 1 ? day : m === 12 ? dayNumber(y + 1, 1, 1) : dayNumber(y, m + 1, 1);
  // quarterly: 1 January, April, July or October
  if (d === 1 && (m - 1) % 3 === 0) return day;
  const nextQ = Math.floor((m - 1) / 3) * 3 + 4; // month number of the next quarter start
  return nextQ > 12 ? dayNumber(y + 1, 1, 1) : dayNumber(y, nextQ, 1);
}

/** The person's entry date into the plan. */
export function entryDay(plan: PlanDesign, birthDay: number, hireDay: number): number {
  return entryOnOrAfter(plan.eligibility.entry, requirementsMetDay(plan, birthDay, hireDay));
}

/** `reason` of the eligibility event. */
export function eligibilityReason(plan: PlanDesign): 'immediate' | 'age_and_service' {
  const e = plan.eligibility;
  return e.minAge === 0 && e.serviceMonths === 0 && e.entry === 'immediate' ? 'immediate' : 'age_and_service';
}
