/**
 * Shards into one store (docs/store.md, "Re-runs and shards"): `--shard i/n` adds its partitions
 * to the scenario, which is `partial` (refused by readers) until all n are in and then equals the
 * single run; a shard run twice is stored once; shards of another seed or another n are refused;
 * shards over a complete scenario leave it whole until the last one is in.
 */
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, type Fingerprint, fingerprint } from './runs-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'planledger-shards-'));
const SIM = ['simulate', '--employees', '80', '--years', '2025', '--workers', '1', '--scenario', 'S'];
const FIXED = ['--created-at', '2026-01-15T09:00:00Z'];
const run = (db: string, ...more: string[]) => cli([...SIM, '--db', db, ...FIXED, ...more]);
let single: Fingerprint;

beforeAll(async () => {
  const r = run(join(dir, 'single.duckdb'), '--seed', '3');
  expect(r.code, r.stderr).toBe(0);
  single = await fingerprint(join(dir, 'single.duckdb'), 'S');
}, 300_000);

describe('shards into one store', () => {
  const db = join(dir, 'shards.duckdb');

  it('the first shard makes a partial scenario that readers refuse', async () => {
    const r = run(db, '--seed', '3', '--shard', '1/2');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('scenario S not complete yet (partial): 1 of 2 shards in, waiting for 2');
    const f = await fingerprint(db, 'S');
    expect(f.scenarios).toEqual({ S: 'partial' });
    expect(f.events).toBeGreaterThan(0);
    expect(f.events).toBeLessThan(single.events);
    const dq = cli(['dq', '--db', db, '--no-record']);
    expect(dq.code).toBe(2);
    expect(dq.stderr).toContain('scenario S is not complete (status partial)');
  });

  it('a shard run twice is stored once; shards of another seed or n are refused', async () => {
    const once = await fingerprint(db, 'S');
    const again = run(db, '--seed', '3', '--shard', '1/2');
    expect(again.code, again.stderr).toBe(0);
    expect(await fingerprint(db, 'S')).toEqual(once);
    for (const other of [
      ['--seed', '4', '--shard', '2/2'],
      ['--seed', '3', '--shard', '2/3'],
    ]) {
      const r = run(db, ...other);
      expect(r.code, other.join(' ')).toBe(2);
      expect(r.stderr).toContain('scenario S is being built from 2 shard(s) of other options');
    }
    expect(await fingerprint(db, 'S')).toEqual(once);
  });

  it('the last shard completes it: exactly the single run', async () => {
    const r = run(db, '--seed', '3', '--shard', '2/2');
    expect(r.code, r.stderr).toBe(0);
    expect(await fingerprint(db, 'S')).toEqual(single);
    const dq = cli(['dq', '--db', db, '--no-record']);
    expect(dq.code, dq.stderr).toBe(0);
  });

  it('shards over a complete scenario leave it whole until the last one is in', async () => {
    const over = join(dir, 'over.duckdb');
    copyFileSync(db, over);
    const first = run(over, '--seed', '5', '--shard', '1/2');
    expect(first.code, first.stderr).toBe(0);
    const mid = await fingerprint(over, 'S');
    expect({ ...mid, scenarios: mid.scenarios.S }).toEqual({ ...single, scenarios: 'complete' });
    expect(mid.scenarios['S~pending-shard-1of2']).toBe('staged');
    const last = run(over, '--seed', '5', '--shard', '2/2');
    expect(last.code, last.stderr).toBe(0);
    const done = await fingerprint(over, 'S');
    expect(done.scenarios).toEqual({ S: 'complete' });
    expect(done.eventHash).not.toBe(single.eventHash);
  });
});
