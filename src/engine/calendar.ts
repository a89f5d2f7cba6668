/**
 * Payroll calendars (calculations.md, Payroll). Pure: pay dates as day numbers.
 * weekly/biweekly step 7/14 days from the anchor pay date, both ways (a year can hold
 * 53 weekly or 27 biweekly pay dates; each is paid). semimonthly: the 15th and the last day
 * of each month; monthly: the last day.
 */
import { dayNumber, daysInMonth, dec31, jan1 } from '../schema/dates.js';
import type { Frequency } from './plan.js';

/** Pay periods per year: the divisor of the annual rate, whatever the count of pay dates. */
export const PERIODS: Readonly<Record<Frequency, number>> = {
  weekly: 52,
  biweekly: 26,
  semimonthly: 24,
  monthly: 12,
};

/** Pay dates of calendar year `year`, ascending. `anchor` is required for weekly and biweekly. */
export function payDatesOfYear(frequency: Frequency, year: number, anchor: number | null): number[] {
  const out: number[] = [];
  if (frequency === 'weekly' || frequency === 'biweekly') {
    if (anchor === null) throw new Error(`${frequency} payroll needs an anchor pay date`);
    const step = frequency === 'weekly' ? 7 : 14;
    const start = jan1(year);
    const end = dec31(year);
    // First pay date on or after 1 January: anchor + k·step for the smallest such k (k may be negative).
    const k = Math.ceil((start - anchor) / step);
    for (let d = anchor + k * step; d <= end; d += step) out.push(d);
    return out;
  }
  for (let m = 1; m <= 12; m++) {
    const last = dayNumber(year, m, daysInMonth(year, m));
    if (frequency === 'semimonthly') out.push(dayNumber(year, m, 15));
    out.push(last);
  }
  return out;
}
