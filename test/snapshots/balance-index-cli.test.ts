/**
 * The balance index as a user meets it (docs/snapshots.md, "The balance index"): `simulate`
 * leaves one; `planledger balance` prints the same, as text and as JSON, with it and without it;
 * `snapshots build` keeps it when nothing is new, removes it when rows change, and writes it with
 * `--index`; a store written after the index is answered by the store.
 */
import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  INDEX_LARGE_EVENTS,
  indexMemoryLimits,
  SIMULATE_INDEX_MEMORY_LIMIT,
  simulate,
} from '../../src/simulate/simulate.js';
import { balanceFromIndex, balanceIndexDir } from '../../src/snapshots/balance-index.js';
import { participantRangesSql } from '../../src/store/ddl.js';
import { openStore } from '../../src/store/open.js';
import { cliInProcess } from '../support/cli.js';

let tmp: string;
let db: string;
let employees: string[];

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'snap-index-cli-'));
  db = join(tmp, 'store.duckdb');
  await simulate({
    employees: 80,
    years: [2023, 2024],
    seed: 5,
    db,
    scenarioId: 'S',
    workers: 1,
    log: () => {},
  });
  const store = await openStore({ path: db, readOnly: true });
  try {
    const r = await store.connection.runAndReadAll(
      'SELECT DISTINCT employee_id FROM fct_yearly_events WHERE plan_id IS NOT NULL ORDER BY 1 LIMIT 6',
    );
    employees = r.getRows().map((x) => String(x[0]));
  } finally {
    store.close();
  }
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** `balance` with the index and with the index moved away. */
async function both(args: string[]) {
  const withIndex = await cliInProcess(args);
  renameSync(balanceIndexDir(db), `${db}.off`);
  try {
    return { withIndex, withoutIndex: await cliInProcess(args) };
  } finally {
    renameSync(`${db}.off`, balanceIndexDir(db));
  }
}

describe('the balance index from the command line', () => {
  it('simulate leaves an index, and balance prints the same with it and without it', async () => {
    expect(existsSync(join(balanceIndexDir(db), 'manifest.json'))).toBe(true);
    let answered = 0;
    for (const e of employees)
      for (const d of ['2023-01-02', '2023-05-17', '2023-11-03', '2024-02-29', '2024-10-15']) {
        if (balanceFromIndex(db, { employee_id: e, as_of: d }) !== null) answered++;
        for (const json of [true, false]) {
          const args = ['balance', e, '--as-of', d, '--db', db, ...(json ? ['--json'] : [])];
          const { withIndex, withoutIndex } = await both(args);
          expect(withIndex).toEqual(withoutIndex);
          expect(withIndex.code).toBe(0);
        }
      }
    expect(answered).toBeGreaterThan(employees.length * 3);
    // Errors are the store's: an unknown employee, an unknown scenario.
    const unknown = await both(['balance', 'NOBODY', '--as-of', '2024-01-05', '--db', db]);
    expect(unknown.withIndex).toEqual(unknown.withoutIndex);
    expect(unknown.withIndex.code).toBe(1);
    const other = await both([
      'balance',
      employees[0],
      '--as-of',
      '2024-01-05',
      '--scenario',
      'T',
      '--db',
      db,
    ]);
    expect(other.withIndex).toEqual(other.withoutIndex);
    expect(other.withIndex.code).toBe(2);
  });

  it('snapshots build keeps a current index, removes one that rows changed, and writes it with --index', async () => {
    const q = { employee_id: employees[0], as_of: '2024-06-14' };
    const noop = await cliInProcess(['snapshots', 'build', '--db', db, '--json']);
    expect(noop.code).toBe(0);
    expect(JSON.parse(noop.stdout).balance_index).toBeNull();
    expect(existsSync(balanceIndexDir(db))).toBe(true);

    // A new event: the store file changes, so the index is no longer used.
    const store = await openStore({ path: db });
    try {
      await store.connection.run(
        `INSERT INTO fct_yearly_events_stored SELECT * REPLACE (seq + 1000000 AS seq, uuid() AS event_id, effective_date + 1 AS effective_date)
           FROM fct_yearly_events_stored WHERE employee_id = '${employees[0]}' AND event_type = 'contribution' ORDER BY seq DESC LIMIT 1`,
      );
      // As the store's writer keeps it: where each participant's events sit in the sequence.
      await store.connection.run('DELETE FROM participant_event_ranges');
      await store.connection.run(`INSERT INTO participant_event_ranges ${participantRangesSql()}`);
    } finally {
      store.close();
    }
    expect(balanceFromIndex(db, q)).toBeNull();
    const inc = await cliInProcess(['snapshots', 'build', '--db', db]);
    expect(inc.code).toBe(0);
    expect(inc.stdout).toContain('balance index removed (out of date)');
    expect(existsSync(balanceIndexDir(db))).toBe(false);

    const again = await cliInProcess(['snapshots', 'build', '--index', '--db', db, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).balance_index).toMatchObject({ scenario_id: 'S' });
    expect(balanceFromIndex(db, q)).not.toBeNull();
    const { withIndex, withoutIndex } = await both([
      'balance',
      q.employee_id,
      '--as-of',
      q.as_of,
      '--db',
      db,
      '--json',
    ]);
    expect(withIndex).toEqual(withoutIndex);
  });
});

describe("simulate's memory limits for the balance index", () => {
  it('tries 256 MB then the standalone limit for a small scenario, the standalone limit alone for a large one', () => {
    vi.stubEnv('PLANLEDGER_BUILD_MEMORY_LIMIT', undefined);
    expect(indexMemoryLimits('512MB', 3_962_460)).toEqual([SIMULATE_INDEX_MEMORY_LIMIT, '512MB']);
    expect(indexMemoryLimits('512MB', INDEX_LARGE_EVENTS - 1)).toEqual([
      SIMULATE_INDEX_MEMORY_LIMIT,
      '512MB',
    ]);
    expect(indexMemoryLimits('512MB', INDEX_LARGE_EVENTS)).toEqual(['512MB']);
    expect(indexMemoryLimits('512MB', 39_624_847)).toEqual(['512MB']);
    // A limit set by the user comes first whatever the size.
    vi.stubEnv('PLANLEDGER_BUILD_MEMORY_LIMIT', '300MB');
    expect(indexMemoryLimits('512MB', 39_624_847)).toEqual(['300MB', '512MB']);
    expect(indexMemoryLimits('512MB', 10)).toEqual(['300MB', '512MB']);
  });
});
