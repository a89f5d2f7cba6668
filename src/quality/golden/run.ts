/**
 * The golden runner (golden.md): run the engine on a case folder, compute every expected
 * figure through the ledger, and report rows checked, matched, the largest variance and each
 * discrepancy. Engine events of a golden run carry scenario `golden`, plan design = the case's
 * name, source system `plan_engine` and the fixed created_at GOLDEN_CREATED_AT, so that the
 * output is byte-identical from run to run.
 */
import { basename } from 'node:path';
import { EngineInputError } from '../../engine/errors.js';
import { projectPerson } from '../../engine/project.js';
import type { NdtReport } from '../../ndt/run.js';
import type { SimulationEvent } from '../../schema/contract.js';
import { formatDecimal } from '../../schema/decimal.js';
import { serializeEvent } from '../../schema/index.js';
import { type GoldenCase, GoldenCaseError, loadGoldenCase } from './case.js';
import { computeMetric } from './metrics.js';
import { ndtFigure, ndtOfCase } from './ndt.js';
import { type EventValidator, loadEventValidator } from './validate.js';

export const GOLDEN_SCENARIO_ID = 'golden';
export const GOLDEN_SOURCE_SYSTEM = 'plan_engine';
/** Fixed created_at of every engine event in a golden run. */
export const GOLDEN_CREATED_AT = '2026-01-01T00:00:00Z';

export interface GoldenDiscrepancy {
  employee_id: string;
  date: string;
  metric: string;
  expected: string;
  /** null when there is no such figure (MISSING). */
  actual: string | null;
  variance: string | null;
}

export interface GoldenCaseReport {
  name: string;
  rows_checked: number;
  rows_matched: number;
  max_variance: string;
  discrepancies: GoldenDiscrepancy[];
  /** Present only when the case folder is malformed: file, line and reason. */
  error?: string;
}

export interface GoldenReport {
  all_matched: boolean;
  cases: GoldenCaseReport[];
}

export interface GoldenCaseRun {
  report: GoldenCaseReport;
  /** The engine's output for the case, in order: every participant's stream in census order. */
  events: SimulationEvent[];
  /** The events as canonical NDJSON. */
  ndjson: string;
}

/** Run the engine over a loaded case: each census person in file order with their decisions. */
export function projectCase(c: GoldenCase): Map<string, SimulationEvent[]> {
  const decisions = new Map<string, SimulationEvent[]>();
  for (const { event } of c.inputs) {
    const list = decisions.get(event.employee_id);
    if (list) list.push(event);
    else decisions.set(event.employee_id, [event]);
  }
  const byPerson = new Map<string, SimulationEvent[]>();
  for (const person of c.census) {
    byPerson.set(
      person.employeeId,
      projectPerson({
        plan: c.plan,
        years: c.years,
        person,
        decisions: decisions.get(person.employeeId) ?? [],
        scenarioId: GOLDEN_SCENARIO_ID,
        planDesignId: c.name,
        sourceSystem: GOLDEN_SOURCE_SYSTEM,
        createdAt: GOLDEN_CREATED_AT,
      }),
    );
  }
  return byPerson;
}

/** Compare every expected row of a loaded case with the engine's figures. */
export function checkCase(
  c: GoldenCase,
  byPerson: Map<string, SimulationEvent[]>,
  ndt: NdtReport | null = null,
): GoldenCaseReport {
  const census = new Map(c.census.map((p) => [p.employeeId, p]));
  let matched = 0;
  let maxVariance = 0n;
  const discrepancies: GoldenDiscrepancy[] = [];
  for (const row of c.expected) {
    const m = row.metric;
    const person = census.get(row.employeeId);
    const actual =
      m.kind === 'ndt'
        ? ndt === null
          ? null
          : ndtFigure(ndt, m.test, m.figure, row.employeeId, row.date)
        : computeMetric(m, byPerson.get(row.employeeId) ?? [], row.date, {
            hireDate: person!.hireDate,
            annualCompensation: person!.annualCompensation,
            jobLevel: person!.jobLevel,
          });
    const base = {
      employee_id: row.employeeId,
      date: row.date,
      metric: row.metricName,
      expected: formatDecimal(row.expected),
    };
    if (actual === null) {
      discrepancies.push({ ...base, actual: null, variance: null });
      continue;
    }
    const variance = actual - row.expected;
    const abs = variance < 0n ? -variance : variance;
    if (abs > maxVariance) maxVariance = abs;
    if (abs <= c.tolerance) matched++;
    else discrepancies.push({ ...base, actual: formatDecimal(actual), variance: formatDecimal(variance) });
  }
  return {
    name: c.name,
    rows_checked: c.expected.length,
    rows_matched: matched,
    max_variance: formatDecimal(maxVariance),
    discrepancies,
  };
}

function failedCase(name: string, error: string): GoldenCaseReport {
  return { name, rows_checked: 0, rows_matched: 0, max_variance: '0', discrepancies: [], error };
}

/** Run one case folder. A malformed case gives a report with `error` set and no events. */
export async function runGoldenCase(dir: string, validator?: EventValidator): Promise<GoldenCaseRun> {
  const validate = validator ?? (await loadEventValidator());
  let c: GoldenCase;
  try {
    c = await loadGoldenCase(dir, validate);
  } catch (err) {
    if (err instanceof GoldenCaseError)
      return { report: failedCase(basename(dir), err.message), events: [], ndjson: '' };
    throw err;
  }
  let byPerson: Map<string, SimulationEvent[]>;
  try {
    byPerson = projectCase(c);
  } catch (err) {
    if (err instanceof EngineInputError) {
      return { report: failedCase(c.name, `${dir}/inputs.ndjson: ${err.message}`), events: [], ndjson: '' };
    }
    throw err;
  }
  const events = [...byPerson.values()].flat();
  const ndjson = events.map((e) => serializeEvent(e) + '\n').join('');
  // adp.* / acp.* rows: both tests over the case's events, as `planledger ndt` computes them.
  const ndt = c.expected.some((r) => r.metric.kind === 'ndt')
    ? await ndtOfCase(c.plan, c.years, c.census, events, GOLDEN_SCENARIO_ID)
    : null;
  return { report: checkCase(c, byPerson, ndt), events, ndjson };
}

/** Run several case folders; `all_matched` only when every row of every case matched. */
export async function runGolden(dirs: readonly string[]): Promise<GoldenReport> {
  const validate = await loadEventValidator();
  const cases: GoldenCaseReport[] = [];
  for (const dir of dirs) cases.push((await runGoldenCase(dir, validate)).report);
  const all_matched =
    cases.length > 0 && cases.every((c) => c.error === undefined && c.rows_matched === c.rows_checked);
  return { all_matched, cases };
}

/** Human-readable report lines. */
export function formatGoldenReport(r: GoldenReport): string {
  const lines: string[] = [];
  for (const c of r.cases) {
    if (c.error !== undefined) {
      lines.push(`FAIL ${c.name}: malformed case: ${c.error}`);
      continue;
    }
    const ok = c.rows_matched === c.rows_checked;
    lines.push(
      `${ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.rows_matched}/${c.rows_checked} rows matched, max variance ${c.max_variance}`,
    );
    for (const d of c.discrepancies) {
      const actual = d.actual === null ? 'MISSING' : d.actual;
      const variance = d.variance === null ? '' : ` (variance ${d.variance})`;
      lines.push(
        `     ${d.employee_id} ${d.date} ${d.metric}: expected ${d.expected}, actual ${actual}${variance}`,
      );
    }
  }
  const rows = r.cases.reduce((n, c) => n + c.rows_checked, 0);
  const matched = r.cases.reduce((n, c) => n + c.rows_matched, 0);
  lines.push(
    `${r.all_matched ? 'all matched' : 'NOT all matched'}: ${r.cases.length} case(s), ${matched}/${rows} rows matched`,
  );
  return lines.join('\n');
}
