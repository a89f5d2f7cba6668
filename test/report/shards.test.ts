/**
 * Past one machine, end to end with real processes: one simulation, and the same simulation as
 * two shards (`--shard 1/2`, `--shard 2/2`) each in its own process and store; every store is
 * exported by its own `planledger export` process. Then
 * - the lake of the single run answers history and balances exactly as its DuckDB file;
 * - the lake holding both shards answers exactly as the single run (events, participants,
 *   history, balances by snapshot and by replay, plan-wide balances).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planWideQuery } from '../../src/snapshots/plan-wide.js';
import { balanceFromEvents, balanceFromSnapshots } from '../../src/snapshots/query.js';
import { history } from '../../src/store/history.js';
import { openQueryStore, type QueryStore } from '../../src/store/lake.js';
import { CLI_BIN } from '../support/cli.js';

const run = promisify(execFile);
const CLI = CLI_BIN;
const SIM = [
  'simulate',
  '--employees',
  '120',
  '--years',
  '2024-2025',
  '--seed',
  '7',
  '--created-at',
  '2025-01-01T00:00:00Z',
  '--scenario',
  'shards',
  '--workers',
  '1',
];

let dir: string;

async function planledger(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [CLI, ...args], { maxBuffer: 64 << 20 });
  return stdout;
}

async function all(conn: DuckDBConnection, sql: string, params: Record<string, string> = {}) {
  return (await conn.runAndReadAll(sql, params)).getRowObjectsJson();
}

/** Events as the contract sees them: everything but the store-local ingest sequence. */
const EVENTS = `SELECT * EXCLUDE (seq) FROM fct_yearly_events ORDER BY event_id`;

async function sample(conn: DuckDBConnection): Promise<{ employees: string[]; plans: [string, string][] }> {
  const employees = (
    await all(conn, `SELECT DISTINCT employee_id FROM fct_yearly_events ORDER BY employee_id`)
  ).map((r) => String(r.employee_id));
  const plans = (
    await all(
      conn,
      `SELECT DISTINCT employee_id, plan_id FROM fct_yearly_events WHERE plan_id IS NOT NULL ORDER BY ALL`,
    )
  ).map((r) => [String(r.employee_id), String(r.plan_id)] as [string, string]);
  return { employees, plans };
}

/** Everything the query commands answer, for a comparison between two stores. */
async function answers(store: QueryStore) {
  const conn = store.connection;
  const { employees, plans } = await sample(conn);
  const histories = [];
  for (const e of employees.filter((_, i) => i % 7 === 0)) {
    // `seqs` are the store's own ingest numbers: each shard's store numbers its events itself.
    const { seqs: _, ...h } = await history(conn, e, {});
    histories.push(h);
  }
  const balances = [];
  for (const [employee_id, plan_id] of plans.filter((_, i) => i % 9 === 0)) {
    const p = { scenario_id: 'shards', employee_id, plan_id };
    for (const asOf of ['2024-06-30', '2025-03-14', '2025-12-31']) {
      const snap = await balanceFromSnapshots(conn, p, asOf);
      const replay = await balanceFromEvents(conn, p, asOf);
      balances.push({ ...snap, path: undefined, snapshot_date: undefined }, { ...replay, path: undefined });
    }
  }
  const wide = await planWideQuery(conn, 'shards', '2025-09-30');
  const planWide = await all(conn, `SELECT * FROM (${wide.sql}) ORDER BY ALL`, wide.params);
  return { employees, histories, balances, planWide };
}

async function compare(a: QueryStore, b: QueryStore): Promise<void> {
  expect(await all(b.connection, EVENTS)).toEqual(await all(a.connection, EVENTS));
  const dim = 'SELECT * FROM dim_participants ORDER BY ALL';
  expect(await all(b.connection, dim)).toEqual(await all(a.connection, dim));
  const x = await answers(a);
  const y = await answers(b);
  expect(x.histories.length).toBeGreaterThan(5);
  expect(x.balances.length).toBeGreaterThan(5);
  expect(x.planWide.length).toBeGreaterThan(5);
  expect(y).toEqual(x);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'planledger-shards-'));
  const db = (name: string) => join(dir, `${name}.duckdb`);
  // Three simulations as separate processes (the shards could run on separate machines).
  await Promise.all([
    planledger(...SIM, '--db', db('single')),
    planledger(...SIM, '--shard', '1/2', '--db', db('shard1')),
    planledger(...SIM, '--shard', '2/2', '--db', db('shard2')),
  ]);
  await Promise.all([
    planledger('export', '--db', db('single'), '--to', join(dir, 'lake-single')),
    planledger(
      'export',
      '--db',
      db('shard1'),
      '--to',
      join(dir, 'lake'),
      '--scenario',
      'shards',
      '--allow-incomplete',
    ),
    planledger(
      'export',
      '--db',
      db('shard2'),
      '--to',
      join(dir, 'lake'),
      '--scenario',
      'shards',
      '--allow-incomplete',
    ),
  ]);
}, 900_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sharded simulation through the Parquet lake', { timeout: 300_000 }, () => {
  it('export → lake answers history and balances exactly as the DuckDB file', async () => {
    const file = await openQueryStore({ db: join(dir, 'single.duckdb') });
    const lake = await openQueryStore({ lake: join(dir, 'lake-single') });
    try {
      await compare(file, lake);
    } finally {
      file.close();
      lake.close();
    }
  });

  it('the union of two shards exported by two processes equals the single run', async () => {
    const file = await openQueryStore({ db: join(dir, 'single.duckdb') });
    const lake = await openQueryStore({ lake: join(dir, 'lake') });
    try {
      const [shards] = await all(lake.connection, 'SELECT count(*) AS n FROM scenarios');
      expect(shards.n).toBe('1');
      await compare(file, lake);
    } finally {
      file.close();
      lake.close();
    }
  });

  it('the report reads the lake', async () => {
    const { writeReport } = await import('../../src/report/index.js');
    const lake = await openQueryStore({ lake: join(dir, 'lake') });
    try {
      // Each shard's store holds a partial scenario (docs/report.md): the lake of them is read as such.
      const result = await writeReport(lake, {
        out: join(dir, 'lake.html'),
        benchRuns: [],
        allowIncomplete: true,
      });
      expect(result.scenario).toBe('shards');
      expect(result.sections.find((s) => s.id === 'summary')?.state).toBe('data');
      expect(result.sections.find((s) => s.id === 'balances')?.state).toBe('data');
    } finally {
      lake.close();
    }
  });
});
