/**
 * Helpers for the scenario-run tests: the CLI in a child process with a chosen environment, and
 * a fingerprint of what the store holds for a scenario (docs/store.md, "Re-runs and shards").
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../src/store/open.js';
import { CLI_BIN } from '../support/cli.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run the CLI; MALLOC_ARENA_MAX is set unless `rerun` (so no parent/child pair by default). */
export function cli(args: string[], env: Record<string, string> = {}, rerun = false): CliRun {
  const base: NodeJS.ProcessEnv = { ...process.env, PLANLEDGER_THREADS: '1', ...env };
  if (rerun) delete base.MALLOC_ARENA_MAX;
  else base.MALLOC_ARENA_MAX = '1';
  const r = spawnSync(process.execPath, [CLI_BIN, ...args], {
    encoding: 'utf8',
    cwd: root,
    env: base,
    timeout: 300_000,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Start the CLI as a user would (the one-arena re-run included), without waiting. */
export function startCli(args: string[], env: Record<string, string> = {}): ChildProcess {
  const base: NodeJS.ProcessEnv = { ...process.env, PLANLEDGER_THREADS: '1', ...env };
  delete base.MALLOC_ARENA_MAX;
  return spawn(process.execPath, [CLI_BIN, ...args], { cwd: root, env: base });
}

export interface Fingerprint {
  /** scenario id → status, over every scenarios row (pending runs included). */
  scenarios: Record<string, string>;
  events: number;
  /** Order-independent hash over the scenario's event ids and amounts. */
  eventHash: string;
  participants: number;
  snapshots: number;
  snapshotHash: string;
}

/** What the store holds for `scenario`: counts and hashes of its rows. */
export async function fingerprint(db: string, scenario: string): Promise<Fingerprint> {
  const store = await openStore({ path: db, readOnly: true });
  try {
    const q = async (sql: string) =>
      (await store.connection.runAndReadAll(sql, { s: scenario })).getRows()[0].map(String);
    const scenarios = Object.fromEntries(
      (await store.connection.runAndReadAll('SELECT scenario_id, status FROM scenarios ORDER BY 1'))
        .getRows()
        .map((r) => [String(r[0]), String(r[1])]),
    );
    const [events, eventHash] = await q(
      `SELECT count(*), coalesce(sum(hash(event_id::VARCHAR || '|' || coalesce(amount::VARCHAR, ''))), 0)
         FROM fct_yearly_events WHERE scenario_id = $s`,
    );
    const [participants] = await q('SELECT count(*) FROM dim_participants WHERE scenario_id = $s');
    const [snapshots, snapshotHash] = await q(
      `SELECT count(*), coalesce(sum(hash(employee_id || snapshot_date::VARCHAR || vested_balance::VARCHAR)), 0)
         FROM fct_participant_balance_snapshots WHERE scenario_id = $s`,
    ).catch(() => ['0', '0']);
    return {
      scenarios,
      events: Number(events),
      eventHash,
      participants: Number(participants),
      snapshots: Number(snapshots),
      snapshotHash,
    };
  } finally {
    store.close();
  }
}

/** dq (every rule, not recorded) and `snapshots verify --all` on the store: both must pass. */
export async function checksPass(db: string): Promise<{ dq: string; verified: boolean }> {
  const { runDataQuality } = await import('../../src/quality/run.js');
  const { verifySnapshots } = await import('../../src/snapshots/verify.js');
  const store = await openStore({ path: db, readOnly: true });
  try {
    const dq = await runDataQuality(store, { record: false });
    const v = await verifySnapshots(store.connection, { all: true });
    return { dq: dq.status, verified: v.ok };
  } finally {
    store.close();
  }
}
