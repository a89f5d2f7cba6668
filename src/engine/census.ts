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

/** Parse a census CSV; every problem is a CensusError naming file, line and field. */
export function parseCensusCsv(text: string, file: string): CensusPerson[] {
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
    const annual = parseDecimal(comp, 2);
    if (annual === undefined || annual <= 0n || annual >= 1_000_000_000_000n * ONE)
      fail(
        'annual_compensation',
        `expected a positive amount with at most 2 places, found ${JSON.stringify(comp)}`,
      );
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
      annualCompensation: annual as Decimal,
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
