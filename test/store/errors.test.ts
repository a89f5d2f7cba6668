/**
 * A user's I/O mistake is one plain line naming the path and the cause, exit 2 (src/errors):
 * `--db` in a missing directory, at a text file, at a directory, at a read-only file or
 * directory; `balances --out` into a missing directory; a damaged Parquet file in a lake. An
 * unexpected error is one line that says how to see the stack.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { exitCodeFor } from '../../src/cli/main.js';
import { FileProblem, fileProblemOf, outOfMemoryOf } from '../../src/errors/index.js';
import { cli, tempDir, validEvents, writeLines } from './helpers.js';

/** One line on stderr, exit 2, naming `path` and matching `cause`; nothing of DuckDB's own text. */
function expectPlain(r: { code: number; stdout: string; stderr: string }, path: string, cause: RegExp) {
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toContain(path);
  expect(lines[0]).toMatch(cause);
  expect(lines[0]).not.toMatch(/internal error|IO Error|Invalid Input|LINE 1|\^/);
}

/** chattr +i (immutable: even root may not write), when the file system supports it. */
function immutable(path: string, on: boolean): boolean {
  return spawnSync('chattr', [on ? '+i' : '-i', path]).status === 0;
}

afterEach(() => {
  process.exitCode = 0;
});

describe('user I/O mistakes are named in plain words (exit 2)', () => {
  it('--db in a missing directory, at a text file, at a directory: every command that opens a store', async () => {
    const dir = tempDir();
    const events = writeLines(
      join(dir, 'e.ndjson'),
      validEvents(5).map((e) => JSON.stringify(e)),
    );
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'hello\n');
    const cases: [string, RegExp, string][] = [
      [join(dir, 'nope', 'deeper', 'x.duckdb'), /no such directory .*nope$/, join(dir, 'nope')],
      [text, /: not a DuckDB file$/, text],
      [dir, /: is a directory$/, dir],
    ];
    for (const [db, cause, named] of cases) {
      for (const args of [
        ['ingest', events, '--db', db],
        ['history', 'E1', '--db', db],
        ['balances', '--as-of', '2025-01-01', '--db', db],
        ['scenario', 'list', '--db', db],
        ['report', '--db', db],
      ]) {
        expectPlain(await cli(args), named, cause);
      }
    }
    // Nothing was created on the way.
    expect(readdirSync(dir).sort()).toEqual(['e.ndjson', 'notes.txt']);
  });

  it('--db at a read-only store or directory (immutable, so that it holds for root too)', async (ctx) => {
    const dir = tempDir();
    const events = writeLines(
      join(dir, 'e.ndjson'),
      validEvents(5).map((e) => JSON.stringify(e)),
    );
    const db = join(dir, 'ro.duckdb');
    expect((await cli(['ingest', events, '--db', db, '--no-snapshots'])).code).toBe(0);
    if (!immutable(db, true)) ctx.skip(); // chattr unsupported here: fileProblemOf is tested below
    try {
      expectPlain(
        await cli(['ingest', events, '--db', db]),
        db,
        /cannot open the store .*: permission denied$/,
      );
    } finally {
      immutable(db, false);
    }
    const ro = join(dir, 'ro-dir');
    mkdirSync(ro);
    immutable(ro, true);
    try {
      expectPlain(
        await cli(['ingest', events, '--db', join(ro, 'new.duckdb')]),
        join(ro, 'new.duckdb'),
        /permission denied$/,
      );
    } finally {
      immutable(ro, false);
    }
  });

  it('balances --out into a missing directory or at a directory; a damaged Parquet file in a lake', async () => {
    const dir = tempDir();
    const db = join(dir, 's.duckdb');
    const events = writeLines(
      join(dir, 'e.ndjson'),
      validEvents(40, 'S').map((e) => JSON.stringify(e)),
    );
    expect((await cli(['ingest', events, '--db', db])).code).toBe(0);
    const out = join(dir, 'missing', 'b.csv');
    expectPlain(
      await cli(['balances', '--as-of', '2025-12-31', '--db', db, '--out', out]),
      out,
      /no such directory .*missing$/,
    );
    mkdirSync(join(dir, 'b.csv'));
    expectPlain(
      await cli(['balances', '--as-of', '2025-12-31', '--db', db, '--out', join(dir, 'b.csv')]),
      join(dir, 'b.csv'),
      /is a directory$/,
    );

    const lake = join(dir, 'lake');
    expect((await cli(['export', '--db', db, '--to', lake])).code).toBe(0);
    const events_ = join(lake, 'fct_yearly_events');
    const part = readdirSync(events_, { recursive: true })
      .map(String)
      .find((f) => f.endsWith('.parquet')) as string;
    const file = join(events_, part);
    expect(statSync(file).size).toBeGreaterThan(8);
    writeFileSync(file, 'garbage');
    expectPlain(await cli(['history', 'E1', '--lake', lake]), file, /not a Parquet file .*export it again$/);
  });

  it('names the cause of DuckDB and Node errors it cannot reproduce here (root ignores permissions)', () => {
    const cases: [unknown, string][] = [
      [
        new Error('IO Error: Cannot open file "/srv/x.duckdb": Permission denied'),
        'cannot open /srv/x.duckdb: permission denied',
      ],
      [
        new Error('IO Error: Cannot open file "/srv/x.duckdb": Read-only file system'),
        'cannot open /srv/x.duckdb: read-only file system',
      ],
      [
        new Error(
          'TransactionContext Error: Failed to commit: Cannot open file "/srv/x.duckdb.wal": Permission denied',
        ),
        'cannot write the store /srv/x.duckdb: permission denied (its write-ahead log /srv/x.duckdb.wal)',
      ],
      [
        Object.assign(new Error("EACCES: permission denied, open '/srv/in.ndjson'"), {
          code: 'EACCES',
          path: '/srv/in.ndjson',
        }),
        'cannot open /srv/in.ndjson: permission denied',
      ],
      [
        Object.assign(new Error('EISDIR'), { code: 'EISDIR', path: '/srv' }),
        'cannot open /srv: is a directory',
      ],
    ];
    for (const [err, message] of cases) expect(fileProblemOf(err)?.message).toBe(message);
    expect(fileProblemOf(new Error('Binder Error: no such column'))).toBeNull();
    expect(fileProblemOf(new FileProblem('/a', 'no such file'))?.message).toBe(
      'cannot open /a: no such file',
    );
  });

  it('an unexpected error is one line that says how to see the stack (PLANLEDGER_DEBUG=1)', () => {
    let stderr = '';
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
      stderr += String(s);
      return true;
    });
    try {
      const bug = new Error(
        'Binder Error: Referenced column "x" not found\n\nLINE 1: SELECT x\n               ^',
      );
      expect(exitCodeFor(bug)).toBe(2);
      expect(stderr).toBe(
        'planledger: internal error: Binder Error: Referenced column "x" not found (run again with PLANLEDGER_DEBUG=1 to see the stack)\n',
      );
      stderr = '';
      vi.stubEnv('PLANLEDGER_DEBUG', '1');
      exitCodeFor(bug);
      expect(stderr).toMatch(/^planledger: internal error: Error: Binder Error.*\n(.|\n)*\s+at /);
    } finally {
      vi.unstubAllEnvs();
      spy.mockRestore();
    }
  });

  it("DuckDB's out-of-memory error is one plain line naming the limit to raise, exit 2", async () => {
    const instance = await DuckDBInstance.create(':memory:', { memory_limit: '8MB', temp_directory: '' });
    const conn = await instance.connect();
    let oom: unknown = null;
    try {
      // A list aggregate cannot spill: a real out-of-memory error from DuckDB.
      await conn.runAndReadAll('SELECT list(range::VARCHAR) FROM range(5000000)');
    } catch (err) {
      oom = err;
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
    expect(String((oom as Error)?.message)).toMatch(/Out of Memory Error/);
    expect(outOfMemoryOf(new Error('Binder Error: x'))).toBeNull();
    let stderr = '';
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
      stderr += String(s);
      return true;
    });
    try {
      expect(exitCodeFor(oom)).toBe(2);
    } finally {
      spy.mockRestore();
    }
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^planledger: DuckDB ran out of memory \(.+\)\. Raise its limit with PLANLEDGER_MEMORY_LIMIT/,
    );
    expect(lines[0]).not.toMatch(/internal error/);
  });
});
