/**
 * Fault injection (src/store/fault.ts): `planledger ingest` — a real process, real DuckDB files —
 * killed with SIGKILL at seeded points (the read_csv path's split and statement, a batch staged
 * in its open transaction, before, during and after a COMMIT, the worker path's append, the
 * snapshot build). After each kill the store holds the batches committed before it, whole, and
 * nothing of the others; `dq` and `snapshots verify --all` pass on it; and the same command run
 * again leaves exactly the rows of an uninterrupted run (count and a hash over event ids and
 * amounts), with no copy left in the temporary directory.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/perf/random.js';
import { simulate } from '../../src/simulate/simulate.js';
import { openStore } from '../../src/store/open.js';
import { CLI_BIN } from '../support/cli.js';
import { skipWithoutNative } from '../support/native.js';
import { cli, count, tempDir, track } from './helpers.js';

const SEED = 19;
const CLI = CLI_BIN;

afterEach(() => {
  process.exitCode = 0;
});

/** The CLI in a child process with a fault armed; resolves with how it ended. */
function killedRun(args: string[], fault: string, tmp: string) {
  const child = spawn(process.execPath, [CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PLANLEDGER_FAULT: fault, PLANLEDGER_TMPDIR: tmp, PLANLEDGER_THREADS: '2' },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise<{ code: number | null; signal: string | null; stderr: string; pid: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, stderr, pid: child.pid as number })),
  );
}

/** What the store holds: events (count and a hash over ids and amounts), rejections, batches. */
async function contents(db: string) {
  const store = track(await openStore({ path: db, threads: 1 }));
  try {
    const [[events, hash]] = (
      await store.connection.runAndReadAll(
        `SELECT count(*), md5(coalesce(string_agg(event_id::VARCHAR || ':' || coalesce(amount::VARCHAR, '-'), ',' ORDER BY event_id), ''))
           FROM fct_yearly_events`,
      )
    ).getRows();
    // Every committed batch is whole: its seq range holds exactly its accepted events, and the
    // events stored are exactly those of committed batches.
    const partial = await count(
      store,
      `SELECT count(*) FROM ingest_batches b WHERE b.accepted_count <>
         (SELECT count(*) FROM fct_yearly_events f WHERE f.seq BETWEEN b.first_seq AND b.last_seq)`,
    );
    const inBatches = await count(store, 'SELECT coalesce(sum(accepted_count), 0) FROM ingest_batches');
    const rejections = await count(store, 'SELECT count(*) FROM event_rejections');
    const rejectedInBatches = await count(
      store,
      'SELECT coalesce(sum(rejected_count), 0) FROM ingest_batches',
    );
    const sources = (
      await store.connection.runAndReadAll(
        'SELECT source, sum(read_count)::BIGINT FROM ingest_batches GROUP BY source ORDER BY source',
      )
    ).getRows();
    return {
      events: Number(events),
      hash: String(hash),
      partial,
      inBatches,
      rejections,
      rejectedInBatches,
      sources: sources.map(([s, n]) => [String(s), Number(n)]),
    };
  } finally {
    store.close();
  }
}

describe(`ingest killed with SIGKILL at seeded points (seed ${SEED})`, () => {
  // The suite's own folder: helpers' tempDir() folders are removed after each test.
  const dir = mkdtempSync(join(tmpdir(), 'planledger-faults-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const base = join(dir, 'base.duckdb');
  const files = ['b1', 'b2', 'c'].map((n) => join(dir, `${n}.ndjson`));
  const rules = join(dir, 'rules.json');
  let uninterrupted: Awaited<ReturnType<typeof contents>>;
  let baseContents: Awaited<ReturnType<typeof contents>>;

  beforeAll(async () => {
    const all = join(dir, 'all.ndjson');
    await simulate({
      employees: 8,
      years: [2024, 2025],
      seed: 7,
      scenarioId: 'faults',
      out: all,
      workers: 1,
    });
    const lines = readFileSync(all, 'utf8').trimEnd().split('\n');
    const q = Math.floor(lines.length / 4);
    writeFileSync(join(dir, 'a.ndjson'), `${lines.slice(0, q).join('\n')}\n`);
    writeFileSync(files[0], `${lines.slice(q, 2 * q).join('\n')}\n`);
    writeFileSync(files[1], `${lines.slice(2 * q, 3 * q).join('\n')}\n`);
    // Keys spelled with an escape, which the native splitter leaves to the validator: more than a
    // quarter of its lines, so the worker path; two rejected lines, a duplicate.
    const spaced = lines
      .slice(3 * q)
      .map((l) =>
        JSON.stringify(JSON.parse(l), null, 1).replaceAll('\n', '').replace('"event_id"', '"\\u0065vent_id"'),
      );
    writeFileSync(files[2], `${['{"event_id":', ...spaced, lines[q + 1], '[]'].join('\n')}\n`);
    // The ingest comes without a census: the one rule that needs dim_participants is off.
    writeFileSync(
      rules,
      JSON.stringify({ rules: [{ id: 'contributions_without_participant', enabled: false }] }),
    );
    // The store before the command: the first quarter, with its snapshots.
    expect((await cli(['ingest', join(dir, 'a.ndjson'), '--db', base])).code).toBe(0);
    baseContents = await contents(base);
    const whole = join(dir, 'whole.duckdb');
    copyFileSync(base, whole);
    expect((await cli(['ingest', ...files, '--db', whole])).code).toBe(0);
    uninterrupted = await contents(whole);
    expect(uninterrupted.events).toBe(lines.length);
    expect(uninterrupted.rejections).toBe(2);
  }, 120_000);

  // The read_csv path's points (src/ingest/file-json.ts) are reached only with the native splitter.
  beforeEach((ctx) => skipWithoutNative(ctx, /ingest-(split|statement)/.test(ctx.task.name)));

  // Each point with the most times a run reaches it (b1, b2 on the read_csv path; c on the worker path).
  const points: [string, number][] = [
    ['ingest-split:', 3],
    ['ingest-statement@', 2],
    ['commit-staged:', 3],
    ['commit:', 3],
    ['commit@', 3],
    ['committed:', 3],
    ['ingest-workers:', 1],
    ['snapshots-build:', 1],
    ['snapshots-build@', 1],
  ];
  const random = mulberry32(SEED);
  const faults = points.map(([p, most]) => `${p}${1 + Math.floor(random() * most)}`);

  it.each(faults)(
    'killed at %s: whole batches, dq and verify pass, the re-run is the uninterrupted run',
    async (fault) => {
      const tmp = tempDir();
      const db = join(tempDir(), 'killed.duckdb');
      copyFileSync(base, db);
      const run = await killedRun(['ingest', ...files, '--db', db], fault, tmp);
      expect(run.signal, run.stderr).toBe('SIGKILL');

      const after = await contents(db);
      expect(after.partial).toBe(0);
      expect(after.events).toBe(after.inBatches);
      expect(after.rejections).toBe(after.rejectedInBatches);
      // Only whole files (one batch each here) beyond what the store held before the command.
      const done = after.sources.filter(([s]) => !baseContents.sources.some(([b]) => b === s));
      for (const [s, read] of done) expect(uninterrupted.sources).toContainEqual([s, read]);
      expect(after.events).toBeGreaterThanOrEqual(baseContents.events);
      expect(after.events).toBeLessThanOrEqual(uninterrupted.events);

      const dq = await cli(['dq', '--db', db, '--rules', rules, '--no-record']);
      expect(dq.code, dq.stdout + dq.stderr).toBe(0);
      const verify = await cli(['snapshots', 'verify', '--all', '--db', db]);
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);

      process.env.PLANLEDGER_TMPDIR = tmp;
      try {
        expect((await cli(['ingest', ...files, '--db', db])).code).toBe(0);
      } finally {
        delete process.env.PLANLEDGER_TMPDIR;
      }
      const again = await contents(db);
      expect({ events: again.events, hash: again.hash, rejections: again.rejections }).toEqual({
        events: uninterrupted.events,
        hash: uninterrupted.hash,
        rejections: uninterrupted.rejections,
      });
      // The killed run's copy of its rows is gone (the re-run removes copies of dead processes).
      expect(readdirSync(tmp)).toEqual([]);
      expect((await cli(['snapshots', 'verify', '--all', '--db', db])).code).toBe(0);
    },
    60_000,
  );

  // SIGINT / SIGTERM, sent by the process to itself at a point (a real signal, handled).
  it.each([
    ['ingest-statement@1:SIGINT', 130],
    ['committed:2:SIGTERM', 143],
    ['snapshots-build:1:SIGINT', 130],
  ])(
    '%s: one line says what was committed and what was not, no copy left, exit %i',
    async (fault, exit) => {
      const tmp = tempDir();
      const db = join(tempDir(), 'stopped.duckdb');
      copyFileSync(base, db);
      const run = await killedRun(['ingest', ...files, '--db', db], fault, tmp);
      expect(run.code, run.stderr).toBe(exit);
      // One line (after the snapshot build's own, when it finished before the signal came).
      const signal = fault.split(':').at(-1);
      const lines = run.stderr.trimEnd().split('\n').slice(-1);
      expect(run.stderr.match(/stopped by/g)).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^planledger: stopped by ${signal}`));
      expect(readdirSync(tmp)).toEqual([]);
      const after = await contents(db);
      expect(after.partial).toBe(0);
      expect(after.events).toBe(after.inBatches);
      if (fault.startsWith('snapshots')) {
        expect(after.events).toBe(uninterrupted.events);
        // The signal stops the build's statement under way, or comes after its last one.
        expect(lines[0]).toMatch(
          /every event of the run is committed \(read \d+: .*\); the snapshots are (current|not current \(run `planledger snapshots build`\))$/,
        );
      } else {
        const batches = after.sources.length - baseContents.sources.length;
        expect(lines[0]).toContain(`committed ${batches} batch`);
        expect(lines[0]).toMatch(/not committed: .*c\.ndjson/);
        if (batches === 0) {
          expect(after.hash).toBe(baseContents.hash);
          expect(lines[0]).toContain('committed 0 batches (nothing; read 0');
        } else expect(lines[0]).toContain('b1.ndjson (whole)');
        expect(lines[0]).toContain('Run the same command again to finish');
      }
      expect((await cli(['ingest', ...files, '--db', db])).code).toBe(0);
      expect((await contents(db)).hash).toBe(uninterrupted.hash);
    },
    60_000,
  );
});
