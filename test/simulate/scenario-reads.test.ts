/**
 * Reading a scenario (docs/store.md, "Reading a scenario"): a header-only census never replaces a
 * scenario; readers refuse a scenario that is not complete (exit 2, naming its status) unless
 * --allow-incomplete; the same mistake gets the same answer everywhere (unknown scenario or plan:
 * exit 2; unknown employee: exit 1; an empty date range: exit 2).
 */
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { cli, type Fingerprint, fingerprint } from './runs-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'planledger-reads-'));
const db = join(dir, 'base.duckdb');
const SIM = ['simulate', '--years', '2025', '--scenario', 'S', '--db', db];
SIM.push('--created-at', '2026-01-15T09:00:00Z', '--workers', '1');
let before: Fingerprint;

/** One statement on the store, in this process. */
async function sql(path: string, text: string): Promise<unknown[][]> {
  const store = await openStore({ path });
  try {
    return (await store.connection.runAndReadAll(text)).getRows();
  } finally {
    store.close();
  }
}
let employee: string;

beforeAll(async () => {
  const r = cli([...SIM, '--employees', '40']);
  expect(r.code, r.stderr).toBe(0);
  before = await fingerprint(db, 'S');
  const rows = await sql(
    db,
    "SELECT employee_id FROM fct_yearly_events WHERE event_type = 'contribution' LIMIT 1",
  );
  employee = String(rows[0][0]);
}, 300_000);

describe('a header-only census', () => {
  it('is refused with exit 2 and leaves the scenario as it was', async () => {
    const census = join(dir, 'header.csv');
    writeFileSync(census, 'employee_id,birth_date,hire_date,annual_compensation,job_level,department\n');
    const r = cli([...SIM, '--census', census]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${census}:1: census: the census has no employee rows`);
    expect(await fingerprint(db, 'S')).toEqual(before);
  });
});

describe('a scenario that is not complete', () => {
  const inc = join(dir, 'incomplete.duckdb');
  beforeAll(async () => {
    copyFileSync(db, inc);
    await sql(inc, "UPDATE scenarios SET status = 'running' WHERE scenario_id = 'S'");
  });

  const readers = (): [string, string[]][] => [
    ['history', ['history', employee, '--scenario', 'S']],
    ['history (scenario implied)', ['history', employee]],
    ['balance', ['balance', employee, '--as-of', '2025-12-31', '--scenario', 'S']],
    ['balances', ['balances', '--as-of', '2025-12-31', '--scenario', 'S']],
    ['report', ['report', '--scenario', 'S', '--out', join(dir, 'r.html')]],
    ['export', ['export', '--to', join(dir, 'lake')]],
    ['drift record', ['drift', 'record', '--out', join(dir, 'baseline.json')]],
    ['dq', ['dq', '--no-record']],
  ];

  it('every reader refuses it with exit 2, naming its status', () => {
    for (const [name, args] of readers()) {
      const r = cli([...args, '--db', inc]);
      expect([name, r.code]).toEqual([name, 2]);
      expect(r.stderr, name).toContain('scenario S is not complete (status running)');
      expect(r.stderr, name).toContain('--allow-incomplete');
      expect(r.stderr, name).not.toContain('internal error');
    }
  });

  it('--allow-incomplete reads it anyway', () => {
    const h = cli(['history', employee, '--scenario', 'S', '--allow-incomplete', '--db', inc]);
    expect(h.code, h.stderr).toBe(0);
    const b = cli(['balance', employee, '--as-of', '2025-12-31', '--allow-incomplete', '--db', inc]);
    expect(b.code, b.stderr).toBe(0);
  });
});

describe('the same mistake, the same answer', () => {
  it('an unknown scenario is exit 2 everywhere', () => {
    const cases: string[][] = [
      ['scenario', 'delete', 'nosuch'],
      ['history', employee, '--scenario', 'nosuch'],
      ['dq', '--scenario', 'nosuch', '--no-record'],
      ['report', '--scenario', 'nosuch', '--out', join(dir, 'n.html')],
      ['balance', employee, '--as-of', '2025-12-31', '--scenario', 'nosuch'],
      ['balances', '--as-of', '2025-12-31', '--scenario', 'nosuch'],
      ['snapshots', 'build', '--scenario', 'nosuch'],
      ['export', '--to', join(dir, 'lake2'), '--scenario', 'nosuch'],
      ['drift', 'record', '--scenario', 'nosuch', '--out', join(dir, 'b2.json')],
    ];
    for (const args of cases) {
      const r = cli([...args, '--db', db]);
      expect([args.slice(0, 2).join(' '), r.code]).toEqual([args.slice(0, 2).join(' '), 2]);
      expect(r.stderr, args.join(' ')).toContain('nosuch');
      expect(r.stderr, args.join(' ')).not.toContain('internal error');
    }
  });

  it('an unknown plan is exit 2; an unknown employee exit 1; --from after --to exit 2', () => {
    const plan = cli(['balance', employee, '--as-of', '2025-12-31', '--plan', 'NOPE', '--db', db]);
    expect(plan.code).toBe(2);
    expect(plan.stderr).toContain('unknown plan NOPE');
    expect(cli(['history', 'NOBODY', '--db', db]).code).toBe(1);
    const range = cli(['history', employee, '--from', '2025-06-01', '--to', '2025-01-01', '--db', db]);
    expect(range.code).toBe(2);
    expect(range.stderr).toContain('--from 2025-06-01 is after --to 2025-01-01');
    const reserved = cli(['simulate', '--scenario', 'S~pending', '--out', join(dir, 'x.ndjson')]);
    expect(reserved.code).toBe(2);
    expect(reserved.stderr).toContain('reserved');
  });
});
