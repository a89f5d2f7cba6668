/**
 * A 2025–2026 simulation of older, well-paid savers: the summary (text and JSON) and the HTML
 * report show Roth catch-up (`employee_roth_catch_up`, SECURE 2.0 §603) as its own source; in
 * 2026 every catch-up of someone whose 2025 wages exceed 150,000 is Roth; the data-quality
 * rules pass on the store.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDataQuality } from '../../src/quality/run.js';
import { buildReport } from '../../src/report/index.js';
import { type SimulateResult, simulate } from '../../src/simulate/simulate.js';
import { summaryJson, summaryText } from '../../src/simulate/summary-text.js';
import { openStore, type Store } from '../../src/store/open.js';

const dir = mkdtempSync(join(tmpdir(), 'planledger-roth-cu-'));
const db = join(dir, 'sim.duckdb');
let result: SimulateResult;
let store: Store;

beforeAll(async () => {
  // Ten savers aged 55–62 at 200,000–290,000 electing 15% pre-tax: all reach 402(g).
  const rows = Array.from({ length: 10 }, (_, i) => {
    const id = `R${String(i).padStart(3, '0')}`;
    return `${id},${1964 + (i % 8)}-03-0${1 + (i % 9)},2012-06-04,${200000 + 10000 * i},8,FIN,0.15,0`;
  });
  const census = join(dir, 'census.csv');
  writeFileSync(
    census,
    `employee_id,birth_date,hire_date,annual_compensation,job_level,department,pre_tax_rate,roth_rate\n${rows.join('\n')}\n`,
  );
  result = await simulate({
    employees: 10,
    years: [2025, 2026],
    seed: 7,
    censusFile: census,
    db,
    scenarioId: 'roth-cu',
    createdAt: '2026-01-15T00:00:00Z',
    workers: 1,
    snapshots: false,
  });
  store = await openStore({ path: db });
}, 300_000);

afterAll(() => store?.close());

describe('Roth catch-up in a 2026 simulation', () => {
  it('is its own source in the summary: Roth in 2026 for high earners', () => {
    const j = summaryJson(result) as unknown as {
      summary: { years: { year: number; contributions: Record<string, string> }[] };
    };
    const byYear = new Map(j.summary.years.map((y) => [y.year, y.contributions]));
    expect(Number(byYear.get(2025)!.employee_catch_up)).toBeGreaterThan(0);
    expect(byYear.get(2025)!.employee_roth_catch_up).toBe('0');
    expect(byYear.get(2026)!.employee_catch_up).toBe('0');
    expect(Number(byYear.get(2026)!.employee_roth_catch_up)).toBeGreaterThan(0);
    expect(summaryText(result)).toMatch(/^employee_roth_catch_up +0\.00 +[1-9][0-9,]*\.[0-9]{2}$/m);
  });

  it('is its own source in the report', async () => {
    const { html } = await buildReport(
      { connection: store.connection, path: db },
      { benchRuns: [], generatedAt: new Date('2026-01-15T00:00:00Z') },
    );
    expect(html).toContain('employee roth catch up');
  });

  it('passes every data-quality rule', async () => {
    const report = await runDataQuality(store, { record: false });
    expect(report.results.filter((r) => r.status !== 'pass')).toEqual([]);
    const checked = Object.fromEntries(report.results.map((r) => [r.rule_id, r.rows_checked]));
    expect(checked.catch_up_not_roth_for_roth_earner).toBeGreaterThan(0);
  });
});
