/**
 * Other processes: a writer killed with SIGKILL mid-ingest leaves whole batches and a re-run
 * completes the store exactly once; a second writer gets the clear lock error (exit 2).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { ingestFiles } from '../../src/ingest/ingest.js';
import { syntheticEventLines } from '../../src/perf/synthetic-events.js';
import { openStore } from '../../src/store/open.js';
import { CLI_BIN } from '../support/cli.js';
import { count, tempDir, track } from './helpers.js';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

function run(script: string, args: string[]): ChildProcess {
  const argv = script.endsWith('.ts') ? ['--import', 'tsx', script, ...args] : [script, ...args];
  return spawn(process.execPath, argv, {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function waitForLine(child: ChildProcess, test: (line: string) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.split('\n').some(test)) resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`child exited (${code}) before the expected line; got ${buf}`)),
    );
  });
}

function finished(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

async function writeSynthetic(path: string, employees: number): Promise<number> {
  const ws = createWriteStream(path);
  let n = 0;
  for (const line of syntheticEventLines({ employees, firstYear: 2024, years: 2 })) {
    ws.write(line + '\n');
    n++;
  }
  await new Promise((r) => ws.end(r));
  return n;
}

/** A CLI run that waits for the lock `holder` holds: done, and when it has said who holds it. */
function waitingRun(args: string[], holder: ChildProcess) {
  const child = run(CLI_BIN, args);
  let stderr = '';
  const saysWho = new Promise<void>((resolve) =>
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes(`(PID ${holder.pid}))`)) resolve();
    }),
  );
  return { done: finished(child), saysWho };
}

/** The CLI with `input` on its standard input. */
async function withStdin(args: string[], input: string) {
  const child = spawn(process.execPath, [CLI_BIN, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const done = finished(child);
  child.stdin!.end(input);
  return done;
}

describe('processes', () => {
  it('ingest - and validate - read standard input (recorded as stdin; a re-run is exactly once)', async () => {
    const dir = tempDir();
    const db = join(dir, 'stdin.duckdb');
    const file = join(dir, 'events.ndjson');
    const total = await writeSynthetic(file, 2);
    const input = `{"bad":1}\n${readFileSync(file, 'utf8')}`;
    const v = await withStdin(['validate', '-', '--json'], input);
    expect(v.code, v.stderr).toBe(1);
    expect(JSON.parse(v.stdout)).toMatchObject({ total: total + 1, valid: total, invalid: 1 });
    expect(JSON.parse(v.stdout).errors[0]).toMatchObject({ file: 'stdin', line: 1 });
    const first = await withStdin(['ingest', '-', '--db', db, '--json'], input);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ read: total + 1, accepted: total, rejected: 1 });
    const again = await withStdin(['ingest', file, '-', '--db', db, '--json'], input);
    expect(JSON.parse(again.stdout)).toMatchObject({
      read: 2 * total + 1,
      accepted: 0,
      duplicates: 2 * total,
    });
    expect(readdirSync(dir).sort()).toEqual(['events.ndjson', 'stdin.duckdb']);
    const store = track(await openStore({ path: db, readOnly: true }));
    expect(
      await count(store, "SELECT count(*) FROM event_rejections WHERE source = 'stdin' AND line = 1"),
    ).toBe(1);
    expect(await count(store, "SELECT count(*) FROM ingest_batches WHERE source = 'stdin'")).toBe(2);
    store.close();
    const twice = await withStdin(['ingest', '-', '-', '--db', db], input);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toBe('planledger: - (standard input) may be given once\n');
  });

  it('a writer killed mid-ingest leaves whole batches; the re-run completes exactly once', async () => {
    const dir = tempDir();
    const db = join(dir, 'crash.duckdb');
    const file = join(dir, 'events.ndjson');
    const total = await writeSynthetic(file, 60);
    const child = run(fixture('ingest-child.ts'), [db, file]);
    await waitForLine(child, (l) => l.startsWith('batch 2 '));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    const store = track(await openStore({ path: db, threads: 1 }));
    const stored = await count(store, 'SELECT count(*) FROM fct_yearly_events');
    const batches = await count(store, 'SELECT count(*) FROM ingest_batches');
    expect(batches).toBeGreaterThanOrEqual(2);
    expect(stored).toBe(await count(store, 'SELECT sum(accepted_count) FROM ingest_batches'));
    expect(stored).toBeLessThan(total);
    // Every committed batch is whole: its seq range holds exactly its accepted events.
    const partial = await count(
      store,
      `SELECT count(*) FROM ingest_batches b
       WHERE b.accepted_count <> (SELECT count(*) FROM fct_yearly_events f WHERE f.seq BETWEEN b.first_seq AND b.last_seq)`,
    );
    expect(partial).toBe(0);

    const again = await ingestFiles(store, [file], {
      workers: 0,
      chunkBytes: 64 << 10,
      batchBytes: 256 << 10,
    });
    expect(again.read).toBe(total);
    expect(again.duplicates).toBe(stored);
    expect(again.accepted).toBe(total - stored);
    expect(await count(store, 'SELECT count(*) FROM fct_yearly_events')).toBe(total);
    expect(await count(store, 'SELECT count(DISTINCT event_id) FROM fct_yearly_events')).toBe(total);
  });

  it('a second writer gets a clear lock error (exit 2, no stack trace), or waits with --wait', async () => {
    const dir = tempDir();
    const db = join(dir, 'locked.duckdb');
    const file = join(dir, 'events.ndjson');
    await writeSynthetic(file, 2);
    const holder = run(fixture('hold-store.ts'), [db, '600000']);
    await waitForLine(holder, (l) => l === 'ready');
    const second = await finished(run(CLI_BIN, ['ingest', file, '--db', db, '--json']));
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/locked by another process \(.*PID \d+\)/);
    expect(second.stderr).toContain(db);
    expect(second.stderr).toContain('only one process may write');
    expect(second.stderr).not.toMatch(/^\s+at /m);
    expect(second.stdout).toBe('');

    const waiter = waitingRun(['ingest', file, '--db', db, '--json', '--wait', '120'], holder);
    await waiter.saysWho;
    holder.kill('SIGTERM');
    const waiting = await waiter.done;
    expect(waiting.code).toBe(0);
    expect(JSON.parse(waiting.stdout)).toMatchObject({ read: 220, accepted: 220, rejected: 0 });
    expect(waiting.stderr).toMatch(
      /waiting up to 120 s for the store .*: it is locked by another process \(.*PID \d+\)/,
    );
  });

  it('--wait on every command that opens a store: it says who holds the lock while it waits', async () => {
    const all = (c: Command): Command[] => c.commands.flatMap((s) => [s, ...all(s)]);
    const withDb = all(await buildProgram()).filter((c) => c.options.some((o) => o.long === '--db'));
    expect(withDb.length).toBeGreaterThan(15);
    for (const c of withDb)
      expect(
        c.options.map((o) => o.long),
        c.name(),
      ).toContain('--wait');

    const dir = tempDir();
    const db = join(dir, 'held.duckdb');
    const file = join(dir, 'events.ndjson');
    await writeSynthetic(file, 2);
    expect((await finished(run(CLI_BIN, ['ingest', file, '--db', db]))).code).toBe(0);
    const holder = run(fixture('hold-store.ts'), [db, '600000']);
    await waitForLine(holder, (l) => l === 'ready');
    const now = await finished(run(CLI_BIN, ['snapshots', 'verify', '--all', '--db', db]));
    expect(now.code).toBe(2);
    expect(now.stderr).toContain(`PID ${holder.pid}`);
    const readers = [
      ['history', 'E0000001', '--db', db, '--wait', '120', '--json'],
      ['dq', '--db', db, '--wait', '120', '--no-record', '--json'],
    ].map((args) => waitingRun(args, holder));
    await Promise.all(readers.map((r) => r.saysWho));
    holder.kill('SIGTERM');
    const [history, dq] = await Promise.all(readers.map((r) => r.done));
    expect(history.code, history.stderr).toBe(0);
    expect(JSON.parse(history.stdout).employee_id).toBe('E0000001');
    expect(dq.stderr).toMatch(
      /^planledger: waiting up to 120 s for the store .*held\.duckdb: it is locked by another process \(.*PID \d+\)\)$/m,
    );
    expect(JSON.parse(dq.stdout).results.length).toBeGreaterThan(0);
  });
});
