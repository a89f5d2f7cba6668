/** golden.md's adp.* / acp.* rows: plan-level figures name employee `*`, per-HCE figures a person. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runGolden } from '../../src/quality/golden/run.js';
import { GOLDEN_DIR } from './fixture.js';

const tmp = mkdtempSync(join(tmpdir(), 'ndt-golden-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function withExpected(name: string, rows: string): string {
  const dir = join(tmp, name);
  cpSync(join(GOLDEN_DIR, 'ndt-safe-harbor-acp-after-tax'), dir, { recursive: true });
  writeFileSync(join(dir, 'expected.csv'), `employee_id,date,metric,expected\n${rows}`);
  return dir;
}

describe('golden adp/acp metrics', () => {
  const bad: [string, string, RegExp][] = [
    ['a per-HCE figure for *', '*,2025-12-31,acp.share,0\n', /expected\.csv:2: acp\.share needs an employee/],
    [
      'a plan figure for a person',
      'S1,2025-12-31,adp.limit,0\n',
      /plan-level figure: employee_id must be \*/,
    ],
    ['catch_up of the ACP test', 'S1,2025-12-31,acp.catch_up,0\n', /unknown metric "acp\.catch_up"/],
    ['a star for another metric', '*,2025-12-31,hce,0\n', /hce needs an employee of census\.csv/],
  ];
  for (const [what, rows, message] of bad)
    it(`refuses ${what}, naming the line`, async () => {
      const r = await runGolden([withExpected(what.replace(/\W+/g, '-'), rows)]);
      expect(r.cases[0].error).toMatch(message);
    });

  it('reports a wrong figure as a discrepancy, and 0 for a person with no share', async () => {
    const dir = withExpected(
      'wrong',
      '*,2025-12-31,acp.excess,9600\nT1,2025-12-31,acp.share,0\nS1,2025-12-31,adp.distribution,0\n',
    );
    const r = await runGolden([dir]);
    expect(r.cases[0].rows_matched).toBe(2);
    expect(r.cases[0].discrepancies).toEqual([
      {
        employee_id: '*',
        date: '2025-12-31',
        metric: 'acp.excess',
        expected: '9600',
        actual: '9600.04',
        variance: '0.04',
      },
    ]);
    expect(readFileSync(join(dir, 'case.json'), 'utf8')).toMatch(/"safe_harbor": "match"/);
  });
});
