/**
 * The census file (golden.md, Files): `employee_id,birth_date,hire_date,annual_compensation,
 * job_level,department`, optionally followed by `pre_tax_rate,roth_rate` (initial elections a
 * simulator may turn into enrollment decisions; the engine itself does not read them).
 */

import { isValidDate } from '../schema/dates.js';
import { type Decimal, ONE, parseDecimal } from '../schema/decimal.js';
import { CensusError } from './errors.js';

export const CENSUS_COLUMNS = [
  'employee_id',
  'birth_date',
  'hire_date',
  'annual_compensation',
  'job_level',
  'department',
] as const;
export const CENSUS_OPTIONAL_COLUMNS = ['pre_tax_rate', 'roth_rate'] as const;

export interface CensusPerson {
  employeeId: string;
  birthDate: string;
  hireDate: string;
  /** Annual rate of pay, micro-units. */
  annualCompensation: Decimal;
  jobLevel: number;
  department: string;
  preTaxRate: Decimal | null;
  rothRate: Decimal | null;
}

/** Split one CSV line (RFC 4180 quoting: "a,b" and "" for a quote). */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') q = false;
      else cur += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Lines of a text file with their 1-based numbers; BOM and `\r\n` handled, blank lines skipped. */
export function csvLines(text: string): { line: number; text: string }[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const out: { line: number; text: string }[] = [];
  body.split('\n').forEach((raw, i) => {
    const t = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (t.trim() !== '') out.push({ line: i + 1, text: t });
  });
  return out;
}

const ID_BAD = /[\u0000-\u001f\u007f]/;

function checkId(v: string): string | null {
  if (v.length === 0) return 'must not be empty';
  if (v.length > 128) return 'at most 128 characters';
  if (v.trim() !== v) return 'no leading or trailing spaces';
  if (ID_BAD.test(v)) return 'no control characters';
  return null;
}

/** The youngest age at hire a census row may show (docs/simulate.md, "Census"). */
export const MIN_AGE_AT_HIRE = 14;
/** The most years a birth may lie before the scenario's first year. */
export const MAX_YEARS_BORN_BEFORE = 100;
/** Digits before the decimal point of an annual compensation (the store's DECIMAL(18,6)). */
export const MAX_COMPENSATION_DIGITS = 12;

/** The scenario a census is read for: its rows must be plausible within these years. */
export interface CensusYears {
  firstYear: number;
  lastYear: number;
}

/** The day `years` whole years after `date` (29 February + n: the same text, compared as text). */
const yearsAfter = (date: string, years: number): string =>
  `${String(Number(date.slice(0, 4)) + years).padStart(4, '0')}${date.slice(4)}`;

/** Whole years from `birth` to `day`. */
function ageOn(birth: string, day: string): number {
  const years = Number(day.slice(0, 4)) - Number(birth.slice(0, 4));
  return day.slice(5) < birth.slice(5) ? years - 1 : years;
}

/**
 * Why an annual compensation is refused, naming what it breaks; null when it is a positive
 * amount with at most 2 places and 12 digits before the point.
 */
function compensationProblem(text: string): string | null {
  const m = /^\+?([0-9]+)(?:\.([0-9]+))?$/.exec(text);
  if (m === null)
    return `expected a positive amount such as 52000 or 52000.50, found ${JSON.stringify(text)}`;
  if ((m[2] ?? '').length > 2) return `at most 2 decimal places (cents), found ${JSON.stringify(text)}`;
  const whole = m[1].replace(/^0+(?=.)/, '');
  if (whole.length > MAX_COMPENSATION_DIGITS)
    return `at most ${MAX_COMPENSATION_DIGITS} digits before the decimal point, found ${JSON.stringify(text)} (${whole.length} digits)`;
  if (/^[0.]+$/.test(text.replace('+', ''))) return `must be greater than 0, found ${JSON.stringify(text)}`;
  return null;
}

/**
 * A census row's dates are plausible (issue: a hire after the scenario, a child, a birth two
 * lifetimes ago): at least 14 years old at hire; with the scenario's years, hired by its last
 * day and born at most 100 years before its first year.
 */
function datesProblem(
  birthDate: string,
  hireDate: string,
  years: CensusYears | undefined,
): [field: string, reason: string] | null {
  if (hireDate < yearsAfter(birthDate, MIN_AGE_AT_HIRE))
    return [
      'hire_date',
      `hired ${hireDate} at age ${ageOn(birthDate, hireDate)} (born ${birthDate}): an employee is at least ${MIN_AGE_AT_HIRE} at hire`,
    ];
  if (years === undefined) return null;
  const lastDay = `${years.lastYear}-12-31`;
  if (hireDate > lastDay)
    return ['hire_date', `hire date ${hireDate} is after the scenario's last day ${lastDay}`];
  const earliest = `${String(years.firstYear - MAX_YEARS_BORN_BEFORE).padStart(4, '0')}-01-01`;
  if (birthDate < earliest)
    return [
      'birth_date',
      `born ${birthDate}, more than ${MAX_YEARS_BORN_BEFORE} years before the first year ${years.firstYear}: expected a birth date on or after ${earliest}`,
    ];
  return null;
}

/**
 * Parse a census CSV; every problem is a CensusError naming file, line and field. With the
 * scenario's `years`, rows implausible for it are refused too (datesProblem).
 */
export function parseCensusCsv(text: string, file: string, years?: CensusYears): CensusPerson[] {
  const lines = csvLines(text);
  if (lines.length === 0) throw new CensusError(file, 1, 'header', 'the file is empty');
  const header = splitCsvLine(lines[0].text).map((h) => h.trim());
  const base = CENSUS_COLUMNS.join(',');
  const withRates = [...CENSUS_COLUMNS, ...CENSUS_OPTIONAL_COLUMNS].join(',');
  const h = header.join(',');
  if (h !== base && h !== withRates)
    throw new CensusError(
      file,
      lines[0].line,
      'header',
      `expected "${base}" (optionally ",pre_tax_rate,roth_rate"), found "${h}"`,
    );
  const hasRates = h === withRates;
  const seen = new Set<string>();
  const people: CensusPerson[] = [];
  for (const { line, text: t } of lines.slice(1)) {
    const f = splitCsvLine(t);
    const fail = (field: string, reason: string): never => {
      throw new CensusError(file, line, field, reason);
    };
    if (f.length !== header.length) fail('line', `expected ${header.length} fields, found ${f.length}`);
    const [employeeId, birthDate, hireDate, comp, level, department] = f;
    const idProblem = checkId(employeeId);
    if (idProblem) fail('employee_id', `${idProblem}: ${JSON.stringify(employeeId)}`);
    if (seen.has(employeeId)) fail('employee_id', `duplicate employee ${employeeId}`);
    seen.add(employeeId);
    if (!isValidDate(birthDate))
      fail('birth_date', `expected a date YYYY-MM-DD, found ${JSON.stringify(birthDate)}`);
    if (!isValidDate(hireDate))
      fail('hire_date', `expected a date YYYY-MM-DD, found ${JSON.stringify(hireDate)}`);
    if (hireDate < birthDate) fail('hire_date', `hire date ${hireDate} is before birth date ${birthDate}`);
    const implausible = datesProblem(birthDate, hireDate, years);
    if (implausible !== null) fail(...implausible);
    const compProblem = compensationProblem(comp);
    if (compProblem !== null) fail('annual_compensation', compProblem);
    const annual = parseDecimal(comp.replace(/^\+/, ''), 2) as Decimal;
    if (!/^(10|[1-9])$/.test(level))
      fail('job_level', `expected a whole number 1–10, found ${JSON.stringify(level)}`);
    const deptProblem = checkId(department);
    if (deptProblem) fail('department', `${deptProblem}: ${JSON.stringify(department)}`);
    let preTaxRate: Decimal | null = null;
    let rothRate: Decimal | null = null;
    if (hasRates) {
      preTaxRate = optionalRate(f[6], 'pre_tax_rate', fail);
      rothRate = optionalRate(f[7], 'roth_rate', fail);
      if ((preTaxRate ?? 0n) + (rothRate ?? 0n) > ONE)
        fail('roth_rate', 'pre_tax_rate + roth_rate exceeds 1');
    }
    people.push({
      employeeId,
      birthDate,
      hireDate,
      annualCompensation: annual,
      jobLevel: Number(level),
      department,
      preTaxRate,
      rothRate,
    });
  }
  return people;
}

function optionalRate(
  v: string,
  field: string,
  fail: (field: string, reason: string) => never,
): Decimal | null {
  if (v === '') return null;
  const d = parseDecimal(v, 4);
  if (d === undefined || d < 0n || d > ONE)
    fail(field, `expected a rate from 0 to 1 with at most 4 places, found ${JSON.stringify(v)}`);
  return d as Decimal;
}
