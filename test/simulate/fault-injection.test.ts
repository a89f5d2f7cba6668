/**
 * `simulate` killed with SIGKILL at seeded points (PLANLEDGER_FAULT, src/store/fault.ts), over a
 * store that holds a previous complete run of the scenario: after each kill the store holds what
 * it held before the command, dq and `snapshots verify --all` pass on it, and running the same
 * command again gives exactly the uninterrupted run's rows (docs/store.md, "Re-runs and shards").
 */
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checksPass, cli, type Fingerprint, fingerprint } from './runs-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'planledger-fault-'));
const base = join(dir, 'base.duckdb');
const SIM = ['simulate', '--employees', '120', '--years', '2025', '--workers', '1', '--scenario', 'S'];
const FIXED = ['--created-at', '2026-01-15T09:00:00Z'];
/** Small transactions, so that a run commits several batches. */
const ENV = { PLANLEDGER_COMMIT_EVENTS: '2000' };

/** Every kill point: before any row, inside a batch, at batch commits, staging, snapshots, the swap. */
const POINTS = [
  'registered',
  'append:2',
  'batch:1',
  'batch:3',
  'staged',
  'scenario-commit:1', // the transaction that marks the run staged
  'snapshots-build', // inside the snapshot build's transaction
  'swap',
  'scenario-commit:2', // inside the swap's transaction, before COMMIT
];

let before: Fingerprint;
let uninterrupted: Fingerprint;

beforeAll(() => {
  const r = cli([...SIM, '--seed', '1', '--db', base, ...FIXED], ENV);
  expect(r.code, r.stderr).toBe(0);
  const ref = join(dir, 'ref.duckdb');
  copyFileSync(base, ref);
  const r2 = cli([...SIM, '--seed', '2', '--db', ref, ...FIXED], ENV);
  expect(r2.code, r2.stderr).toBe(0);
  return Promise.all([fingerprint(base, 'S'), fingerprint(ref, 'S')]).then(([a, b]) => {
    before = a;
    uninterrupted = b;
  });
}, 300_000);

describe('simulate killed at seeded points', () => {
  it('the previous and the new run differ (so that the checks below can tell them apart)', () => {
    expect(before.scenarios).toEqual({ S: 'complete' });
    expect(before.events).toBeGreaterThan(2000 * 3);
    expect(uninterrupted.eventHash).not.toBe(before.eventHash);
    expect(uninterrupted.snapshots).toBeGreaterThan(0);
  });

  for (const point of POINTS) {
    it(`killed at ${point}: the previous scenario stays whole; a re-run gives the uninterrupted rows`, async () => {
      const db = join(dir, `${point.replace(':', '-')}.duckdb`);
      copyFileSync(base, db);
      const cmd = [...SIM, '--seed', '2', '--db', db, ...FIXED];
      const killed = cli(cmd, { ...ENV, PLANLEDGER_FAULT: point });
      expect(killed.signal, killed.stderr).toBe('SIGKILL');
      const after = await fingerprint(db, 'S');
      expect({ ...after, scenarios: after.scenarios.S }).toEqual({ ...before, scenarios: 'complete' });
      // At most a clearly marked leftover: S~pending, never complete.
      for (const [id, status] of Object.entries(after.scenarios))
        if (id !== 'S') expect([id, status]).toEqual(['S~pending', expect.not.stringMatching(/complete/)]);
      expect(await checksPass(db)).toEqual({ dq: 'passed', verified: true });

      const again = cli(cmd, ENV);
      expect(again.code, again.stderr).toBe(0);
      expect(await fingerprint(db, 'S')).toEqual(uninterrupted);
    }, 300_000);
  }
});

/**
 * A first run of a scenario writes under the scenario's own id (src/store/scenario-runs.ts,
 * `writesDirectly`): killed anywhere, it leaves at most that scenario marked as not complete,
 * which every reader refuses, and the next run removes it and gives the uninterrupted rows.
 */
describe('a first run killed at seeded points', () => {
  const FIRST_POINTS = ['batch:3', 'scenario-commit:2'];
  let fresh: Fingerprint;

  beforeAll(async () => {
    const db = join(dir, 'first-ref.duckdb');
    const r = cli([...SIM, '--seed', '2', '--db', db, ...FIXED], ENV);
    expect(r.code, r.stderr).toBe(0);
    fresh = await fingerprint(db, 'S');
    expect(fresh).toEqual(uninterrupted);
  }, 300_000);

  for (const point of FIRST_POINTS) {
    it(`killed at ${point}: no complete scenario, readers refuse it; a re-run gives the uninterrupted rows`, async () => {
      const db = join(dir, `first-${point.replace(':', '-')}.duckdb`);
      const cmd = [...SIM, '--seed', '2', '--db', db, ...FIXED];
      const killed = cli(cmd, { ...ENV, PLANLEDGER_FAULT: point });
      expect(killed.signal, killed.stderr).toBe('SIGKILL');
      const after = await fingerprint(db, 'S');
      for (const status of Object.values(after.scenarios)) expect(status).not.toBe('complete');
      const read = cli(['history', 'E000001', '--scenario', 'S', '--db', db]);
      expect(read.code).toBe(2);
      expect(read.stderr).toMatch(/not complete|incomplete/);

      const again = cli(cmd, ENV);
      expect(again.code, again.stderr).toBe(0);
      expect(await fingerprint(db, 'S')).toEqual(uninterrupted);
    }, 300_000);
  }
});
