/**
 * Calendar dates as ISO text (`YYYY-MM-DD`) and as day numbers (days since 1970-01-01, UTC).
 * Day numbers are counts, not money, so a JavaScript number is the right type.
 */

const DATE_RE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(y: number, m: number): number {
  return m === 2 && isLeapYear(y) ? 29 : MONTH_DAYS[m - 1];
}

/** True when `text` is a real calendar date `YYYY-MM-DD` between 0001-01-01 and 9999-12-31. */
export function isValidDate(text: string): boolean {
  const m = DATE_RE.exec(text);
  if (m === null) return false;
  const y = +m[1];
  const mo = +m[2];
  const d = +m[3];
  return y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

/** Day number of y-m-d (proleptic Gregorian; Howard Hinnant's days_from_civil). */
export function dayNumber(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export interface YMD {
  y: number;
  m: number;
  d: number;
}

/** Inverse of dayNumber. */
export function civil(day: number): YMD {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: era * 400 + yoe + (m <= 2 ? 1 : 0), m, d };
}

/** Day number of an ISO date (assumed valid). */
export function toDay(text: string): number {
  return dayNumber(+text.slice(0, 4), +text.slice(5, 7), +text.slice(8, 10));
}

/** ISO text of a day number. */
export function fromDay(day: number): string {
  const { y, m, d } = civil(day);
  return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** Add N calendar months, keeping the day number clamped to the month's end (calculations.md, Years). */
export function addMonths(day: number, months: number): number {
  const { y, m, d } = civil(day);
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  return dayNumber(ny, nm, Math.min(d, daysInMonth(ny, nm)));
}

/**
 * The day a person born on `birth` attains age `n`: their n-th birthday; a 29 February
 * birthday is attained on 1 March in common years (calculations.md, Years).
 */
export function dayAttainingAge(birth: number, n: number): number {
  const { y, m, d } = civil(birth);
  const ty = y + n;
  if (m === 2 && d === 29 && !isLeapYear(ty)) return dayNumber(ty, 3, 1);
  return dayNumber(ty, m, d);
}

export function yearOf(day: number): number {
  return civil(day).y;
}

export function jan1(y: number): number {
  return dayNumber(y, 1, 1);
}

export function dec31(y: number): number {
  return dayNumber(y, 12, 31);
}
