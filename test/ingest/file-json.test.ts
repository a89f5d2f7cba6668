/**
 * The read_csv and read_json paths (src/ingest/file-json.ts): DuckDB's own readers store
 * segments whose every line is recognised as canonical (natively, and split into rows for the
 * CSV reader; or in JavaScript, for the JSON reader), and the result is exactly what the worker
 * path (which parses and validates every line in JavaScript) stores: same rows, same seq, same
 * rejections, same counts; a segment with a line that is not canonical goes to the other paths.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { type IngestOptions, ingestFiles } from '../../src/ingest/ingest.js';
import { nativeRecogniser } from '../../src/ingest/native.js';
import { EVENT_TYPES, exampleEvent, serializeEvent, validateEvent } from '../../src/schema/index.js';
import { count, newStore, tempDir, validEvents, writeLines } from '../store/helpers.js';
import { skipWithoutNative } from '../support/native.js';

const canonical = (e: Record<string, unknown>): string => {
  const v = validateEvent(e);
  if (!v.ok) throw new Error('fixture invalid');
  return serializeEvent(v.event);
};

/** Every kind, several times over, in canonical text. */
function canonicalLines(n: number): string[] {
  const kinds = EVENT_TYPES.flatMap((k) => [0, 1, 2].map((i) => canonical(exampleEvent(k, i))));
  // Values at the edges of what DuckDB's reader must read exactly.
  const edges = [
    { created_at: '2026-01-15T10:30:00.25Z', correlation_id: 'batch 7/2025 #1' },
    { created_at: '0001-01-01T00:00:00.000001Z', effective_date: '9999-12-31' },
    { created_at: '2024-02-29T23:59:59.999999Z', effective_date: '0001-01-01' },
  ].map((over, i) =>
    canonical({
      ...exampleEvent('merit', 7 + i),
      event_id: `00000000-0000-4000-8000-00000000000${i}`,
      ...over,
    }),
  );
  // Payload columns at the edges of their DECIMAL types, and ids with spaces and punctuation.
  const contribution = exampleEvent('contribution', 4) as { payload: Record<string, unknown> };
  const forfeiture = exampleEvent('forfeiture', 4) as { payload: Record<string, unknown> };
  const payloadEdges = [
    {
      ...contribution,
      payload: { ...contribution.payload, amount: '0.000001', ytd_amount: '999999999999.999999' },
    },
    {
      ...contribution,
      payload: {
        ...contribution.payload,
        amount: '12',
        ytd_amount: '12',
        payroll_id: 'a b~!#$%&()*+,-./:;<=>?@[]^_`{|}',
      },
    },
    {
      ...forfeiture,
      payload: { ...forfeiture.payload, amount: '999999999999', vested_percentage: '0.9999' },
    },
  ].map((e, i) => canonical({ ...e, event_id: `00000000-0000-4000-8000-00000000001${i}` }));
  kinds.push(...edges, ...payloadEdges);
  const byId = new Map([...kinds, ...validEvents(n).map(canonical)].map((l) => [JSON.parse(l).event_id, l]));
  return [...byId.values()];
}

type Route = { path: string; firstLine: number };

/** Ingest one file into a fresh store; everything the store holds afterwards, and the routes taken. */
async function ingestOnce(file: string, opts: IngestOptions) {
  const store = await newStore();
  const routes: Route[] = [];
  const r = await ingestFiles(store, [file], {
    ...opts,
    onRoute: ({ path, firstLine }) => routes.push({ path, firstLine }),
  });
  // seq apart: the worker path numbers accepted events only, the others leave a gap where a
  // line was not stored (docs/store.md); the order is the same.
  const rows = (
    await store.connection.runAndReadAll(
      'SELECT * EXCLUDE (seq), row_number() OVER (ORDER BY seq) FROM fct_yearly_events ORDER BY seq',
    )
  ).getRows();
  const seqs = (await store.connection.runAndReadAll('SELECT seq FROM fct_yearly_events ORDER BY seq'))
    .getRows()
    .map((r) => Number(r[0]));
  const rejections = (
    await store.connection.runAndReadAll(
      'SELECT line, raw_text, reasons::VARCHAR FROM event_rejections ORDER BY line',
    )
  ).getRows();
  const batches = (
    await store.connection.runAndReadAll(
      'SELECT first_line, last_line, read_count, accepted_count, sha256 FROM ingest_batches ORDER BY batch_id',
    )
  ).getRows();
  const ranges = await count(
    store,
    `SELECT count(*) FROM participant_event_ranges r WHERE event_count <> (SELECT count(*) FROM fct_yearly_events f
       WHERE f.scenario_id = r.scenario_id AND f.employee_id = r.employee_id AND f.seq BETWEEN r.first_seq AND r.last_seq)`,
  );
  const scenarios = await count(store, 'SELECT count(*) FROM scenarios');
  const again = await ingestFiles(store, [file], opts);
  store.close();
  const { seconds: _s, events_per_second: _e, batches: _b, ...counts } = r;
  const plain = (v: unknown) =>
    JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? String(x) : x)));
  return {
    counts,
    seqs,
    rows: plain(rows),
    rejections: plain(rejections),
    batches: plain(batches),
    ranges,
    scenarios,
    again,
    routes,
  };
}

describe.each([
  { reader: 'read_csv', native: true, route: 'csv' },
  { reader: 'read_json', native: false, route: 'json' },
])('ingest: the $reader path', ({ native, route }) => {
  beforeEach((ctx) => skipWithoutNative(ctx, native));

  it('is available (the native recogniser is built by npm ci)', () => {
    if (native) expect(nativeRecogniser()).not.toBeNull();
  });

  it('stores a canonical file exactly as the worker path does (every kind, edge values, seq = line)', async () => {
    const dir = tempDir();
    const lines = canonicalLines(300);
    const file = writeLines(join(dir, 'canonical.ndjson'), lines);
    const json = await ingestOnce(file, { native, workers: 1 });
    const workers = await ingestOnce(file, { workers: 0, path: 'workers' });
    expect(json.routes).toEqual([{ path: route, firstLine: 1 }]);
    expect(json.counts).toEqual(workers.counts);
    expect(json.counts.accepted).toBe(lines.length);
    expect(json.rows).toEqual(workers.rows);
    expect(json.seqs).toEqual(lines.map((_, i) => i + 1));
    // One segment: one batch, whose sha256 is the file's.
    const sha = createHash('sha256').update(readFileSync(file)).digest('hex');
    const n = String(lines.length);
    expect(json.batches).toEqual([['1', n, n, n, sha]]);
    expect(json.ranges).toBe(0);
    expect(json.scenarios).toBe(workers.scenarios);
    // Run again: every event is a duplicate, nothing new is stored.
    expect(json.again).toMatchObject({
      read: lines.length,
      accepted: 0,
      rejected: 0,
      duplicates: lines.length,
    });
  });

  it('copies the segments of a larger file; each is one batch with its own lines and sha256', async () => {
    const dir = tempDir();
    const lines = canonicalLines(400);
    const file = writeLines(join(dir, 'segments.ndjson'), lines);
    const opts = { chunkBytes: 4096, batchBytes: 16384 };
    const json = await ingestOnce(file, { native, ...opts, workers: 0 });
    const workers = await ingestOnce(file, { ...opts, workers: 0, path: 'workers' });
    expect(json.routes).toEqual([{ path: route, firstLine: 1 }]);
    expect(json.rows).toEqual(workers.rows);
    expect(json.counts).toEqual(workers.counts);
    expect(json.batches.length).toBeGreaterThan(3);
    const bytes = readFileSync(file);
    let line = 1;
    let offset = 0;
    for (const [first, last, read, accepted, sha] of json.batches.map((b: unknown[]) => [
      ...b.slice(0, 4).map(Number),
      b[4],
    ]) as [number, number, number, number, string][]) {
      expect(first).toBe(line);
      expect(read).toBe(last - first + 1);
      expect(accepted).toBe(read);
      let end = offset;
      for (let n = 0; n < read; n++) end = bytes.indexOf(10, end) + 1;
      expect(sha).toBe(createHash('sha256').update(bytes.subarray(offset, end)).digest('hex'));
      offset = end;
      line = last + 1;
    }
    expect(line).toBe(lines.length + 1);
  });

  it('stores a file with lines that are not canonical as the worker path does (read_json: hands it over)', async () => {
    const dir = tempDir();
    const lines = canonicalLines(400);
    const late = [
      '',
      '{"event_id":',
      lines[7], // a duplicate
      JSON.stringify(JSON.parse(lines[9]), null, 1).replaceAll('\n', ''), // valid, not canonical, a duplicate
      `${lines[11].slice(0, -1)},"extra":1}`,
    ];
    const file = writeLines(join(dir, 'late.ndjson'), [...lines.slice(0, 300), ...late, ...lines.slice(300)]);
    // Segments copied (16 KiB), and the file read in place (one segment of many chunks: the
    // chunk that fails stops DuckDB's statement, or comes after it).
    for (const opts of [
      { chunkBytes: 4096, batchBytes: 16384 },
      { chunkBytes: 4096, workers: 0 },
    ]) {
      const json = await ingestOnce(file, { native, workers: 1, ...opts });
      const workers = await ingestOnce(file, { ...opts, workers: 0, path: 'workers' });
      expect(json.routes[0]).toEqual({ path: route, firstLine: 1 });
      // The native splitter leaves those lines to the validator and stores the rest itself.
      expect(json.routes.slice(1).map((r) => r.path)).toEqual(route === 'csv' ? [] : ['workers']);
      expect(json.rows).toEqual(workers.rows);
      expect(json.rejections).toEqual(workers.rejections);
      expect(json.counts).toEqual(workers.counts);
      expect(json.counts).toMatchObject({ accepted: lines.length, rejected: 2, duplicates: 2, blank: 1 });
      expect(json.counts.read).toBe(json.counts.accepted + json.counts.rejected + json.counts.duplicates);
      expect(json.ranges).toBe(0);
    }
  });

  it('stores a canonical file that repeats an event once, on this path', async () => {
    const dir = tempDir();
    const lines = canonicalLines(100);
    const file = writeLines(join(dir, 'repeat.ndjson'), [
      ...lines.slice(0, 60),
      lines[10],
      ...lines.slice(60),
    ]);
    const json = await ingestOnce(file, { native, workers: 0 });
    const workers = await ingestOnce(file, { workers: 0, path: 'workers' });
    expect(json.routes).toEqual([{ path: route, firstLine: 1 }]);
    expect(json.rows).toEqual(workers.rows);
    expect(json.counts).toEqual(workers.counts);
    expect(json.counts).toMatchObject({ read: lines.length + 1, accepted: lines.length, duplicates: 1 });
  });

  it('reads and rejects a line longer than any canonical line wherever it falls (nothing skipped)', async () => {
    const dir = tempDir();
    const lines = canonicalLines(1200);
    const long = 'x'.repeat(100_000);
    // Where the 100 KB line starts: the first byte, a chunk's last 16 KiB (it straddles the
    // chunk boundary), the middle of the file, the last line (without its newline).
    const chunkBytes = 256 << 10;
    let before = 0;
    let at = 0;
    while (before < chunkBytes - (16 << 10)) before += lines[at++].length + 1;
    const files = [
      writeLines(join(dir, 'alone.ndjson'), ['x'.repeat(5_000_000)]),
      writeLines(join(dir, 'first.ndjson'), [long, ...lines]),
      writeLines(join(dir, 'straddle.ndjson'), [...lines.slice(0, at), long, ...lines.slice(at)]),
      writeLines(join(dir, 'middle.ndjson'), [...lines.slice(0, 600), long, ...lines.slice(600)]),
    ];
    const last = join(dir, 'last.ndjson');
    writeFileSync(last, `${lines.join('\n')}\n${long}`);
    files.push(last);
    for (const file of files) {
      const json = await ingestOnce(file, { native, workers: 0, chunkBytes });
      const workers = await ingestOnce(file, { workers: 0, chunkBytes, path: 'workers' });
      const expected = file.endsWith('alone.ndjson') ? 1 : lines.length + 1;
      expect(json.counts.read, file).toBe(expected);
      expect(json.counts.rejected, file).toBe(1);
      expect(json.counts.accepted, file).toBe(expected - 1);
      expect(json.counts).toEqual(workers.counts);
      expect(json.rows).toEqual(workers.rows);
      expect(json.rejections).toEqual(workers.rejections);
      expect(json.ranges).toBe(0);
    }
  });

  it("a stop that arrives after DuckDB's statement ended does not stop the next one", async () => {
    // src/ingest/file-json.ts relies on it: a chunk can fail just as the statement ends.
    const store = await newStore();
    store.connection.interrupt();
    expect(await count(store, 'SELECT 42')).toBe(42);
    await store.connection.run('BEGIN');
    store.connection.interrupt();
    await store.connection.run('ROLLBACK');
    store.close();
  });

  it('a file that starts with a BOM, or holds CRLF line ends, stores the same (on this path when native)', async () => {
    const dir = tempDir();
    const lines = canonicalLines(50);
    const bom = writeLines(join(dir, 'bom.ndjson'), [`\ufeff${lines[0]}`, ...lines.slice(1)]);
    const crlf = writeLines(join(dir, 'crlf.ndjson'), lines, '\r\n');
    for (const file of [bom, crlf]) {
      const json = await ingestOnce(file, { native, workers: 0 });
      const workers = await ingestOnce(file, { workers: 0, path: 'workers' });
      // The native splitter stores both (the BOM left out, CRLF normalised); the read_json path
      // hands them to the workers.
      expect(json.routes.map((r) => r.path)).toEqual(route === 'csv' ? [route] : [route, 'workers']);
      expect(json.rows).toEqual(workers.rows);
      expect(json.counts.accepted).toBe(lines.length);
    }
  });
});

describe('ingest: where the read_csv path puts its rows', () => {
  it('uses PLANLEDGER_TMPDIR, removes its copy, and removes copies of killed runs only', async (ctx) => {
    skipWithoutNative(ctx);
    const dir = tempDir();
    const rows = join(dir, 'rows');
    mkdirSync(rows);
    // A copy left by a process that is gone, and one of a process that is alive.
    const gone = spawnSync(process.execPath, ['-e', '0']).pid as number;
    const alive = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    writeFileSync(join(rows, `planledger-ingest-${gone}-x.tmp`), 'left');
    writeFileSync(join(rows, `planledger-ingest-${alive.pid}-y.tmp`), 'in use');
    const lines = canonicalLines(50);
    const file = writeLines(join(dir, 'events.ndjson'), lines);
    const seen: string[][] = [];
    const before = process.env.PLANLEDGER_TMPDIR;
    process.env.PLANLEDGER_TMPDIR = rows;
    try {
      const store = await newStore();
      const r = await ingestFiles(store, [file], { onProgress: () => seen.push(readdirSync(rows)) });
      store.close();
      expect(r.accepted).toBe(lines.length);
    } finally {
      if (before === undefined) delete process.env.PLANLEDGER_TMPDIR;
      else process.env.PLANLEDGER_TMPDIR = before;
      alive.kill();
    }
    const own = `planledger-ingest-${process.pid}-`;
    expect(seen.some((names) => names.some((n) => n.startsWith(own)))).toBe(true);
    expect(readdirSync(rows)).toEqual([`planledger-ingest-${alive.pid}-y.tmp`]);
  });
});
