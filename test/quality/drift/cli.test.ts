/** `planledger drift record | check | golden` end to end: files, exit codes, drift_runs. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { buildCleanRows, cleanStore } from '../fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'pl-drift-'));

async function fixtureDb(name: string, matchRate: string): Promise<string> {
  const path = join(dir, `${name}.duckdb`);
  (await cleanStore(buildCleanRows({ matchRate }), path)).close();
  return path;
}

describe('planledger drift', () => {
  it('record, then check the same store (zero, exit 0) and a changed one (exit 1, named, recorded)', async () => {
    const base = await fixtureDb('base', '0.5');
    const changed = await fixtureDb('changed', '0.75');
    const baseline = join(dir, 'baseline.json');
    const rec = runCli(['drift', 'record', '--db', base, '--out', baseline]);
    expect(rec.code).toBe(0);
    expect(rec.stdout).toMatch(
      /^recorded the profile of scenario dq-fixture: \d+ metrics, \d+ distributions/,
    );
    expect(JSON.parse(readFileSync(baseline, 'utf8'))).toMatchObject({
      format: 'planledger-drift-profile',
      scenario_id: 'dq-fixture',
    });

    const same = runCli(['drift', 'check', '--db', base, '--baseline', baseline]);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain(
      'no drift: every figure and distribution is identical (exactly zero variance)',
    );

    // A store that is not there: exit 2, one line, and no empty store left behind.
    const none = join(dir, 'none.duckdb');
    const missing = runCli(['drift', 'check', '--db', none, '--baseline', baseline]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^planledger: no store at .*none\.duckdb/);
    expect(existsSync(none)).toBe(false);

    const drift = runCli(['drift', 'check', '--db', changed, '--baseline', baseline, '--json']);
    expect(drift.code).toBe(1);
    expect(drift.stderr).toMatch(
      /^planledger: drift: \d+ drifted: .*2024\.contribution\.employer_match\.sum/m,
    );
    const report = JSON.parse(drift.stdout);
    expect(report.drifted).toContain('2025.employer_cost');
    expect(report.drifted.every((n: string) => /employer_match|employer_cost/.test(n))).toBe(true);

    const inst = await DuckDBInstance.create(changed);
    const conn = await inst.connect();
    const runs = (
      await conn.runAndReadAll('SELECT kind, scenario_id, status, metrics_drifted FROM drift_runs')
    ).getRowObjectsJson();
    conn.closeSync();
    inst.closeSync();
    expect(runs).toEqual([
      { kind: 'profile', scenario_id: 'dq-fixture', status: 'drift', metrics_drifted: report.drifted.length },
    ]);
  });

  it('golden: unchanged results exit 0; a changed figure exits 1 with its variance', () => {
    const result = (actual: string | null) => ({
      all_matched: actual === null,
      cases: [
        {
          name: 'published-true-up',
          rows_checked: 12,
          rows_matched: actual === null ? 12 : 11,
          max_variance: actual === null ? '0' : '0.5',
          discrepancies:
            actual === null
              ? []
              : [
                  {
                    employee_id: 'E1',
                    date: '2025-12-31',
                    metric: 'contribution.employer_match_true_up',
                    expected: '120',
                    actual,
                    variance: '0.5',
                  },
                ],
        },
      ],
    });
    const a = join(dir, 'golden-a.json');
    const b = join(dir, 'golden-b.json');
    writeFileSync(a, JSON.stringify(result(null)));
    writeFileSync(b, JSON.stringify(result('120.5')));
    const same = runCli(['drift', 'golden', a, a]);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('no golden figure changed');
    const changed = runCli(['drift', 'golden', a, b]);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(
      /E1 +2025-12-31 +contribution\.employer_match_true_up +120 +120 +120\.5 +0\.5/,
    );
    const bad = runCli(['drift', 'golden', a, join(dir, 'missing.json')]);
    expect(bad.code).toBe(2);
  });
});
