/**
 * Golden drift (docs/quality.md, "Golden drift"): compare two `planledger golden --json` results
 * and report every figure that changed between them, with its variance. A golden result lists
 * only discrepancies, so a figure absent from one side had its expected value there.
 */
import { InputError } from '../../errors/index.js';
import { dec, formatDecimal } from '../../schema/decimal.js';
import type { GoldenCaseReport, GoldenDiscrepancy, GoldenReport } from '../golden/run.js';
import { parseJsonObject } from '../json-file.js';

type GoldenCase = GoldenCaseReport;

/** The output of `planledger golden --json` (src/quality/golden/run.ts). */
export type GoldenResult = GoldenReport;

export interface FigureChange {
  employee_id: string;
  date: string;
  metric: string;
  expected: string;
  /** The figure in the base result (its expected value when it matched there); null = missing. */
  base: string | null;
  current: string | null;
  /** current − base; null when either side is missing. */
  variance: string | null;
}

export interface CaseDrift {
  name: string;
  status: 'same' | 'changed' | 'added' | 'removed';
  rows_checked: { base: number | null; current: number | null };
  rows_matched: { base: number | null; current: number | null };
  max_variance: { base: string | null; current: string | null };
  error: { base: string | null; current: string | null };
  changes: FigureChange[];
}

export interface GoldenDriftReport {
  kind: 'golden';
  cases_compared: number;
  cases_changed: number;
  figures_changed: number;
  /** Names of the changed cases. */
  drifted: string[];
  cases: CaseDrift[];
}

export function parseGoldenResult(file: string, text: string): GoldenResult {
  const doc = parseJsonObject(
    file,
    text,
    'the output of `planledger golden --json`',
  ) as unknown as GoldenResult;
  if (typeof doc?.all_matched !== 'boolean' || !Array.isArray(doc.cases)) {
    throw new InputError(
      `${file}: expected the output of \`planledger golden --json\` ({"all_matched", "cases"})`,
    );
  }
  doc.cases.forEach((c, i) => {
    if (typeof c?.name !== 'string' || !Array.isArray(c.discrepancies)) {
      throw new InputError(
        `${file}: field "cases[${i}]": expected {"name", "rows_checked", "rows_matched", "max_variance", "discrepancies"}`,
      );
    }
  });
  return doc;
}

const key = (d: Pick<GoldenDiscrepancy, 'employee_id' | 'date' | 'metric'>) =>
  `${d.employee_id}\u0000${d.date}\u0000${d.metric}`;

function diff(a: string | null, b: string | null): string | null {
  return a === null || b === null ? null : formatDecimal(dec(b) - dec(a));
}

function sameFigure(a: string | null, b: string | null): boolean {
  return a === b || (a !== null && b !== null && dec(a) === dec(b));
}

function compareCase(
  base: GoldenCase | undefined,
  cur: GoldenCase | undefined,
  tolerance: bigint,
): CaseDrift {
  const name = (base ?? cur)!.name;
  const changes: FigureChange[] = [];
  if (base && cur) {
    const b = new Map(base.discrepancies.map((d) => [key(d), d]));
    const c = new Map(cur.discrepancies.map((d) => [key(d), d]));
    for (const k of [...new Set([...b.keys(), ...c.keys()])].sort()) {
      const db = b.get(k);
      const dc = c.get(k);
      const any = (dc ?? db)!;
      const baseValue = db ? db.actual : (dc?.expected ?? null);
      const curValue = dc ? dc.actual : (db?.expected ?? null);
      if (sameFigure(baseValue, curValue)) continue;
      const variance = diff(baseValue, curValue);
      if (variance !== null && tolerance > 0n) {
        const v = dec(variance);
        if ((v < 0n ? -v : v) <= tolerance) continue;
      }
      changes.push({
        employee_id: any.employee_id,
        date: any.date,
        metric: any.metric,
        expected: any.expected,
        base: baseValue,
        current: curValue,
        variance,
      });
    }
  }
  const changed =
    !base ||
    !cur ||
    changes.length > 0 ||
    base.rows_checked !== cur.rows_checked ||
    base.rows_matched !== cur.rows_matched ||
    (base.error ?? null) !== (cur.error ?? null);
  return {
    name,
    status: !base ? 'added' : !cur ? 'removed' : changed ? 'changed' : 'same',
    rows_checked: { base: base?.rows_checked ?? null, current: cur?.rows_checked ?? null },
    rows_matched: { base: base?.rows_matched ?? null, current: cur?.rows_matched ?? null },
    max_variance: { base: base?.max_variance ?? null, current: cur?.max_variance ?? null },
    error: { base: base?.error ?? null, current: cur?.error ?? null },
    changes,
  };
}

/** Every changed figure between two golden results (|variance| ≤ tolerance is not a change). */
export function compareGolden(base: GoldenResult, cur: GoldenResult, tolerance = 0n): GoldenDriftReport {
  const b = new Map(base.cases.map((c) => [c.name, c]));
  const c = new Map(cur.cases.map((x) => [x.name, x]));
  const names = [...new Set([...b.keys(), ...c.keys()])].sort();
  const cases = names.map((n) => compareCase(b.get(n), c.get(n), tolerance));
  const changed = cases.filter((x) => x.status !== 'same');
  return {
    kind: 'golden',
    cases_compared: cases.length,
    cases_changed: changed.length,
    figures_changed: cases.reduce((s, x) => s + x.changes.length, 0),
    drifted: changed.map((x) => x.name),
    cases,
  };
}
