/** `planledger ndt` end to end: real stores built from golden cases, real processes. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { runCli } from '../support/cli.js';
import { storeFromCase } from './fixture.js';

const tmp = mkdtempSync(join(tmpdir(), 'ndt-cli-'));
const db = join(tmp, 'store.duckdb');

beforeAll(async () => {
  await storeFromCase('ndt-adp-levelling-catch-up', db, 'levelling');
  await storeFromCase('ndt-prior-year-method', db, 'prior');
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function query(sql: string): Promise<unknown[][]> {
  const store = await openStore({ path: db, readOnly: true });
  try {
    return (await store.connection.runAndReadAll(sql)).getRowsJS();
  } finally {
    store.close();
  }
}

describe('planledger ndt', () => {
  it('prints both tests in the documented JSON shape, stores them, and exits 1 on a failed test', async () => {
    const r = runCli(['ndt', '--db', db, '--scenario', 'levelling', '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/1 test\(s\) failed: 2025 ADP/);
    const j = JSON.parse(r.stdout);
    expect(j.scenario_id).toBe('levelling');
    expect(j.tests.map((t: { test: string; result: string }) => `${t.test} ${t.result}`)).toEqual([
      'adp fail',
      'acp pass',
    ]);
    const adp = j.tests[0];
    expect(adp).toMatchObject({
      year: 2025,
      method: 'current_year',
      hce_count: 4,
      nhce_count: 5,
      hce_average: '0.0713',
      nhce_average: '0.0280',
      limit: '0.0480',
      excess: '18815.96',
    });
    expect(adp.shares).toEqual([
      { employee_id: 'H1', share: '6198.67', catch_up: '0', distribution: '6198.67' },
      { employee_id: 'H2', share: '7548.66', catch_up: '7500', distribution: '48.66' },
      { employee_id: 'H3', share: '5068.63', catch_up: '0', distribution: '5068.63' },
      { employee_id: 'H4', share: '0', catch_up: '0', distribution: '0' },
    ]);
    expect(j.tests[1].shares).toEqual([]);
    const rows = await query(
      `SELECT test, result, CAST(excess AS VARCHAR), CAST(test_limit AS VARCHAR) FROM ndt_tests
       WHERE scenario_id = 'levelling' ORDER BY test`,
    );
    expect(rows).toEqual([
      ['acp', 'pass', '0.000000', '0.0000'],
      ['adp', 'fail', '18815.960000', '0.0480'],
    ]);
    // Re-running replaces the scenario's results, never duplicates them.
    expect(runCli(['ndt', '--db', db, '--scenario', 'levelling']).code).toBe(1);
    const shares = await query(
      `SELECT employee_id, CAST(catch_up AS VARCHAR) FROM ndt_shares WHERE scenario_id = 'levelling' AND share > 0 ORDER BY 1`,
    );
    expect(shares).toEqual([
      ['H1', '0.000000'],
      ['H2', '7500.000000'],
      ['H3', '0.000000'],
    ]);
  }, 120_000);

  it('--year prints one plan year: exit 0 when its tests pass; the text names the method', () => {
    const r = runCli(['ndt', '--db', db, '--scenario', 'prior', '--year', '2024']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /2024 ADP pass\s+method prior_year, HCEs 2 avg 0\.0500, NHCEs 4 avg 0\.0350, limit 0\.0550/,
    );
    expect(r.stdout).not.toMatch(/2025/);
    const y = runCli(['ndt', '--db', db, '--scenario', 'prior', '--year', '2025']);
    expect(y.code).toBe(1);
    expect(y.stdout).toMatch(/A1: share 3000, catch-up 0, distribution 3000/);
  }, 120_000);

  it('exits 2 for an unknown scenario, a year outside it, several scenarios without --scenario', () => {
    const u = runCli(['ndt', '--db', db, '--scenario', 'nope']);
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/unknown scenario nope \(scenarios: levelling, prior\)/);
    const y = runCli(['ndt', '--db', db, '--scenario', 'prior', '--year', '2030']);
    expect(y.code).toBe(2);
    expect(y.stderr).toMatch(/covers 2024–2025/);
    const s = runCli(['ndt', '--db', db]);
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/several scenarios .*pass --scenario/);
  }, 120_000);

  it("a missing store is named in the store opener's plain words, and no file is created", () => {
    const none = join(tmp, 'none.duckdb');
    const r = runCli(['ndt', '--db', none]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `planledger: no store at ${none}: run \`planledger simulate\` or \`planledger ingest\` first, or pass --db PATH`,
    );
    expect(existsSync(none)).toBe(false);
  });

  it("refuses an incomplete scenario once, in the readers' words, unless --allow-incomplete", async () => {
    const s = await openStore({ path: db });
    try {
      await s.connection.run("UPDATE scenarios SET status = 'running' WHERE scenario_id = 'levelling'");
    } finally {
      s.close();
    }
    try {
      const r = runCli(['ndt', '--db', db, '--scenario', 'levelling']);
      expect(r.code).toBe(2);
      expect(r.stderr.match(/is not complete/g)).toHaveLength(1);
      expect(r.stderr).toMatch(/scenario levelling is not complete \(status running\).*--allow-incomplete/);
      expect(runCli(['ndt', '--db', db, '--scenario', 'levelling', '--allow-incomplete']).code).toBe(1);
    } finally {
      const t = await openStore({ path: db });
      await t.connection.run("UPDATE scenarios SET status = 'complete' WHERE scenario_id = 'levelling'");
      t.close();
    }
  }, 120_000);

  it('refuses a stored plan design whose safe-harbor claim is not met, naming the field', async () => {
    const store = await openStore({ path: db });
    try {
      await store.connection.run(
        `UPDATE scenarios SET plan_design = json_merge_patch(plan_design, '{"safe_harbor":"nonelective"}')
         WHERE scenario_id = 'prior'`,
      );
    } finally {
      store.close();
    }
    const r = runCli(['ndt', '--db', db, '--scenario', 'prior']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /scenario prior plan_design: nonelective\.rate: safe_harbor "nonelective" needs/,
    );
    expect(r.stderr).not.toMatch(/internal error|at .*\.ts/);
    const s = await openStore({ path: db });
    try {
      await s.connection.run("UPDATE scenarios SET last_year = 2030 WHERE scenario_id = 'levelling'");
    } finally {
      s.close();
    }
    const y = runCli(['ndt', '--db', db, '--scenario', 'levelling']);
    expect(y.code).toBe(2);
    expect(y.stderr).toMatch(/scenario levelling plan_design: irs_limits\.2027: no IRS limits for 2027/);
  }, 120_000);
});
