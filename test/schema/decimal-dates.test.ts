import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addMonths,
  civil,
  dayAttainingAge,
  dayNumber,
  daysInMonth,
  dec31,
  fromDay,
  isLeapYear,
  isValidDate,
  jan1,
  toDay,
  weekday,
  yearOf,
} from '../../src/schema/dates.js';
import {
  CENT,
  canonicalDecimal,
  dec,
  divIntRoundCents,
  divRoundHalfAway,
  formatDecimal,
  maxDec,
  minDec,
  mulExact,
  mulRoundCents,
  ONE,
  parseDecimal,
  roundCents,
  roundProductToCents,
} from '../../src/schema/decimal.js';

describe('decimal', () => {
  it('parses and formats exactly', () => {
    expect(parseDecimal('87550.50')).toBe(87_550_500_000n);
    expect(parseDecimal('-12.5')).toBe(-12_500_000n);
    expect(parseDecimal('+0.000001')).toBe(1n);
    expect(parseDecimal('0.0000001')).toBeUndefined();
    expect(parseDecimal('0.12345', 4)).toBeUndefined();
    expect(parseDecimal('1e3')).toBeUndefined();
    expect(formatDecimal(87_550_500_000n)).toBe('87550.5');
    expect(formatDecimal(-1n)).toBe('-0.000001');
    expect(formatDecimal(0n)).toBe('0');
    expect(canonicalDecimal('007.100')).toBe('7.1');
    expect(() => dec('x')).toThrow(/not a decimal: "x"/);
    fc.assert(fc.property(fc.bigInt(-(10n ** 18n), 10n ** 18n), (v) => dec(formatDecimal(v)) === v));
  });

  it('rounds half away from zero, once', () => {
    expect(divRoundHalfAway(5n, 2n)).toBe(3n);
    expect(divRoundHalfAway(-5n, 2n)).toBe(-3n);
    expect(divRoundHalfAway(4n, 3n)).toBe(1n);
    expect(roundCents(dec('1.005'))).toBe(dec('1.01'));
    expect(roundCents(dec('-1.005'))).toBe(dec('-1.01'));
    expect(roundCents(dec('1.004999'))).toBe(dec('1'));
    expect(mulExact(dec('2'), dec('3'))).toBe(6n * ONE * ONE);
    expect(roundProductToCents(mulExact(dec('80340'), dec('0.03')))).toBe(dec('2410.2'));
    expect(mulRoundCents(dec('3089.23'), dec('0.06'))).toBe(dec('185.35'));
    expect(divIntRoundCents(dec('80340'), 26)).toBe(dec('3090'));
    expect(divIntRoundCents(dec('100'), 3n)).toBe(dec('33.33'));
    expect(CENT).toBe(10_000n);
    expect(minDec(1n, 2n)).toBe(1n);
    expect(maxDec(1n, 2n)).toBe(2n);
  });
});

describe('dates', () => {
  it('calendar facts', () => {
    expect(isLeapYear(2024)).toBe(true);
    expect(isLeapYear(1900)).toBe(false);
    expect(isLeapYear(2000)).toBe(true);
    expect(daysInMonth(2025, 2)).toBe(28);
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(isValidDate('2024-02-29')).toBe(true);
    expect(isValidDate('2025-02-29')).toBe(false);
    expect(isValidDate('0000-01-01')).toBe(false);
    expect(isValidDate('2025-1-1')).toBe(false);
  });

  it('day numbers round-trip and name the same day as Date', () => {
    fc.assert(
      fc.property(fc.integer({ min: dayNumber(1, 1, 1), max: dayNumber(9999, 12, 31) }), (d) => {
        expect(toDay(fromDay(d))).toBe(d);
        const { y, m, d: dd } = civil(d);
        expect(dayNumber(y, m, dd)).toBe(d);
        expect(weekday(d)).toBe(new Date(d * 86_400_000).getUTCDay());
      }),
    );
    expect(dayNumber(1970, 1, 1)).toBe(0);
    expect(fromDay(-1)).toBe('1969-12-31');
    expect(yearOf(toDay('2025-06-30'))).toBe(2025);
    expect(fromDay(jan1(2025))).toBe('2025-01-01');
    expect(fromDay(dec31(2025))).toBe('2025-12-31');
  });

  it('adds months clamped to the month end; 29 February birthdays attained on 1 March', () => {
    expect(fromDay(addMonths(toDay('2025-01-31'), 1))).toBe('2025-02-28');
    expect(fromDay(addMonths(toDay('2024-01-31'), 1))).toBe('2024-02-29');
    expect(fromDay(addMonths(toDay('2025-03-15'), -3))).toBe('2024-12-15');
    expect(fromDay(addMonths(toDay('2025-03-15'), 24))).toBe('2027-03-15');
    expect(fromDay(dayAttainingAge(toDay('2000-02-29'), 21))).toBe('2021-03-01');
    expect(fromDay(dayAttainingAge(toDay('2000-02-29'), 24))).toBe('2024-02-29');
    expect(fromDay(dayAttainingAge(toDay('1960-07-15'), 65))).toBe('2025-07-15');
  });
});
