import { describe, expect, it } from 'vitest';
import { payDatesOfYear } from '../../src/engine/calendar.js';
import { parseCensusCsv } from '../../src/engine/census.js';
import { entryOnOrAfter, requirementsMetDay } from '../../src/engine/eligibility.js';
import { CensusError, PlanError } from '../../src/engine/errors.js';
import { eventIdMaker } from '../../src/engine/ids.js';
import { matchAmount } from '../../src/engine/match.js';
import { checkYears, parsePlan } from '../../src/engine/plan.js';
import { nthWeekdayFrom, ServiceRecord, vestedFraction, weekdaysBetween } from '../../src/engine/service.js';
import { dayNumber, fromDay, toDay } from '../../src/schema/dates.js';
import { dec } from '../../src/schema/decimal.js';
import { BASE_PLAN, plan } from './helpers.js';

const days = (xs: number[]) => xs.map(fromDay);

describe('payroll calendars', () => {
  it('steps weekly from the anchor both ways', () => {
    const d = days(payDatesOfYear('weekly', 2025, toDay('2025-04-01')));
    expect(d.length).toBe(52);
    expect(d[0]).toBe('2025-01-07');
    expect(d.at(-1)).toBe('2025-12-30');
  });
  it('has 53 weekly pay dates when 1 January is one', () => {
    expect(payDatesOfYear('weekly', 2027, toDay('2027-01-01')).length).toBe(53);
  });
  it('pays a 27th biweekly date (anchor mid-2026 stepping both ways)', () => {
    const d = days(payDatesOfYear('biweekly', 2026, toDay('2026-07-02')));
    expect(d.length).toBe(27);
    expect([d[0], d[25], d[26]]).toEqual(['2026-01-01', '2026-12-17', '2026-12-31']);
  });
  it('gives 26 biweekly dates for a 2026-01-02 anchor (the 27th falls on 2027-01-01)', () => {
    const d = days(payDatesOfYear('biweekly', 2026, toDay('2026-01-02')));
    expect(d.length).toBe(26);
    expect(d.at(-1)).toBe('2026-12-18');
    expect(days(payDatesOfYear('biweekly', 2027, toDay('2026-01-02')))[0]).toBe('2027-01-01');
  });
  it('accepts an anchor years away in either direction', () => {
    const a = payDatesOfYear('biweekly', 2025, toDay('2019-03-08'));
    const b = payDatesOfYear('biweekly', 2025, toDay('2031-10-31'));
    expect(a.every((x) => (x - toDay('2019-03-08')) % 14 === 0)).toBe(true);
    expect(b.every((x) => (toDay('2031-10-31') - x) % 14 === 0)).toBe(true);
  });
  it('semimonthly: the 15th and the last day (29 February in a leap year)', () => {
    const d = days(payDatesOfYear('semimonthly', 2024, null));
    expect(d.length).toBe(24);
    expect(d.slice(2, 4)).toEqual(['2024-02-15', '2024-02-29']);
    expect(days(payDatesOfYear('semimonthly', 2025, null))[3]).toBe('2025-02-28');
  });
  it('monthly: the last day of each month', () => {
    const d = days(payDatesOfYear('monthly', 2025, null));
    expect(d).toEqual([
      '2025-01-31',
      '2025-02-28',
      '2025-03-31',
      '2025-04-30',
      '2025-05-31',
      '2025-06-30',
      '2025-07-31',
      '2025-08-31',
      '2025-09-30',
      '2025-10-31',
      '2025-11-30',
      '2025-12-31',
    ]);
  });
  it('needs an anchor for weekly and biweekly', () => {
    expect(() => payDatesOfYear('weekly', 2025, null)).toThrow(/anchor/);
  });
});

describe('eligibility and entry dates', () => {
  const met = (min_age: number, service_months: number, birth: string, hire: string) =>
    fromDay(
      requirementsMetDay(
        plan({ eligibility: { min_age, service_months, entry: 'immediate' } }),
        toDay(birth),
        toDay(hire),
      ),
    );
  it('takes the later of age and service', () => {
    expect(met(21, 0, '2005-11-30', '2024-09-16')).toBe('2026-11-30');
    expect(met(21, 3, '1990-01-01', '2024-01-31')).toBe('2024-04-30'); // month-end clamp
    expect(met(18, 12, '1990-01-01', '2024-02-29')).toBe('2025-02-28'); // 29 Feb hire + 12 months
    expect(met(18, 48, '1990-01-01', '2024-02-29')).toBe('2028-02-29');
  });
  it('a 29 February birthday attains the age on 1 March in common years', () => {
    expect(met(21, 0, '2004-02-29', '2020-01-01')).toBe('2025-03-01');
    expect(met(20, 0, '2004-02-29', '2020-01-01')).toBe('2024-02-29');
  });
  it('moves to the entry schedule', () => {
    const e = (s: 'immediate' | 'monthly' | 'quarterly', d: string) => fromDay(entryOnOrAfter(s, toDay(d)));
    expect(e('immediate', '2025-03-17')).toBe('2025-03-17');
    expect(e('monthly', '2025-03-01')).toBe('2025-03-01');
    expect(e('monthly', '2025-03-02')).toBe('2025-04-01');
    expect(e('monthly', '2025-12-31')).toBe('2026-01-01');
    expect(e('quarterly', '2025-04-01')).toBe('2025-04-01');
    expect(e('quarterly', '2025-01-02')).toBe('2025-04-01');
    expect(e('quarterly', '2025-05-01')).toBe('2025-07-01');
    expect(e('quarterly', '2025-09-30')).toBe('2025-10-01');
    expect(e('quarterly', '2025-10-02')).toBe('2026-01-01');
  });
});

describe('vesting service', () => {
  it('counts Monday–Friday days', () => {
    expect(weekdaysBetween(toDay('2025-01-01'), toDay('2025-06-20'))).toBe(123); // 984 hours
    expect(weekdaysBetween(toDay('2025-01-04'), toDay('2025-01-05'))).toBe(0);
    expect(weekdaysBetween(toDay('2025-01-05'), toDay('2025-01-04'))).toBe(0);
    expect(weekdaysBetween(toDay('2024-01-01'), toDay('2024-12-31'))).toBe(262);
  });
  it('finds the 125th weekday (the 1,000th hour)', () => {
    expect(fromDay(nthWeekdayFrom(toDay('2025-01-01'), 125))).toBe('2025-06-24');
    expect(fromDay(nthWeekdayFrom(toDay('2024-01-31'), 125))).toBe('2024-07-23');
    expect(fromDay(nthWeekdayFrom(toDay('2025-01-04'), 1))).toBe('2025-01-06'); // from a Saturday
  });
  it('credits a year from its 1,000th hour, in the year of hire and of termination too', () => {
    const s = new ServiceRecord(toDay('2024-01-31'), Number.POSITIVE_INFINITY, 2025);
    expect(s.yearsAsOf(toDay('2024-07-22'))).toBe(0);
    expect(s.yearsAsOf(toDay('2024-07-23'))).toBe(1);
    expect(s.yearsAsOf(toDay('2025-06-24'))).toBe(2);
    expect(s.hoursAsOf(toDay('2024-07-23'))).toBe(1000);
    const t = new ServiceRecord(toDay('2021-09-13'), toDay('2025-06-20'), 2025);
    expect(t.yearsAsOf(toDay('2025-06-20'))).toBe(3); // 2021: 640 h, 2025: 984 h — not counted
    expect(t.hoursAsOf(toDay('2025-06-20'))).toBe(2080 + 2080 + 2096);
  });
  it('reads the schedules', () => {
    const g = plan({ vesting: { schedule: 'graded', graded: ['0', '0.5', '1'] } });
    expect([0, 1, 2, 7].map((y) => vestedFraction(g, y))).toEqual([0n, 500_000n, 1_000_000n, 1_000_000n]);
    const c = plan({ vesting: { schedule: 'cliff', cliff_years: 3 } });
    expect([2, 3].map((y) => vestedFraction(c, y))).toEqual([0n, 1_000_000n]);
    expect(vestedFraction(plan(), 0)).toBe(1_000_000n);
  });
});

describe('match tiers', () => {
  const tiers = [
    { rate: dec('1'), upTo: dec('0.03') },
    { rate: dec('0.5'), upTo: dec('0.05') },
  ];
  it('applies each tier to its band of compensation', () => {
    expect(matchAmount(tiers, dec('3000'), dec('180'))).toBe(dec('120'));
    expect(matchAmount(tiers, dec('10000'), dec('1000'))).toBe(dec('400'));
    expect(matchAmount(tiers, dec('3000'), dec('60'))).toBe(dec('60'));
    expect(matchAmount(tiers, dec('3000'), dec('0'))).toBe(0n);
  });
  it('rounds once, half away from zero, in full precision', () => {
    // 100% up to 4% of 2,666.67: C × 0.04 = 106.6668; D = 106.67 → 106.6668 → 106.67
    expect(matchAmount([{ rate: dec('1'), upTo: dec('0.04') }], dec('2666.67'), dec('106.67'))).toBe(
      dec('106.67'),
    );
    // 50% of 0.01 = 0.005 → 0.01
    expect(matchAmount([{ rate: dec('0.5'), upTo: dec('1') }], dec('100'), dec('0.01'))).toBe(dec('0.01'));
  });
});

describe('event ids', () => {
  it('are deterministic UUIDs of version 8 with the sequence in the low bits', () => {
    const a = eventIdMaker('s1', 'E1');
    const b = eventIdMaker('s1', 'E1');
    expect(a(5)).toBe(b(5));
    expect(a(5)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a(255).endsWith('000000ff')).toBe(true);
    expect(a(1)).not.toBe(eventIdMaker('s2', 'E1')(1));
    expect(eventIdMaker('a', 'bc')(0)).not.toBe(eventIdMaker('ab', 'c')(0));
    expect(new Set(Array.from({ length: 1000 }, (_, i) => a(i))).size).toBe(1000);
  });
});

describe('plan designs', () => {
  /** A complete year of limits for irs_limits. */
  const LIMITS_2027 = {
    '402g': '25000',
    catch_up: '8000',
    catch_up_60_63: '11250',
    '415c': '73000',
    '401a17': '365000',
    hce: '165000',
  };
  const bad = (patch: Record<string, unknown>, field: string, reason: RegExp) => {
    let err: unknown;
    try {
      parsePlan({ ...BASE_PLAN, ...patch }, 'plan.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PlanError);
    expect((err as PlanError).file).toBe('plan.json');
    expect((err as PlanError).field).toBe(field);
    expect((err as PlanError).reason).toMatch(reason);
  };
  it('parses money and rates to micro-units and fills defaults', () => {
    const p = parsePlan(
      {
        ...BASE_PLAN,
        payroll: { frequency: 'biweekly', anchor_pay_date: '2025-01-10' },
        auto_enrollment: { enabled: true, default_rate: '0.06', escalation: { step: '0.01', cap: '0.1' } },
      },
      'p.json',
    );
    expect(p.payroll.depositLagDays).toBe(2);
    expect(p.autoEnrollment.optOutDays).toBe(90);
    expect(p.autoEnrollment.escalation).toEqual({ step: 10_000n, cap: 100_000n });
    expect(p.nonelective.rate).toBe(0n);
    expect(p.irsLimits.get(2025)?.catchUp6063).toBe(dec('11250'));
    expect(p.irsLimits.get(2023)?.comp401a17).toBe(dec('330000'));
  });
  it('rejects unknown fields at every level', () => {
    bad({ extra: 1 }, 'extra', /unknown field/);
    bad({ payroll: { frequency: 'monthly', lag: 2 } }, 'payroll.lag', /unknown field/);
    bad(
      { match: { tiers: [{ rate: '1', up_to: '0.03', cap: '1' }] } },
      'match.tiers[0].cap',
      /unknown field/,
    );
    bad({ vesting: { schedule: 'immediate', cliff_years: 3 } }, 'vesting.cliff_years', /unknown field/);
  });
  it('rejects impossible values', () => {
    bad({ payroll: { frequency: 'fortnightly' } }, 'payroll.frequency', /one of weekly, biweekly/);
    bad({ payroll: { frequency: 'weekly' } }, 'payroll.anchor_pay_date', /required for weekly/);
    bad(
      { payroll: { frequency: 'biweekly', anchor_pay_date: '2025-02-30' } },
      'payroll.anchor_pay_date',
      /date/,
    );
    bad({ match: { tiers: [{ rate: '1.5', up_to: '0.03' }] } }, 'match.tiers[0].rate', /between 0 and 1/);
    bad({ match: { tiers: [{ rate: 1, up_to: '0.03' }] } }, 'match.tiers[0].rate', /decimal string/);
    bad(
      {
        match: {
          tiers: [
            { rate: '1', up_to: '0.05' },
            { rate: '0.5', up_to: '0.03' },
          ],
        },
      },
      'match.tiers[1].up_to',
      /rising/,
    );
    bad(
      { vesting: { schedule: 'graded', graded: ['0', '0.4', '0.2'] } },
      'vesting.graded[2]',
      /may not fall/,
    );
    bad({ vesting: { schedule: 'graded', graded: [] } }, 'vesting.graded', /non-empty/);
    bad(
      { eligibility: { min_age: -1, service_months: 0, entry: 'immediate' } },
      'eligibility.min_age',
      /whole number/,
    );
    bad({ eligibility: { min_age: 21, service_months: 0, entry: 'yearly' } }, 'eligibility.entry', /one of/);
    bad({ auto_enrollment: { enabled: true } }, 'auto_enrollment.default_rate', /required/);
    bad(
      { auto_enrollment: { enabled: true, default_rate: '0.06', escalation: { step: '0.01', cap: '0.05' } } },
      'auto_enrollment.escalation.cap',
      /below/,
    );
    bad({ plan_id: ' P' }, 'plan_id', /id/);
    bad({ irs_limits: { 2019: { '402g': '19000' } } }, 'irs_limits.2019.catch_up', /required/);
  });
  it('needs limits for every simulated year and the HCE look-back year, naming the year', () => {
    const p = plan();
    expect(() => checkYears(p, [2021, 2026], 'x.json')).not.toThrow();
    expect(() => checkYears(p, [2020, 2021], 'x.json')).toThrow(
      /irs_limits\.2019: no IRS limits for 2019 \(the HCE look-back/,
    );
    expect(() => checkYears(p, [2025, 2027], 'x.json')).toThrow(/no IRS limits for 2027/);
    const withLimits = plan({ irs_limits: { 2027: LIMITS_2027 } });
    expect(() => checkYears(withLimits, [2025, 2027], 'x.json')).not.toThrow();
    const replaced = plan({
      irs_limits: {
        2025: {
          '402g': '1000',
          catch_up: '8000',
          catch_up_60_63: null,
          '415c': '73000',
          '401a17': '365000',
          hce: '165000',
        },
      },
    });
    expect(replaced.irsLimits.get(2025)?.deferral402g).toBe(dec('1000'));
    expect(replaced.irsLimits.get(2025)?.catchUp6063).toBeNull();
  });
  it('reads the §603 Roth catch-up wage figure: built in for 2026, optional in irs_limits', () => {
    const p = plan();
    expect(p.irsLimits.get(2026)?.rothCatchUpWages).toBe(dec('150000'));
    expect(p.irsLimits.get(2025)?.rothCatchUpWages).toBeNull();
    const year = LIMITS_2027;
    const own = plan({
      irs_limits: {
        2026: year,
        2027: { ...year, roth_catch_up_wages: '155000' },
        2028: { ...year, roth_catch_up_wages: null },
      },
    });
    // a replaced year without the figure: the rule is not in force that year
    expect(own.irsLimits.get(2026)?.rothCatchUpWages).toBeNull();
    expect(own.irsLimits.get(2027)?.rothCatchUpWages).toBe(dec('155000'));
    expect(own.irsLimits.get(2028)?.rothCatchUpWages).toBeNull();
    bad(
      { irs_limits: { 2027: { ...year, roth_catch_up_wages: 150000 } } },
      'irs_limits.2027.roth_catch_up_wages',
      /decimal string/,
    );
  });
  it('may leave out match: no match, no true-up (golden.md)', () => {
    const p = plan({ match: undefined });
    expect(p.match).toEqual({ tiers: [], trueUp: false });
  });
});

describe('census CSV', () => {
  const header = 'employee_id,birth_date,hire_date,annual_compensation,job_level,department';
  it('parses rows, optional rate columns, quotes, BOM and CRLF', () => {
    const text = `\ufeff${header},pre_tax_rate,roth_rate\r\nE1,1990-02-28,2020-01-01,50000.5,3,"R&D, east",0.05,\r\n\r\n`;
    const [p] = parseCensusCsv(text, 'c.csv');
    expect(p).toMatchObject({
      employeeId: 'E1',
      department: 'R&D, east',
      preTaxRate: 50_000n,
      rothRate: null,
    });
    expect(p.annualCompensation).toBe(dec('50000.5'));
  });
  const bad = (body: string, line: number, field: string) => {
    let err: unknown;
    try {
      parseCensusCsv(`${header}\nE0,1990-01-01,2020-01-01,1,1,X\n${body}\n`, 'c.csv');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CensusError);
    expect([(err as CensusError).file, (err as CensusError).line, (err as CensusError).field]).toEqual([
      'c.csv',
      line,
      field,
    ]);
  };
  it('names the file, line and field of every problem', () => {
    bad('E1,1990-02-29,2020-01-01,1,1,X', 3, 'birth_date');
    bad('E1,1990-02-28,2020-13-01,1,1,X', 3, 'hire_date');
    bad('E1,1990-02-28,1980-01-01,1,1,X', 3, 'hire_date');
    bad('E1,1990-02-28,2020-01-01,0,1,X', 3, 'annual_compensation');
    bad('E1,1990-02-28,2020-01-01,1.001,1,X', 3, 'annual_compensation');
    bad('E1,1990-02-28,2020-01-01,1,11,X', 3, 'job_level');
    bad('E0,1990-02-28,2020-01-01,1,1,X', 3, 'employee_id');
    bad(' E1,1990-02-28,2020-01-01,1,1,X', 3, 'employee_id');
    bad('E1,1990-02-28,2020-01-01,1,1', 3, 'line');
    expect(() => parseCensusCsv('id,birth\n', 'c.csv')).toThrow(/c\.csv:1: header/);
    expect(() => parseCensusCsv('', 'c.csv')).toThrow(/c\.csv:1: header: the file is empty/);
    const withRates = `${header},pre_tax_rate,roth_rate\n`;
    expect(() => parseCensusCsv(`${withRates}E1,1990-01-01,2020-01-01,1,1,X,0.7,0.4\n`, 'c.csv')).toThrow(
      /c\.csv:2: roth_rate: .*exceeds 1/,
    );
    expect(() => parseCensusCsv(`${withRates}E1,1990-01-01,2020-01-01,1,1,X,1.5,\n`, 'c.csv')).toThrow(
      /c\.csv:2: pre_tax_rate/,
    );
    expect(() => parseCensusCsv(`${header}\nE1,1990-01-01,2020-01-01,1,1,\n`, 'c.csv')).toThrow(
      /c\.csv:2: department/,
    );
  });
  it('refuses implausible rows: a child at hire; a hire after the last day or a birth 100+ years before the first year', () => {
    const years = { firstYear: 2024, lastYear: 2026 };
    const one = (row: string) => () =>
      parseCensusCsv(`${header}\nE0,1990-01-01,2020-01-01,1,1,X\n${row}\n`, 'c.csv', years);
    expect(one('E1,2020-03-01,2023-06-01,50000,1,X')).toThrow(
      'c.csv:3: hire_date: hired 2023-06-01 at age 3 (born 2020-03-01): an employee is at least 14 at hire',
    );
    expect(one('E1,2000-06-02,2014-06-01,50000,1,X')).toThrow(/hire_date: hired 2014-06-01 at age 13 /);
    expect(one('E1,2000-06-01,2014-06-01,50000,1,X')).not.toThrow(); // 14 that day
    expect(one('E1,1990-01-01,2027-01-01,50000,1,X')).toThrow(
      "c.csv:3: hire_date: hire date 2027-01-01 is after the scenario's last day 2026-12-31",
    );
    expect(one('E1,1990-01-01,2026-12-31,50000,1,X')).not.toThrow();
    expect(one('E1,1900-05-01,1930-01-01,50000,1,X')).toThrow(
      'c.csv:3: birth_date: born 1900-05-01, more than 100 years before the first year 2024: expected a birth date on or after 1924-01-01',
    );
    expect(one('E1,1924-01-01,1950-01-01,50000,1,X')).not.toThrow();
    // Without the scenario's years only the age at hire is checked (the golden cases pass them).
    expect(() => parseCensusCsv(`${header}\nE1,1900-05-01,2030-01-01,1,1,X\n`, 'c.csv')).not.toThrow();
  });
  it('says what an annual compensation breaks', () => {
    const comp = (v: string) => () =>
      parseCensusCsv(`${header}\nE1,1990-01-01,2020-01-01,${v},1,X\n`, 'c.csv');
    expect(comp('99999999999999')).toThrow(
      'c.csv:2: annual_compensation: at most 12 digits before the decimal point, found "99999999999999" (14 digits)',
    );
    expect(comp('1.005')).toThrow('annual_compensation: at most 2 decimal places (cents), found "1.005"');
    expect(comp('0.00')).toThrow('annual_compensation: must be greater than 0, found "0.00"');
    expect(comp('-5')).toThrow(
      /annual_compensation: expected a positive amount such as 52000 or 52000.50, found "-5"/,
    );
    expect(comp('52,000')).toThrow(/c\.csv:2: line: expected 6 fields/);
    expect(
      parseCensusCsv(`${header}\nE1,1990-01-01,2020-01-01,999999999999.99,1,X\n`, 'c.csv')[0]
        .annualCompensation,
    ).toBe(dec('999999999999.99'));
    expect(
      parseCensusCsv(`${header}\nE1,1990-01-01,2020-01-01,+007.5,1,X\n`, 'c.csv')[0].annualCompensation,
    ).toBe(dec('7.5'));
  });
});

it('day helpers agree with the calendar', () => {
  expect(fromDay(dayNumber(2024, 2, 29))).toBe('2024-02-29');
});
