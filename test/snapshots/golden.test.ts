/**
 * Every golden balance row (balance.*, vested_balance, vested_percentage) through the store: the
 * engine's events of every case ingested (each case as its own scenario), snapshots built, then
 * both balance paths and the plan-wide query give the expected figure, and verify finds nothing.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFiles } from '../../src/ingest/ingest.js';
import { type GoldenCase, loadGoldenCase } from '../../src/quality/golden/case.js';
import { projectCase } from '../../src/quality/golden/run.js';
import { loadEventValidator } from '../../src/quality/golden/validate.js';
import { formatDecimal } from '../../src/schema/decimal.js';
import { buildSnapshots } from '../../src/snapshots/build.js';
import { planWideQuery } from '../../src/snapshots/plan-wide.js';
import { type BalanceResult, balanceFromEvents, balanceFromSnapshots } from '../../src/snapshots/query.js';
import { verifySnapshots } from '../../src/snapshots/verify.js';
import { openStore, type Store } from '../../src/store/open.js';

const ROOT = resolve(import.meta.dirname, '../..');
const caseDirs = [resolve(ROOT, '../shared/golden'), resolve(ROOT, 'golden')]
  .filter((d) => existsSync(d))
  .flatMap((d) =>
    readdirSync(d, { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(join(d, e.name, 'case.json')))
      .map((e) => join(d, e.name)),
  );

const BALANCE_METRIC = /^(balance\.[a-z_]+|vested_balance|vested_percentage)$/;
const scenarioOf = (c: GoldenCase) => `golden-${c.name}`;

function pick(r: BalanceResult, metric: string): string {
  if (metric === 'vested_balance') return r.vested_balance;
  if (metric === 'vested_percentage') return r.vested_percentage;
  return r.balances[metric.slice('balance.'.length) as keyof BalanceResult['balances']];
}

describe('golden balance rows via snapshots and via replay', () => {
  let tmp: string;
  let store: Store;
  const cases = new Map<string, GoldenCase>();

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'snap-golden-'));
    store = await openStore({ path: join(tmp, 'store.duckdb') });
    const validate = await loadEventValidator();
    const files: string[] = [];
    let total = 0;
    for (const dir of caseDirs) {
      const c = await loadGoldenCase(dir, validate);
      cases.set(dir, c);
      const events = [...projectCase(c).values()].flat().map((e) => ({ ...e, scenario_id: scenarioOf(c) }));
      total += events.length;
      const file = join(tmp, `${c.name}.ndjson`);
      writeFileSync(file, events.map((e) => JSON.stringify(e) + '\n').join(''));
      files.push(file);
    }
    const counts = await ingestFiles(store, files);
    expect(counts.accepted).toBe(total);
    const built = await buildSnapshots(store.connection);
    expect(built.scenarios.every((s) => s.status === 'built')).toBe(true);
  });

  afterAll(() => {
    store?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('finds golden cases', () => {
    expect(caseDirs.length).toBeGreaterThan(0);
  });

  for (const dir of caseDirs) {
    it(dir.split('/').slice(-2).join('/'), async () => {
      const c = cases.get(dir)!;
      const scenario = scenarioOf(c);
      for (const row of c.expected.filter((r) => BALANCE_METRIC.test(r.metricName))) {
        const p = { scenario_id: scenario, employee_id: row.employeeId, plan_id: c.plan.planId };
        const expected = formatDecimal(row.expected);
        const label = `${c.name} ${row.employeeId} ${row.date} ${row.metricName}`;
        expect(pick(await balanceFromEvents(store.connection, p, row.date), row.metricName), label).toBe(
          expected,
        );
        const viaSnapshot = await balanceFromSnapshots(store.connection, p, row.date);
        expect(pick(viaSnapshot, row.metricName), `${label} (snapshot)`).toBe(expected);
        const q = await planWideQuery(store.connection, scenario, row.date);
        expect(q.path).toBe('snapshot');
        const planWide = (await store.connection.runAndReadAll(q.sql, q.params))
          .getRowObjectsJson()
          .find((r) => r.employee_id === row.employeeId);
        const column = row.metricName.replace('balance.', '');
        const figure = planWide === undefined ? '0' : String(planWide[column]);
        expect(
          formatDecimal(BigInt(figure.replace('.', '')) * (column === 'vested_percentage' ? 100n : 1n)),
          `${label} (plan-wide)`,
        ).toBe(expected);
      }
      const v = await verifySnapshots(store.connection, { scenario, all: true });
      expect(v.mismatches).toEqual([]);
    });
  }
});
