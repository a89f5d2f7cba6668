/**
 * `compare`: two plan designs on one workforce. The workforce decisions are the same in both
 * scenarios and equal to a fresh draw (the second design reads them back, never redraws them);
 * elections follow the match's cap; the per-person figures add up; and the figures the CLI
 * summary prints are the ones the report's function reads from the same store.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CompareResult, compare } from '../../src/compare/index.js';
import { compareText } from '../../src/compare/text.js';
import { planYears } from '../../src/figures/index.js';
import { formatRatioPercent } from '../../src/ndt/index.js';
import { loadNdtScenario, runNdt, testSummaryJson } from '../../src/ndt/run.js';
import { ONE } from '../../src/schema/decimal.js';
import { simulate } from '../../src/simulate/simulate.js';
import { employerContributions } from '../../src/simulate/stats.js';
import { openStore } from '../../src/store/open.js';
import { CLI_BIN } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'planledger-compare-'));
const PLAN = new URL('../../config/plan-default.json', import.meta.url).pathname;

/** The default plan with one matching tier: `rate` of deferrals up to `upTo`. */
function planWithMatch(file: string, rate: string, upTo: string): string {
  const plan = JSON.parse(readFileSync(PLAN, 'utf8')) as Record<string, unknown>;
  plan.match = { tiers: [{ rate, up_to: upTo }], true_up: true };
  writeFileSync(file, JSON.stringify(plan));
  return file;
}

const common = {
  employees: 300,
  years: [2023, 2025] as [number, number],
  seed: 11,
  createdAt: '2026-02-01T00:00:00Z',
  workers: 2,
  snapshots: false,
};

async function rows(db: string, sql: string, params: Record<string, string> = {}) {
  const store = await openStore({ path: db, readOnly: true });
  try {
    return (await store.connection.runAndReadAll(sql, params)).getRowObjectsJson();
  } finally {
    store.close();
  }
}

const WORKFORCE = `SELECT employee_id, event_type, CAST(effective_date AS VARCHAR) AS d,
    json(payload)::VARCHAR AS payload
  FROM fct_yearly_events WHERE scenario_id = $s AND event_type IN ('hire', 'merit', 'promotion', 'termination')
  ORDER BY ALL`;

describe('compare two plan designs', () => {
  const db = join(dir, 'cmp.duckdb');
  let result: CompareResult;
  let a: string;
  let b: string;

  beforeAll(async () => {
    a = planWithMatch(join(dir, 'half-of-6.json'), '0.5', '0.06');
    b = planWithMatch(join(dir, 'all-of-4.json'), '1', '0.04');
    result = await compare({ ...common, plans: [a, b], db });
  }, 300_000);

  it('stores one complete scenario per design with the same workforce decisions', async () => {
    expect(result.scenarios.map((s) => s.scenarioId)).toEqual(['half-of-6', 'all-of-4']);
    const status = await rows(db, 'SELECT scenario_id, status FROM scenarios ORDER BY ALL');
    expect(status).toEqual([
      { scenario_id: 'all-of-4', status: 'complete' },
      { scenario_id: 'half-of-6', status: 'complete' },
    ]);
    const wa = await rows(db, WORKFORCE, { s: 'half-of-6' });
    const wb = await rows(db, WORKFORCE, { s: 'all-of-4' });
    expect(wa.length).toBeGreaterThan(300);
    expect(wb).toEqual(wa);
  });

  it('reads the workforce back exactly as a fresh draw would make it', async () => {
    const fresh = join(dir, 'fresh.duckdb');
    await simulate({ ...common, planFile: b, scenarioId: 'all-of-4', db: fresh, out: null });
    const all = `SELECT event_id, event_type, CAST(effective_date AS VARCHAR) AS d, json(payload)::VARCHAR AS payload
      FROM fct_yearly_events WHERE scenario_id = 'all-of-4' ORDER BY event_id`;
    expect(await rows(db, all)).toEqual(await rows(fresh, all));
  }, 300_000);

  it('moves the savers who anchor at the match cap when the cap moves', async () => {
    const atRate = `SELECT json_extract_string(payload, '$.pre_tax_contribution_rate')::DECIMAL(9,6)
        + json_extract_string(payload, '$.roth_contribution_rate')::DECIMAL(9,6) AS rate, count(*) AS n
      FROM fct_yearly_events WHERE scenario_id = $s AND event_type = 'enrollment'
        AND NOT json_extract(payload, '$.auto_enrollment')::BOOLEAN GROUP BY ALL`;
    const share = async (s: string, rate: number) => {
      const r = await rows(db, atRate, { s });
      const total = r.reduce((x, y) => x + Number(y.n), 0);
      return r.filter((x) => Number(x.rate) === rate).reduce((x, y) => x + Number(y.n), 0) / total;
    };
    // More elections at 6% under the 6% cap, more at 4% under the 4% cap.
    expect(await share('half-of-6', 0.06)).toBeGreaterThan(await share('all-of-4', 0.06));
    expect(await share('all-of-4', 0.04)).toBeGreaterThan(await share('half-of-6', 0.04));
  });

  it('counts every person once in the employer-money changes, and they sum to the cost difference', () => {
    const [base, alt] = result.scenarios;
    expect(alt.changes).not.toBeNull();
    for (const [i, c] of (alt.changes ?? []).entries()) {
      expect(c.gain + c.lose + c.unchanged).toBe(c.people);
      expect(c.total).toBe(alt.years[i].employerNet - base.years[i].employerNet);
      expect(c.min <= c.percentiles[0] && c.percentiles[4] <= c.max).toBe(true);
    }
    // All of 4% is dearer than half of 6% for this population.
    expect(alt.years[0].employerGross).toBeGreaterThan(base.years[0].employerGross);
  });

  it('prints the same figures in the CLI summary as the report function reads from the store', async () => {
    for (const s of result.scenarios) {
      const store = await openStore({ path: db, readOnly: true });
      const fromStore = await planYears(store.connection, {
        scenarioId: s.scenarioId,
        first: 2023,
        last: 2025,
      });
      store.close();
      expect(s.run.figures).toEqual(fromStore);
      // The workers' running summary (used without a store) agrees figure by figure.
      s.run.stats.years.forEach((y, i) => {
        const f = fromStore[i];
        expect([y.headcount, y.eligible, y.participating, y.hce]).toEqual([
          Number(f.headcount),
          Number(f.eligible),
          Number(f.participating),
          Number(f.hce),
        ]);
        expect(employerContributions(y)).toBe(f.employerGross);
        expect(y.forfeitures).toBe(f.forfeitures);
      });
      for (const y of fromStore) {
        expect(y.participation).toBeGreaterThan(0n);
        expect(y.participation).toBeLessThanOrEqual(ONE);
        expect(y.medianDeferral).toBeGreaterThan(0n);
      }
    }
  });

  it("runs and stores each design's ADP and ACP tests, and prints them side by side per year", async () => {
    for (const s of result.scenarios) {
      expect(s.ndt.scenarioId).toBe(s.scenarioId);
      expect(s.ndt.tests.map((t) => `${t.year} ${t.test}`)).toEqual([
        '2023 adp',
        '2023 acp',
        '2024 adp',
        '2024 acp',
        '2025 adp',
        '2025 acp',
      ]);
      // Stored as `planledger ndt` stores them, and what a fresh run of the tests computes.
      const stored = await rows(
        db,
        `SELECT plan_year, test, result, CAST(hce_average AS VARCHAR) AS hce, CAST(excess * 1000000 AS BIGINT) AS excess
         FROM ndt_tests WHERE scenario_id = $s ORDER BY plan_year, test DESC`,
        { s: s.scenarioId },
      );
      expect(stored).toEqual(
        s.ndt.tests.map((t) => {
          const j = testSummaryJson(t);
          return {
            plan_year: j.year,
            test: j.test,
            result: j.result,
            hce: j.hce_average,
            excess: String(t.excess),
          };
        }),
      );
      const store = await openStore({ path: db });
      try {
        const again = await loadNdtScenario(store.connection, s.scenarioId);
        expect(await runNdt(store.connection, again.scenarioId, again.plan, again.years)).toEqual(s.ndt);
      } finally {
        store.close();
      }
    }
    const text = compareText(result);
    const [base, alt] = result.scenarios;
    for (const test of ['ADP', 'ACP']) {
      const at = text.indexOf(`${test} test by design`);
      expect(at).toBeGreaterThan(0);
      const lines = text.slice(at).split('\n');
      expect(lines[1].split(/\s+/)).toEqual([
        ...['year', base.scenarioId, 'HCE', 'avg', 'NHCE', 'avg', 'limit', 'excess'],
        ...[alt.scenarioId, 'HCE', 'avg', 'NHCE', 'avg', 'limit', 'excess'],
      ]);
      const t = (s: typeof base) => s.ndt.tests.find((x) => x.year === 2024 && x.test === test.toLowerCase());
      const cells = (s: typeof base) => {
        const x = t(s);
        return x === undefined
          ? []
          : [
              x.result,
              formatRatioPercent(x.hceAverage),
              formatRatioPercent(x.nhceAverage),
              formatRatioPercent(x.limit),
            ];
      };
      const row = lines.find((l) => l.startsWith('2024'))?.split(/\s+/) ?? [];
      expect([...row.slice(1, 5), ...row.slice(6, 10)]).toEqual([...cells(base), ...cells(alt)]);
    }
  }, 300_000);

  it('the CLI prints JSON for machines and refuses a single plan with exit 2', () => {
    const run = (args: string[]) =>
      spawnSync(process.execPath, [CLI_BIN, 'compare', ...args], { encoding: 'utf8' });
    const one = run(['--plan', a, '--db', join(dir, 'one.duckdb')]);
    expect(one.status).toBe(2);
    expect(one.stderr).toMatch(/at least two plan designs/);
    const ok = run([
      ...['--plan', a, '--plan', b, '--employees', '60', '--years', '2024-2025', '--workers', '1'],
      ...['--db', join(dir, 'cli.duckdb'), '--no-snapshots', '--json'],
    ]);
    expect(ok.stderr).not.toMatch(/internal error/);
    expect(ok.status).toBe(0);
    const json = JSON.parse(ok.stdout);
    expect(json.base).toBe('half-of-6');
    expect(json.scenarios[1].employer_money_per_person[0].percentiles).toHaveProperty('p50');
    expect(json.scenarios[0].years[0]).toHaveProperty('employer_cost_net');
    expect(json.scenarios[0].years[0]).toHaveProperty('median_deferral_rate');
    // Each design's tests per year, as `planledger ndt --json` gives them but without the shares.
    for (const s of json.scenarios) {
      expect(s.ndt_tests.map((t: { year: number; test: string }) => `${t.year} ${t.test}`)).toEqual([
        '2024 adp',
        '2024 acp',
        '2025 adp',
        '2025 acp',
      ]);
      expect(Object.keys(s.ndt_tests[0])).toEqual([
        ...['year', 'test', 'method', 'hce_count', 'nhce_count', 'hce_average', 'nhce_average'],
        ...['limit', 'result', 'excess'],
      ]);
    }
  }, 300_000);
});
