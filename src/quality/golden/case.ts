/**
 * Reading a golden case folder (golden.md): case.json, census.csv, inputs.ndjson (optional),
 * expected.csv. Anything malformed is a GoldenCaseError naming the file and line.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type CensusPerson, csvLines, parseCensusCsv, splitCsvLine } from '../../engine/census.js';
import { CensusError, PlanError } from '../../engine/errors.js';
import { type PlanDesign, parsePlan } from '../../engine/plan.js';
import type { SimulationEvent } from '../../schema/contract.js';
import { isValidDate } from '../../schema/dates.js';
import { type Decimal, parseDecimal } from '../../schema/decimal.js';
import { type Metric, parseMetric } from './metrics.js';
import { PLAN_FIGURES } from './ndt.js';
import type { EventValidator } from './validate.js';

export class GoldenCaseError extends Error {
  override name = 'GoldenCaseError';
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly reason: string,
  ) {
    super(`${file}${line === null ? '' : `:${line}`}: ${reason}`);
  }
}

export interface ExpectedRow {
  line: number;
  employeeId: string;
  date: string;
  metricName: string;
  metric: Metric;
  expected: Decimal;
}

export interface GoldenInput {
  line: number;
  event: SimulationEvent;
}

export interface GoldenCase {
  dir: string;
  name: string;
  description: string;
  source: string;
  tolerance: Decimal;
  plan: PlanDesign;
  years: [number, number];
  census: CensusPerson[];
  inputs: GoldenInput[];
  expected: ExpectedRow[];
}

const CASE_KEYS = ['name', 'description', 'source', 'tolerance', 'plan', 'years'];
export const EXPECTED_HEADER = 'employee_id,date,metric,expected';
const DECISION_KINDS = new Set(['merit', 'promotion', 'termination', 'enrollment']);

async function readText(file: string, optional = false): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (optional && code === 'ENOENT') return null;
    throw new GoldenCaseError(
      file,
      null,
      code === 'ENOENT' ? 'missing file' : `cannot read: ${(err as Error).message}`,
    );
  }
}

/** 1-based line of the first `"key":` in a JSON text (for errors about a field), else 1. */
function lineOfKey(text: string, key: string): number {
  const i = text.search(new RegExp(`"${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\s*:`));
  return i < 0 ? 1 : text.slice(0, i).split('\n').length;
}

function lineOfPosition(text: string, message: string): number | null {
  const m = /position (\d+)/.exec(message);
  return m ? text.slice(0, Number(m[1])).split('\n').length : null;
}

export async function loadGoldenCase(dir: string, validate: EventValidator): Promise<GoldenCase> {
  const caseFile = join(dir, 'case.json');
  const caseText = (await readText(caseFile)) as string;
  let raw: unknown;
  try {
    raw = JSON.parse(caseText);
  } catch (err) {
    throw new GoldenCaseError(
      caseFile,
      lineOfPosition(caseText, (err as Error).message),
      `not valid JSON: ${(err as Error).message}`,
    );
  }
  const fail = (key: string, reason: string): never => {
    throw new GoldenCaseError(caseFile, lineOfKey(caseText, key), `${key}: ${reason}`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new GoldenCaseError(caseFile, 1, 'expected a JSON object');
  const c = raw as Record<string, unknown>;
  for (const k of Object.keys(c))
    if (!CASE_KEYS.includes(k)) fail(k, `unknown field (allowed: ${CASE_KEYS.join(', ')})`);
  for (const k of ['name', 'plan', 'years'])
    if (c[k] === undefined) throw new GoldenCaseError(caseFile, 1, `${k}: required field is missing`);
  if (typeof c.name !== 'string' || c.name === '' || c.name.trim() !== c.name || c.name.length > 128)
    fail('name', 'expected a non-empty id');
  for (const k of ['description', 'source'])
    if (c[k] !== undefined && typeof c[k] !== 'string') fail(k, 'expected a string');
  let tolerance = 0n;
  if (c.tolerance !== undefined) {
    const t = typeof c.tolerance === 'string' ? parseDecimal(c.tolerance) : undefined;
    if (t === undefined || t < 0n)
      fail('tolerance', `expected a money string ≥ 0, found ${JSON.stringify(c.tolerance)}`);
    tolerance = t as Decimal;
  }
  const y = c.years;
  if (!Array.isArray(y) || y.length !== 2 || !y.every((v) => Number.isInteger(v)) || y[0] > y[1])
    fail('years', `expected [first, last] plan years, found ${JSON.stringify(y)}`);
  const years = y as [number, number];
  let plan: PlanDesign;
  try {
    plan = parsePlan(c.plan, caseFile, { prefix: 'plan', years });
  } catch (err) {
    if (!(err instanceof PlanError)) throw err;
    const last = err.field
      .split('.')
      .pop()!
      .replace(/\[\d+\]$/, '');
    throw new GoldenCaseError(caseFile, lineOfKey(caseText, last), `${err.field}: ${err.reason}`);
  }
  const name = c.name as string;

  const censusFile = join(dir, 'census.csv');
  let census: CensusPerson[];
  try {
    census = parseCensusCsv((await readText(censusFile)) as string, censusFile, {
      firstYear: years[0],
      lastYear: years[1],
    });
  } catch (err) {
    if (err instanceof CensusError)
      throw new GoldenCaseError(censusFile, err.line, `${err.field}: ${err.reason}`);
    throw err;
  }
  const people = new Set(census.map((p) => p.employeeId));

  const inputsFile = join(dir, 'inputs.ndjson');
  const inputs = parseInputs(inputsFile, (await readText(inputsFile, true)) ?? '', validate, people);
  const expectedFile = join(dir, 'expected.csv');
  const expected = parseExpected(expectedFile, (await readText(expectedFile)) as string, people);
  return {
    dir,
    name,
    description: (c.description as string) ?? '',
    source: (c.source as string) ?? '',
    tolerance,
    plan,
    years,
    census,
    inputs,
    expected,
  };
}

function parseInputs(
  file: string,
  text: string,
  validate: EventValidator,
  people: Set<string>,
): GoldenInput[] {
  const out: GoldenInput[] = [];
  const terminations = new Set<string>();
  for (const { line, text: t } of csvLines(text)) {
    let value: unknown;
    try {
      value = JSON.parse(t);
    } catch (err) {
      throw new GoldenCaseError(file, line, `not valid JSON: ${(err as Error).message}`);
    }
    const r = validate(value);
    if (!r.ok) throw new GoldenCaseError(file, line, `invalid event: ${r.problems.slice(0, 5).join('; ')}`);
    const ev = r.event;
    const kind = ev.payload.event_type;
    if (!DECISION_KINDS.has(kind))
      throw new GoldenCaseError(
        file,
        line,
        `inputs hold decision events (merit, promotion, termination, enrollment), found ${kind}`,
      );
    if (!people.has(ev.employee_id))
      throw new GoldenCaseError(file, line, `employee ${ev.employee_id} is not in census.csv`);
    if (kind === 'termination') {
      if (terminations.has(ev.employee_id))
        throw new GoldenCaseError(
          file,
          line,
          `a second termination for employee ${ev.employee_id} (at most one per person)`,
        );
      terminations.add(ev.employee_id);
    }
    out.push({ line, event: ev });
  }
  return out;
}

function parseExpected(file: string, text: string, people: Set<string>): ExpectedRow[] {
  const lines = csvLines(text);
  if (lines.length === 0)
    throw new GoldenCaseError(file, 1, `empty file; expected the header ${EXPECTED_HEADER}`);
  const header = splitCsvLine(lines[0].text)
    .map((h) => h.trim())
    .join(',');
  if (header !== EXPECTED_HEADER)
    throw new GoldenCaseError(
      file,
      lines[0].line,
      `bad header: expected "${EXPECTED_HEADER}", found "${header}"`,
    );
  const rows: ExpectedRow[] = [];
  for (const { line, text: t } of lines.slice(1)) {
    const f = splitCsvLine(t);
    if (f.length !== 4) throw new GoldenCaseError(file, line, `expected 4 fields, found ${f.length}`);
    const [employeeId, date, metricName, value] = f;
    if (!isValidDate(date))
      throw new GoldenCaseError(file, line, `date: expected YYYY-MM-DD, found ${JSON.stringify(date)}`);
    const metric = parseMetric(metricName);
    if (metric === null)
      throw new GoldenCaseError(file, line, `unknown metric ${JSON.stringify(metricName)}`);
    // golden.md: a test's plan-level figures name employee `*`; every other row a census person.
    const planLevel = metric.kind === 'ndt' && PLAN_FIGURES.has(metric.figure);
    if (planLevel !== (employeeId === '*'))
      throw new GoldenCaseError(
        file,
        line,
        planLevel
          ? `${metricName} is a plan-level figure: employee_id must be *, found ${employeeId}`
          : `${metricName} needs an employee of census.csv, found *`,
      );
    if (!planLevel && !people.has(employeeId))
      throw new GoldenCaseError(file, line, `employee ${employeeId} is not in census.csv`);
    const expected = parseDecimal(value);
    if (expected === undefined)
      throw new GoldenCaseError(file, line, `expected: not a decimal number: ${JSON.stringify(value)}`);
    rows.push({ line, employeeId, date, metricName, metric, expected });
  }
  return rows;
}
