/**
 * Vesting service (calculations.md, Vesting and forfeitures): 8 hours for each Monday–Friday
 * the person is employed; a plan year counts as a year of service once its hours reach 1,000
 * (the 125th such day), and counts from that day on. Service counts from the hire date.
 */
import { civil, dec31, jan1, weekday } from '../schema/dates.js';
import type { Decimal } from '../schema/decimal.js';
import type { PlanDesign } from './plan.js';

export const HOURS_PER_DAY = 8;
export const HOURS_FOR_A_YEAR = 1000;
/** Working days needed for 1,000 hours: ceil(1000 / 8) = 125. */
const DAYS_FOR_A_YEAR = Math.ceil(HOURS_FOR_A_YEAR / HOURS_PER_DAY);

/** Monday–Friday days in [a, b], both inclusive (0 when b < a). */
export function weekdaysBetween(a: number, b: number): number {
  if (b < a) return 0;
  const n = b - a + 1;
  let count = Math.floor(n / 7) * 5;
  for (let d = a + Math.floor(n / 7) * 7; d <= b; d++) {
    const w = weekday(d);
    if (w !== 0 && w !== 6) count++;
  }
  return count;
}

/** The day of the n-th (1-based) Monday–Friday counting from `start`. */
export function nthWeekdayFrom(start: number, n: number): number {
  let s = start;
  while (weekday(s) === 0 || weekday(s) === 6) s++;
  const idx = weekday(s) - 1 + (n - 1); // Monday = 0
  return s - (weekday(s) - 1) + Math.floor(idx / 5) * 7 + (idx % 5);
}

/** One plan year of a person's employment. */
interface ServiceYear {
  start: number;
  end: number;
  /** The day the year is credited (its 1,000th hour), or Infinity. */
  creditDay: number;
}

/** A person's service record: years of service and counted hours as of any day. */
export class ServiceRecord {
  private readonly years: ServiceYear[] = [];

  constructor(hireDay: number, termDay: number, lastYear: number) {
    const first = civil(hireDay).y;
    const last = Math.min(lastYear, termDay === Infinity ? lastYear : civil(termDay).y);
    for (let y = first; y <= last; y++) {
      const start = Math.max(hireDay, jan1(y));
      const end = Math.min(termDay, dec31(y));
      const creditDay =
        weekdaysBetween(start, end) >= DAYS_FOR_A_YEAR ? nthWeekdayFrom(start, DAYS_FOR_A_YEAR) : Infinity;
      this.years.push({ start, end, creditDay });
    }
  }

  /** Completed years of service as of the end of `day`. */
  yearsAsOf(day: number): number {
    let n = 0;
    for (const y of this.years) if (y.creditDay <= day) n++;
    return n;
  }

  /** Hours in all counted years up to `day` (calculations.md: `service_credited_hours`). */
  hoursAsOf(day: number): number {
    let h = 0;
    for (const y of this.years) {
      if (y.creditDay <= day) h += HOURS_PER_DAY * weekdaysBetween(y.start, Math.min(y.end, day));
    }
    return h;
  }

  /** Credit days within [from, to], ascending. */
  creditDaysBetween(from: number, to: number): number[] {
    const out: number[] = [];
    for (const y of this.years) if (y.creditDay >= from && y.creditDay <= to) out.push(y.creditDay);
    return out;
  }
}

/** Vested fraction for completed years of service under the plan's schedule (employer money). */
export function vestedFraction(plan: PlanDesign, years: number): Decimal {
  const v = plan.vesting;
  if (v.schedule === 'immediate') return 1_000_000n;
  if (v.schedule === 'cliff') return years >= v.cliffYears ? 1_000_000n : 0n;
  return v.graded[Math.min(years, v.graded.length - 1)];
}
