/**
 * Interrupting `simulate` as a user does (docs/simulate.md, "Interrupting a run"): the command
 * re-runs itself in a child process (MALLOC_ARENA_MAX=1); SIGINT or SIGTERM to the PID the user
 * started stops both, prints one line saying what was kept, removes the unfinished rows and
 * --out file, and exits 130/143; SIGKILL of that PID stops the child within a second. The child
 * is held at a known point by PLANLEDGER_FAULT=<point>:<n>:hold (src/store/fault.ts).
 */
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, type Fingerprint, fingerprint, startCli } from './runs-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'planledger-signals-'));
const base = join(dir, 'base.duckdb');
const SIM = ['simulate', '--employees', '60', '--years', '2025', '--workers', '1', '--scenario', 'S'];
const FIXED = ['--created-at', '2026-01-15T09:00:00Z'];
let before: Fingerprint;

beforeAll(async () => {
  const r = cli([...SIM, '--seed', '1', '--db', base, ...FIXED]);
  expect(r.code, r.stderr).toBe(0);
  before = await fingerprint(base, 'S');
}, 300_000);

/** Start the command held at the second append (a batch committed, the next one open). */
function startHeld(
  db: string,
  out: string,
): { proc: ChildProcess; held: Promise<number>; done: Promise<Ended> } {
  const proc = startCli([...SIM, '--seed', '2', '--db', db, '--out', out, ...FIXED], {
    PLANLEDGER_FAULT: 'append:2:hold',
    PLANLEDGER_COMMIT_EVENTS: '1000',
  });
  let stderr = '';
  const held = new Promise<number>((resolve) => {
    proc.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = /fault point append reached \(pid ([0-9]+)\)/.exec(stderr);
      if (m) resolve(Number(m[1]));
    });
  });
  const done = new Promise<Ended>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { proc, held, done };
}

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * Running: not gone, and not a zombie waiting for PID 1 to reap it. A killed process whose main
 * thread is a zombie while its other threads (DuckDB's, the workers) still exit is running.
 */
function alive(pid: number): boolean {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const state = /^State:\s+(\S)/m.exec(status)?.[1];
    const threads = Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? 1);
    return state !== 'Z' || threads > 1;
  } catch {
    return false;
  }
}

describe('signals to the PID the user started', () => {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`${signal}: both processes stop, one line says what was kept, exit ${code}, nothing left behind`, async () => {
      const db = join(dir, `${signal}.duckdb`);
      const out = join(dir, `${signal}.ndjson`);
      copyFileSync(base, db);
      const run = startHeld(db, out);
      const child = await run.held;
      expect(child).not.toBe(run.proc.pid);
      run.proc.kill(signal);
      const ended = await run.done;
      expect(ended.code, ended.stderr).toBe(code);
      const lines = ended.stderr.split('\n').filter((l) => l.includes('interrupted'));
      expect(lines).toEqual([
        `planledger: interrupted (${signal}): nothing of this run is visible; scenario S is as it was before the run; removed the unfinished ${out}`,
      ]);
      expect(alive(child)).toBe(false);
      expect(existsSync(out)).toBe(false);
      const after = await fingerprint(db, 'S');
      expect(after).toEqual(before); // no S~pending left either
    });
  }

  it('SIGKILL: the child removes its --out file and stops within a second', async () => {
    const db = join(dir, 'kill.duckdb');
    copyFileSync(base, db);
    const out = join(dir, 'kill.ndjson');
    const run = startHeld(db, out);
    const child = await run.held;
    run.proc.kill('SIGKILL');
    await run.done;
    const t0 = performance.now();
    while (alive(child) && performance.now() - t0 < 1000) await new Promise((r) => setTimeout(r, 20));
    expect(alive(child)).toBe(false);
    expect(existsSync(out)).toBe(false);
    const after = await fingerprint(db, 'S');
    expect({ ...after, scenarios: after.scenarios.S }).toEqual({ ...before, scenarios: 'complete' });
  });
});
