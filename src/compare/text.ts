/**
 * The comparison for people (aligned tables on stdout) and for machines (`--json`): per year,
 * each design's employer cost (gross, forfeitures, net), participation, average and median
 * deferral rate and contributions by source, then each design's per-person change in employer
 * money against the base design, and each design's ADP and ACP tests by year (src/ndt).
 */
import {
  employerChangeJson,
  PERCENTILES,
  type PlanYear,
  planYearJson,
  sourcesPresent,
} from '../figures/index.js';
import { formatRatioPercent } from '../ndt/index.js';
import { testSummaryJson } from '../ndt/run.js';
import { formatDecimal } from '../schema/decimal.js';
import { dollars, table } from '../simulate/summary-text.js';
import type { CompareResult } from './index.js';

function pct(v: bigint): string {
  return `${(Number(v) / 10_000).toFixed(1)}%`; // display only: the figure stays exact
}

export function compareText(r: CompareResult): string {
  const [base] = r.scenarios;
  const out: string[] = [];
  out.push(
    `compare: ${r.scenarios.length} plan designs on one workforce, ${r.years[0]}–${r.years[1]}, seed ${r.seed}, store ${r.db}`,
  );
  for (const [i, s] of r.scenarios.entries())
    out.push(`  ${i === 0 ? 'base' : `#${i}  `} scenario ${s.scenarioId}: plan ${s.planFile}`);
  const years = base.years.map((y) => y.year);
  const each = (f: (y: PlanYear) => string) => r.scenarios.map((s) => [s.scenarioId, ...s.years.map(f)]);
  const section = (title: string, rows: string[][]) => {
    out.push('', title, ...table(['scenario', ...years.map(String)], rows));
  };
  section(
    'employer contributions, gross ($)',
    each((y) => dollars(y.employerGross)),
  );
  section(
    'forfeitures ($)',
    each((y) => dollars(y.forfeitures)),
  );
  section(
    'employer cost, net ($)',
    each((y) => dollars(y.employerNet)),
  );
  section(
    `net employer cost against ${base.scenarioId} ($)`,
    r.scenarios
      .slice(1)
      .map((s) => [
        s.scenarioId,
        ...s.years.map((y, i) => dollars(y.employerNet - base.years[i].employerNet)),
      ]),
  );
  section(
    'participation (participating ÷ eligible on 31 December)',
    each((y) => pct(y.participation)),
  );
  section(
    'average deferral rate (pre-tax + Roth, participants)',
    each((y) => pct(y.avgDeferral)),
  );
  section(
    'median deferral rate',
    each((y) => pct(y.medianDeferral)),
  );
  for (const s of r.scenarios) {
    const rows = sourcesPresent(s.years).map((src) => [
      src,
      ...s.years.map((y) => dollars(y.bySource[src] ?? 0n)),
    ]);
    out.push(
      '',
      `contributions by source, ${s.scenarioId} ($)`,
      ...table(['source', ...years.map(String)], rows),
    );
  }
  for (const s of r.scenarios.slice(1)) {
    out.push(
      '',
      `employer money per person, ${s.scenarioId} against ${base.scenarioId} ($; contributions less forfeitures)`,
      ...table(
        ['year', 'people', 'gain', 'lose', 'unchanged', ...PERCENTILES.map((p) => `p${p * 100}`)],
        (s.changes ?? []).map((c) => [
          String(c.year),
          String(c.people),
          String(c.gain),
          String(c.lose),
          String(c.unchanged),
          ...c.percentiles.map(dollars),
        ]),
      ),
    );
  }
  out.push(...ndtText(r));
  out.push('', `time: ${r.seconds.toFixed(1)} s`);
  return `${out.join('\n')}\n`;
}

/**
 * Per test, one row per plan year with each design's result, HCE and NHCE averages, limit and
 * excess side by side (docs/compare.md, "Nondiscrimination tests").
 */
function ndtText(r: CompareResult): string[] {
  const out: string[] = [];
  for (const test of ['adp', 'acp'] as const) {
    const head = [
      'year',
      ...r.scenarios.flatMap((s) => [s.scenarioId, 'HCE avg', 'NHCE avg', 'limit', 'excess']),
    ];
    const rows = r.scenarios[0].ndt.tests
      .filter((t) => t.test === test)
      .map((t) => [
        String(t.year),
        ...r.scenarios.flatMap((s) => {
          const x = s.ndt.tests.find((u) => u.year === t.year && u.test === test);
          return x === undefined
            ? ['–', '–', '–', '–', '–']
            : [
                x.result,
                formatRatioPercent(x.hceAverage),
                formatRatioPercent(x.nhceAverage),
                formatRatioPercent(x.limit),
                dollars(x.excess),
              ];
        }),
      ]);
    out.push(
      '',
      `${test.toUpperCase()} test by design (result, averages and limit in % of pay, excess in $)`,
      ...table(head, rows),
    );
  }
  return out;
}

export function compareJson(r: CompareResult) {
  return {
    db: r.db,
    years: r.years,
    seed: r.seed,
    base: r.scenarios[0].scenarioId,
    seconds: Number(r.seconds.toFixed(3)),
    scenarios: r.scenarios.map((s, i) => ({
      scenario_id: s.scenarioId,
      plan_design_id: s.planDesignId,
      plan_file: s.planFile,
      events: s.run.events,
      years: s.years.map(planYearJson),
      net_employer_cost_change:
        i === 0
          ? null
          : s.years.map((y, k) => ({
              year: y.year,
              change: formatDecimal(y.employerNet - r.scenarios[0].years[k].employerNet),
            })),
      employer_money_per_person: s.changes?.map(employerChangeJson) ?? null,
      ndt_tests: s.ndt.tests.map(testSummaryJson),
    })),
  };
}
