/**
 * Other processes: a writer killed with SIGKILL mid-ingest leaves whole batches and a re-run
 * completes the store exactly once; a second writer gets the clear lock error (exit 2).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestFiles } from '../../src/ingest/ingest.js';
import { syntheticEventLines } from '../../src/perf/synthetic-events.js';
import { openStore } from '../../src/store/open.js';
import { CLI_ENTRY } from '../support/cli.js';
import { count, tempDir, track } from './helpers.js';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

function run(script: string, args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], {
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

describe('processes', () => {
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
    const second = await finished(run(CLI_ENTRY, ['ingest', file, '--db', db, '--json']));
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/locked by another process \(.*PID \d+\)/);
    expect(second.stderr).toContain(db);
    expect(second.stderr).toContain('only one process may write');
    expect(second.stderr).not.toMatch(/^\s+at /m);
    expect(second.stdout).toBe('');

    const waiter = finished(run(CLI_ENTRY, ['ingest', file, '--db', db, '--json', '--wait', '120']));
    await new Promise((r) => setTimeout(r, 3000));
    holder.kill('SIGTERM');
    const waiting = await waiter;
    expect(waiting.code).toBe(0);
    expect(JSON.parse(waiting.stdout)).toMatchObject({ read: 220, accepted: 220, rejected: 0 });
  });
});
