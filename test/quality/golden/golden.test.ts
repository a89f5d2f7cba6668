import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recordGoldenRun } from '../../../src/quality/golden/record.js';
import { runGolden, runGoldenCase } from '../../../src/quality/golden/run.js';
import { CLI_BIN } from '../../support/cli.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const sharedDir = resolve(repoRoot, '../shared/golden');
const ownDir = resolve(repoRoot, 'golden');

function caseDirs(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(root, e.name, 'case.json')))
    .map((e) => join(root, e.name))
    .sort();
}

const tmp = mkdtempSync(join(tmpdir(), 'planledger-golden-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A copy of a case folder that a test may alter. */
function copyCase(from: string, name: string): string {
  const to = join(tmp, name);
  cpSync(from, to, { recursive: true });
  return to;
}

/** Change one expected figure of the weekly case: W001's Roth on 2025-11-07, 100 → 100.01. */
function alterRoth(dir: string): void {
  const file = join(dir, 'expected.csv');
  const row = 'W001,2025-11-07,contribution.employee_roth,100';
  writeFileSync(file, readFileSync(file, 'utf8').replace(row, `${row}.01`));
}

describe('shared golden cases (../shared/golden)', () => {
  const dirs = caseDirs(sharedDir);
  it.skipIf(dirs.length === 0)('finds the shared cases', () => {
    expect(dirs.length).toBeGreaterThanOrEqual(3);
  });
  for (const dir of dirs) {
    it(`matches every row: ${dir.split('/').pop()}`, async () => {
      const { report } = await runGoldenCase(dir);
      expect(report.error).toBeUndefined();
      expect(report.discrepancies).toEqual([]);
      expect(report.rows_matched).toBe(report.rows_checked);
      expect(report.rows_checked).toBeGreaterThan(0);
      expect(report.max_variance).toBe('0');
    });
  }
});

describe("the project's own golden cases (golden/)", () => {
  const dirs = caseDirs(ownDir);
  it('has at least five cases, each saying where its numbers come from', () => {
    expect(dirs.length).toBeGreaterThanOrEqual(5);
    for (const dir of dirs) {
      const c = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8'));
      expect(c.source).toMatch(/hand-computed|published/);
      expect(existsSync(join(dir, 'NOTES.md'))).toBe(true);
    }
  });
  for (const dir of dirs) {
    it(`matches every row: ${dir.split('/').pop()}`, async () => {
      const { report } = await runGoldenCase(dir);
      expect(report.error).toBeUndefined();
      expect(report.discrepancies).toEqual([]);
      expect(report.rows_matched).toBe(report.rows_checked);
    });
  }
});

describe('golden runner', () => {
  const base = join(ownDir, 'weekly-roth-pretax-402g');

  it('gives byte-identical events when a case runs twice', async () => {
    for (const dir of [...caseDirs(sharedDir), ...caseDirs(ownDir)]) {
      const a = await runGoldenCase(dir);
      const b = await runGoldenCase(dir);
      expect(a.ndjson.length).toBeGreaterThan(0);
      expect(a.ndjson).toBe(b.ndjson);
    }
  });

  it('writes engine events with the golden envelope and a fixed created_at', async () => {
    const { events } = await runGoldenCase(base);
    const engine = events.filter((e) => e.source_system === 'plan_engine');
    expect(engine.length).toBeGreaterThan(0);
    for (const e of engine) {
      expect(e.scenario_id).toBe('golden');
      expect(e.plan_design_id).toBe('weekly-roth-pretax-402g');
      expect(e.created_at).toBe('2026-01-01T00:00:00Z');
    }
    // decision events keep their own envelope
    expect(events.some((e) => e.source_system === 'golden_inputs')).toBe(true);
  });

  it('fails a deliberately altered figure and names the row', async () => {
    const dir = copyCase(base, 'altered');
    alterRoth(dir);
    const r = await runGolden([dir]);
    expect(r.all_matched).toBe(false);
    const c = r.cases[0];
    expect(c.rows_matched).toBe(c.rows_checked - 1);
    expect(c.max_variance).toBe('0.01');
    expect(c.discrepancies).toEqual([
      {
        employee_id: 'W001',
        date: '2025-11-07',
        metric: 'contribution.employee_roth',
        expected: '100.01',
        actual: '100',
        variance: '-0.01',
      },
    ]);
  });

  it('accepts a variance within the tolerance', async () => {
    const dir = copyCase(base, 'tolerant');
    alterRoth(dir);
    const cj = join(dir, 'case.json');
    writeFileSync(cj, readFileSync(cj, 'utf8').replace('"tolerance": "0"', '"tolerance": "0.01"'));
    const r = await runGolden([dir]);
    expect(r.all_matched).toBe(true);
    expect(r.cases[0].max_variance).toBe('0.01');
  });

  it('reports a lookup with no event as MISSING (actual null), not zero', async () => {
    const dir = copyCase(base, 'missing');
    writeFileSync(
      join(dir, 'expected.csv'),
      'employee_id,date,metric,expected\nW001,2025-11-14,ytd.employee_roth,10000\nW002,2025-07-03,hce,0\n',
    );
    const r = await runGolden([dir]);
    expect(r.cases[0].discrepancies.map((d) => [d.metric, d.actual, d.variance])).toEqual([
      ['ytd.employee_roth', null, null],
      ['hce', null, null],
    ]);
  });

  const malformed: [string, (dir: string) => void, RegExp][] = [
    ['a missing expected.csv', (d) => rmSync(join(d, 'expected.csv')), /expected\.csv: missing file/],
    [
      'a bad CSV header',
      (d) => writeFileSync(join(d, 'expected.csv'), 'employee,date,metric,expected\n'),
      /expected\.csv:1: bad header/,
    ],
    [
      'an unknown metric',
      (d) =>
        writeFileSync(
          join(d, 'expected.csv'),
          'employee_id,date,metric,expected\nW001,2025-01-03,balance.rollover,1\n',
        ),
      /expected\.csv:2: unknown metric "balance\.rollover"/,
    ],
    [
      'an input event that fails validation',
      (d) => {
        const f = join(d, 'inputs.ndjson');
        writeFileSync(f, readFileSync(f, 'utf8').replace('"0.12"', '0.12'));
      },
      /inputs\.ndjson:1: invalid event/,
    ],
    [
      'a bad census line',
      (d) => {
        const f = join(d, 'census.csv');
        writeFileSync(f, readFileSync(f, 'utf8').replace('1990-09-09', '1990-02-30'));
      },
      /census\.csv:3: birth_date/,
    ],
    [
      'an unknown plan field',
      (d) => {
        const f = join(d, 'case.json');
        writeFileSync(f, readFileSync(f, 'utf8').replace('"true_up": false', '"true_up": false, "cap": "1"'));
      },
      /case\.json:\d+: plan\.match\.cap: unknown field/,
    ],
    [
      'a year without IRS limits',
      (d) => {
        const f = join(d, 'case.json');
        writeFileSync(
          f,
          readFileSync(f, 'utf8').replace(/"years": \[\s*2025,\s*2025\s*\]/, '"years": [2025, 2027]'),
        );
      },
      /plan\.irs_limits\.2027: no IRS limits for 2027/,
    ],
  ];
  for (const [what, breakIt, message] of malformed) {
    it(`reports ${what} naming the file and line, and fails the run`, async () => {
      const dir = copyCase(base, what.replace(/\W+/g, '-'));
      breakIt(dir);
      const r = await runGolden([dir, base]);
      expect(r.all_matched).toBe(false);
      expect(r.cases[0].error).toMatch(message);
      expect(r.cases[1].error).toBeUndefined();
    });
  }

  it('records results in golden_runs', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const report = await runGolden(caseDirs(ownDir));
    const runId = await recordGoldenRun(conn, report, new Date('2026-02-01T10:00:00Z'));
    const rows = (
      await conn.runAndReadAll(
        'SELECT run_id, CAST(run_at AS VARCHAR) AS run_at, case_name, rows_checked, rows_matched, CAST(max_variance AS VARCHAR) AS mv, all_matched, CAST(discrepancies AS VARCHAR) AS d FROM golden_runs ORDER BY case_name',
      )
    ).getRowObjectsJson();
    expect(rows.length).toBe(report.cases.length);
    expect(rows[0]).toMatchObject({
      run_id: runId,
      run_at: '2026-02-01 10:00:00',
      all_matched: true,
      d: '[]',
    });
    expect(rows.every((r) => r.rows_checked === r.rows_matched)).toBe(true);
    conn.closeSync();
    db.closeSync();
  });
});

describe('planledger golden (CLI)', () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [CLI_BIN, 'golden', ...args], {
      cwd: repoRoot,
      encoding: 'utf8',
    });

  it('exits 0 with --json in the documented shape when every case matches, and records with --db', async () => {
    const db = join(tmp, 'golden.duckdb');
    const r = run(...caseDirs(ownDir), '--json', '--db', db);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j)).toEqual(['all_matched', 'cases']);
    expect(j.all_matched).toBe(true);
    expect(Object.keys(j.cases[0])).toEqual([
      'name',
      'rows_checked',
      'rows_matched',
      'max_variance',
      'discrepancies',
    ]);
    expect(r.stderr).toMatch(/recorded golden run [0-9a-f-]{36}/);
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const inst = await DuckDBInstance.create(db);
    const conn = await inst.connect();
    const rows = (
      await conn.runAndReadAll('SELECT count(*)::INTEGER AS n, bool_and(all_matched) AS ok FROM golden_runs')
    ).getRowObjectsJson();
    expect(rows[0]).toEqual({ n: j.cases.length, ok: true });
    conn.closeSync();
    inst.closeSync();
  });

  it('exits 1 on a discrepancy and names the row; 2 for an unreadable path', () => {
    const dir = copyCase(join(ownDir, 'catch-up-60-63'), 'cli-altered');
    const f = join(dir, 'expected.csv');
    writeFileSync(
      f,
      readFileSync(f, 'utf8').replace(
        'C002,2025-08-31,contribution.employee_catch_up,3000',
        'C002,2025-08-31,contribution.employee_catch_up,3100',
      ),
    );
    const r = run(dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      'C002 2025-08-31 contribution.employee_catch_up: expected 3100, actual 3000 (variance -100)',
    );
    const missing = run(join(tmp, 'no-such-folder'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('cannot read');
  });

  it('runs a folder of case folders', () => {
    const r = run(ownDir);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/all matched: \d+ case\(s\)/);
  });
});

describe('formatGoldenReport', () => {
  it('prints matched cases, discrepancies (MISSING for no figure) and malformed cases', async () => {
    const { formatGoldenReport } = await import('../../../src/quality/golden/run.js');
    const text = formatGoldenReport({
      all_matched: false,
      cases: [
        { name: 'a', rows_checked: 2, rows_matched: 2, max_variance: '0', discrepancies: [] },
        {
          name: 'b',
          rows_checked: 2,
          rows_matched: 0,
          max_variance: '1.5',
          discrepancies: [
            {
              employee_id: 'E1',
              date: '2025-01-31',
              metric: 'hce',
              expected: '1',
              actual: null,
              variance: null,
            },
            {
              employee_id: 'E2',
              date: '2025-02-28',
              metric: 'vested_balance',
              expected: '10',
              actual: '11.5',
              variance: '1.5',
            },
          ],
        },
        {
          name: 'c',
          rows_checked: 0,
          rows_matched: 0,
          max_variance: '0',
          discrepancies: [],
          error: 'c/case.json: missing file',
        },
      ],
    });
    expect(text.split('\n')).toEqual([
      'ok   a: 2/2 rows matched, max variance 0',
      'FAIL b: 0/2 rows matched, max variance 1.5',
      '     E1 2025-01-31 hce: expected 1, actual MISSING',
      '     E2 2025-02-28 vested_balance: expected 10, actual 11.5 (variance 1.5)',
      'FAIL c: malformed case: c/case.json: missing file',
      'NOT all matched: 3 case(s), 2/4 rows matched',
    ]);
  });
});
