/**
 * Ingest: NDJSON files (parsed and validated by worker threads, written by this thread) and
 * in-process event streams (the simulator), both through the single EventWriter. Counts of
 * every run add up: read = accepted + rejected + duplicates (docs/store.md, "Counts").
 */
import { createHash, randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access, open, readdir, rm, stat, statfs } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type CanonicalEvent, type Contract, loadContract } from '../store/contract-adapter.js';
import { faultPoint } from '../store/fault.js';
import type { Store } from '../store/open.js';
import { RowBatchBuilder } from '../store/row-batch.js';
import { ensureScenarioRows } from '../store/scenarios.js';
import { type BatchResult, EventWriter, type Rejection } from '../store/writer.js';
import { type ChunkRange, ingestFileJson } from './file-json.js';
import { nativeRecogniser } from './native.js';
import { type ChunkResult, parseChunk } from './parse-chunk.js';
import { type Recognition, readRange, recogniseChunk } from './recognise-chunk.js';

export interface IngestCounts {
  read: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  /** Blank lines skipped (not events, not in `read`). */
  blank: number;
  batches: number;
  seconds: number;
  events_per_second: number;
  /** Scenario ids seen among accepted events. */
  scenarios: string[];
}

export interface IngestProgress {
  bytesDone: number;
  bytesTotal: number;
  read: number;
}

export interface IngestOptions {
  /** Worker threads that parse and validate (default: available parallelism, at most 4; inline below 16 MiB of input). */
  workers?: number;
  /** Bytes per chunk handed to a worker (default 4 MiB). */
  chunkBytes?: number;
  /**
   * Bytes per committed batch (whole chunks). Default: 1 GiB on the read_json path (a segment),
   * 128 MiB on the SQL and worker paths.
   */
  batchBytes?: number;
  /** Events per committed batch for in-process streams (default 250,000). */
  batchEvents?: number;
  onProgress?: (p: IngestProgress) => void;
  /** Called after each committed batch. */
  onBatch?: (b: BatchResult) => void;
  /** Called when a file (from `firstLine` on) takes one of the paths (docs/store.md, "Ingest path"). */
  onRoute?: (r: { source: string; path: 'csv' | 'json' | 'workers'; firstLine: number }) => void;
  /**
   * The name recorded for each file in ingest_batches and event_rejections, by position (default:
   * its absolute path; the CLI's `-` is recorded as `stdin`).
   */
  sources?: string[];
  /** Identifies this run in ingest_batches (default: a random UUID). */
  runId?: string;
  /**
   * File ingest's path: 'auto' (default: the read_csv path, or read_json without the native
   * splitter, while every line can be stored there; from the first segment with a line that
   * cannot, the worker path), or always 'workers' (tests and benchmarks compare them).
   */
  path?: 'auto' | 'workers';
  /**
   * Stops the ingest when aborted (the CLI's SIGINT / SIGTERM): DuckDB's statement is interrupted,
   * the open batch rolled back, the temporary file removed, and `IngestInterrupted` thrown with
   * what was committed before (docs/store.md, "Interrupted").
   */
  signal?: AbortSignal;
  /**
   * On the 'auto' path, split canonical segments with the native splitter when it is built and
   * load them with DuckDB's CSV reader (default true); false keeps the read_json reader (tests
   * compare the two).
   */
  native?: boolean;
}

/**
 * Bytes per segment (= batch) on the read_json path when `batchBytes` is not given: larger than
 * the other paths' batches because each statement and commit costs a fixed part (docs/store.md,
 * "Ingest path: read_json"), and this path holds no rows in memory.
 */
export const DEFAULT_SEGMENT_BYTES = 1 << 30;

/**
 * An ingest stopped by its `signal`: the batches committed before it stay (whole); nothing of
 * the batch under way is stored. Running the same ingest again finishes it (what was committed
 * counts as duplicates).
 */
export class IngestInterrupted extends Error {
  override name = 'IngestInterrupted';
  constructor(
    /** The counts of the committed batches. */
    readonly counts: IngestCounts,
    /** Files committed whole. */
    readonly filesDone: string[],
    /** The file under way, and its lines committed (0: none), when it had started. */
    readonly current: { source: string; linesCommitted: number } | null,
    /** The files not started. */
    readonly filesNotStarted: string[],
  ) {
    super(
      `ingest interrupted: committed ${counts.batches} batches (read ${counts.read}: accepted ${counts.accepted}, rejected ${counts.rejected}, duplicates ${counts.duplicates})`,
    );
  }
}

function emptyCounts(): IngestCounts {
  return {
    read: 0,
    accepted: 0,
    rejected: 0,
    duplicates: 0,
    blank: 0,
    batches: 0,
    seconds: 0,
    events_per_second: 0,
    scenarios: [],
  };
}

function addBatch(c: IngestCounts, b: BatchResult): void {
  c.read += b.read;
  c.accepted += b.accepted;
  c.rejected += b.rejected;
  c.duplicates += b.duplicates;
  c.batches++;
}

function finish(c: IngestCounts, t0: number): IngestCounts {
  c.seconds = (performance.now() - t0) / 1000;
  c.events_per_second = c.seconds > 0 ? Math.round(c.read / c.seconds) : 0;
  return c;
}

// ---- worker pool ----

/** A parser worker: the compiled module, or (running from sources, in development and tests) via tsx. */
function workerThread(): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./worker.js', here));
  const tsx = pathToFileURL(createRequire(here).resolve('tsx/esm/api')).href.replace(
    /index\.cjs$/,
    'index.mjs',
  );
  const url = new URL('./worker.ts', here).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url)}); });`;
  return new Worker(boot, { eval: true });
}

type Pending = { resolve: (r: never) => void; reject: (e: Error) => void };

class ParserPool {
  private workers: Worker[] = [];
  private pending = new Map<number, Pending>();
  private nextId = 0;
  private rr = 0;

  static async start(count: number): Promise<ParserPool> {
    const pool = new ParserPool();
    const ready: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      const w = workerThread();
      ready.push(
        new Promise((res, rej) => {
          w.once('error', rej);
          w.once('message', () => res());
        }),
      );
      w.on('message', (m: { id?: number; result?: unknown; error?: string }) => {
        if (m.id === undefined) return;
        const p = pool.pending.get(m.id);
        if (!p) return;
        pool.pending.delete(m.id);
        if (m.error !== undefined) p.reject(new Error(`ingest worker failed: ${m.error}`));
        else p.resolve(m.result as never);
      });
      w.on('error', (err) => {
        for (const p of pool.pending.values()) p.reject(err);
        pool.pending.clear();
      });
      pool.workers.push(w);
    }
    await Promise.all(ready);
    return pool;
  }

  parse(bytes: Uint8Array, stripBom: boolean): Promise<ChunkResult> {
    const id = this.nextId++;
    const w = this.workers[this.rr++ % this.workers.length];
    return new Promise((res, rej) => {
      this.pending.set(id, { resolve: res, reject: rej });
      w.postMessage({ id, bytes, stripBom }, [bytes.buffer as ArrayBuffer]);
    });
  }

  /** Recognise a chunk the worker reads from the file itself, on one of the first `use` workers. */
  recognise(range: ChunkRange, use: number): Promise<Recognition> {
    const id = this.nextId++;
    const w = this.workers[this.rr++ % Math.min(use, this.workers.length)];
    const { path, offset, length } = range;
    return new Promise((res, rej) => {
      this.pending.set(id, { resolve: res, reject: rej });
      w.postMessage({ id, bytes: new Uint8Array(0), stripBom: false, recognise: { path, offset, length } });
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

// ---- file input ----

/** Whole-line chunks of a file, each in its own buffer (so it can be transferred). */
async function* fileChunks(path: string, chunkBytes: number, offset = 0): AsyncGenerator<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    let position = offset;
    let carry: Uint8Array = new Uint8Array(0);
    let size = chunkBytes;
    for (;;) {
      const buf = new Uint8Array(Math.max(size, carry.length * 2));
      buf.set(carry, 0);
      const { bytesRead } = await fh.read(buf, carry.length, buf.length - carry.length, position);
      position += bytesRead;
      const filled = carry.length + bytesRead;
      if (bytesRead === 0) {
        if (filled > 0) yield buf.subarray(0, filled).slice();
        return;
      }
      const lastNl = buf.lastIndexOf(10, filled - 1);
      if (lastNl < 0) {
        // A line longer than the buffer: read more before cutting.
        carry = buf.subarray(0, filled);
        size *= 2;
        continue;
      }
      carry = buf.slice(lastNl + 1, filled);
      yield buf.subarray(0, lastNl + 1);
    }
  } finally {
    await fh.close();
  }
}

/**
 * Where a segment's copy (split rows, or copied lines) goes while DuckDB reads it: a RAM-backed
 * directory when there is one with room for twice the segment (PLANLEDGER_TMPDIR, else
 * /dev/shm): writing 430 MB of rows took 0.19 s there against 1.3 s on the disk's ext4 (docs/
 * store.md, "Ingest path"); else next to the database, else the system's temporary directory.
 */
async function ingestTempPath(dbPath: string, runId: string, segmentBytes: number): Promise<string> {
  const name = `planledger-ingest-${process.pid}-${runId}.tmp`;
  for (const dir of [process.env.PLANLEDGER_TMPDIR, '/dev/shm']) {
    if (dir === undefined || dir === '') continue;
    try {
      await access(dir, constants.W_OK);
      await removeStaleCopies(dir);
      const fs = await statfs(dir);
      if (fs.bavail * fs.bsize >= 2 * segmentBytes) return join(dir, name);
    } catch {
      // not there, or not writable: the next place
    }
  }
  return dbPath === ':memory:' || dbPath === '' ? join(tmpdir(), name) : `${dbPath}.ingest.tmp`;
}

/** Copies left in a RAM-backed directory by ingests that were killed (their process is gone). */
async function removeStaleCopies(dir: string): Promise<void> {
  for (const f of await readdir(dir)) {
    const m = /^planledger-ingest-(\d+)-.*\.tmp$/.exec(f);
    if (m === null || Number(m[1]) === process.pid) continue;
    try {
      process.kill(Number(m[1]), 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') await rm(join(dir, f), { force: true });
    }
  }
}

/** An iterator that yields `first`, then the rest of `rest`. */
async function* prepend(first: Uint8Array, rest: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield first;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

/**
 * Ingest NDJSON files: validate every line, store accepted events once, keep rejections. Each
 * file takes the read_csv path (read_json without the native splitter) while its lines can be
 * stored there, and the worker path from the first segment with a line that cannot
 * (docs/store.md, "Ingest path"); both give the same rows, rejections and counts.
 */
export async function ingestFiles(
  store: Store,
  files: string[],
  opts: IngestOptions = {},
): Promise<IngestCounts> {
  const t0 = performance.now();
  const counts = emptyCounts();
  const chunkBytes = opts.chunkBytes ?? 4 << 20;
  const chunksPerBatch = Math.max(1, Math.round((opts.batchBytes ?? 128 << 20) / chunkBytes));
  const runId = opts.runId ?? randomUUID();
  let bytesTotal = 0;
  for (const f of files) bytesTotal += (await stat(f)).size;
  // Small inputs are parsed inline: starting worker threads costs more than it saves.
  const workerCount = opts.workers ?? (bytesTotal < 4 * chunkBytes ? 0 : Math.min(4, availableParallelism()));
  const writer = await EventWriter.create(store);
  let pool: ParserPool | undefined;
  const scenarios = new Set<string>();
  let bytesDone = 0;
  const onBatch = (res: BatchResult, blank: number) => {
    addBatch(counts, res);
    counts.blank += blank;
    opts.onBatch?.(res);
  };
  const storeThreads = Number(
    (await store.connection.runAndReadAll("SELECT current_setting('threads')")).getRows()[0][0],
  );
  const insertThreads = Math.max(1, Math.floor(storeThreads / 2));
  // The read_json path recognises on this thread, beside DuckDB's statement, unless more cores
  // are left than this one (docs/store.md, "Ingest path: read_json").
  const recognisers = Math.max(1, availableParallelism() - insertThreads);
  const segmentBytes = opts.batchBytes ?? DEFAULT_SEGMENT_BYTES;
  const tempPath = await ingestTempPath(store.path, runId, Math.min(segmentBytes, bytesTotal));
  const onBytes = (bytes: number, readInBatch: number) => {
    bytesDone += bytes;
    opts.onProgress?.({ bytesDone, bytesTotal, read: counts.read + readInBatch });
  };
  // Stopping: DuckDB's statement is interrupted at once; every path reads its input through
  // `chunksOf` (or reports each block through onChecked), where the stop is then thrown.
  const signal = opts.signal;
  const interrupt = () => store.connection.interrupt();
  signal?.addEventListener('abort', interrupt, { once: true });
  const stopIfAborted = () => {
    if (signal?.aborted) throw new Error('ingest stopped');
  };
  async function* chunksOf(path: string, offset = 0): AsyncGenerator<Uint8Array> {
    for await (const chunk of fileChunks(path, chunkBytes, offset)) {
      stopIfAborted();
      yield chunk;
    }
  }
  let fileIndex = 0;
  try {
    for (; fileIndex < files.length; fileIndex++) {
      stopIfAborted();
      const file = files[fileIndex];
      const source = sourceOf(opts, files, fileIndex);
      let startLine = 0;
      let chunks: AsyncIterator<Uint8Array> = chunksOf(file);
      if ((opts.path ?? 'auto') === 'auto') {
        if (pool === undefined && workerCount > 0 && recognisers > 1)
          pool = await ParserPool.start(workerCount);
        const p = recognisers > 1 ? pool : undefined;
        const splitter = opts.native === false ? null : nativeRecogniser();
        opts.onRoute?.({ source, path: splitter ? 'csv' : 'json', firstLine: 1 });
        const outcome = await ingestFileJson(
          {
            conn: store.connection,
            writer,
            runId,
            source,
            file: resolve(file),
            tempPath,
            segmentBytes,
            splitter,
            chunkBytes,
            recognise: (range) =>
              p
                ? p.recognise(range, recognisers)
                : Promise.resolve(recogniseChunk(range.bytes ?? readRange(range))),
            inFlight: p ? 2 * recognisers : 1,
            insertThreads,
            storeThreads,
            onBatch,
            onBytes,
            onChecked: (bytes) => {
              stopIfAborted();
              opts.onProgress?.({ bytesDone: bytesDone + bytes, bytesTotal, read: counts.read });
            },
            scenarios,
          },
          chunksOf,
        );
        if (outcome.rest === undefined) continue;
        startLine = outcome.lines;
        chunks = outcome.rest;
      }
      const head = await chunks.next();
      if (head.done) continue;
      const rest: AsyncIterator<Uint8Array> = prepend(head.value, chunks);
      opts.onRoute?.({ source, path: 'workers', firstLine: startLine + 1 });
      if (pool === undefined && workerCount > 0) pool = await ParserPool.start(workerCount);
      const contract: Contract | undefined = pool ? undefined : await loadContract();
      const p = pool;
      const parse = (bytes: Uint8Array, stripBom: boolean) =>
        p ? p.parse(bytes, stripBom) : Promise.resolve(parseChunk(bytes, contract!, stripBom));
      const inFlight: { result: Promise<ChunkResult>; bytes: number; hash: ReturnType<typeof createHash> }[] =
        [];
      // Two chunks a worker in flight: enough to keep every worker busy while this thread
      // appends, few enough that results are taken (and their memory freed) as they come.
      const limit = Math.max(2, workerCount * 2);
      const all = rest;
      let chunkIndex = 0;
      let eof = false;
      let line = startLine; // lines of this file before the current chunk
      let hash = createHash('sha256');
      let batchStart = new Date();
      let batchFirstLine = startLine + 1;
      let batchRead = 0;
      let batchBlank = 0;
      let batchChunks = 0;
      let rejections: Rejection[] = [];
      for (;;) {
        while (!eof && inFlight.length < limit) {
          const next = await all.next();
          if (next.done) {
            eof = true;
            break;
          }
          const bytes = next.value;
          // The batch's sha256 covers its raw bytes; batches are whole chunks.
          if (chunkIndex > 0 && chunkIndex % chunksPerBatch === 0) hash = createHash('sha256');
          hash.update(bytes);
          const n = bytes.length;
          inFlight.push({ result: parse(bytes, chunkIndex === 0 && startLine === 0), bytes: n, hash });
          chunkIndex++;
        }
        const head = inFlight.shift();
        if (head === undefined) break;
        const r = await head.result;
        await writer.stage(r.batch);
        faultPoint('ingest-workers');
        if (r.rejections.length > 0) {
          for (const rej of r.rejections) rej.line += line;
          rejections = rejections.concat(r.rejections);
        }
        collectScenarios(r, scenarios);
        line += r.lines;
        batchBlank += r.lines - r.read;
        batchRead += r.read;
        batchChunks++;
        bytesDone += head.bytes;
        const lastOfFile = eof && inFlight.length === 0;
        if (batchChunks === chunksPerBatch || lastOfFile) {
          await writer.stageRejections(rejections);
          const res = await writer.commit({
            runId,
            source,
            sha256: head.hash.digest('hex'),
            firstLine: batchFirstLine,
            lastLine: line,
            read: batchRead,
            startedAt: batchStart,
          });
          onBatch(res, batchBlank);
          batchChunks = 0;
          batchRead = 0;
          batchBlank = 0;
          rejections = [];
          batchFirstLine = line + 1;
          batchStart = new Date();
        }
        opts.onProgress?.({ bytesDone, bytesTotal, read: counts.read + batchRead });
      }
    }
    counts.scenarios = [...scenarios].sort();
    await ensureScenarioRows(store.connection, counts.scenarios);
  } catch (err) {
    if (!signal?.aborted) throw err;
    await writer.close(); // roll back the batch under way before reading what was committed
    throw await interrupted(store, runId, files, fileIndex, finish(counts, t0), opts);
  } finally {
    signal?.removeEventListener('abort', interrupt);
    await writer.close();
    await pool?.stop();
    await rm(tempPath, { force: true });
  }
  return finish(counts, t0);
}

/** What an interrupted run committed, file by file (from its ingest_batches rows). */
async function interrupted(
  store: Store,
  runId: string,
  files: string[],
  at: number,
  counts: IngestCounts,
  opts: IngestOptions,
): Promise<IngestInterrupted> {
  const named = files.map((f, i) => opts.sources?.[i] ?? f);
  // The counts of what is committed, from the run's ingest_batches rows: a stop that comes just
  // after a COMMIT, before the counts in memory took that batch, must still report it.
  const [batches, read, accepted, rejected, duplicates] = (
    await store.connection.runAndReadAll(
      `SELECT count(*), coalesce(sum(read_count), 0), coalesce(sum(accepted_count), 0),
              coalesce(sum(rejected_count), 0), coalesce(sum(duplicate_count), 0)
         FROM ingest_batches WHERE run_id = $run`,
      { run: runId },
    )
  )
    .getRows()[0]
    .map(Number);
  const committed = { ...counts, batches, read, accepted, rejected, duplicates };
  let current: IngestInterrupted['current'] = null;
  if (at < files.length) {
    const r = await store.connection.runAndReadAll(
      'SELECT coalesce(max(last_line), 0) FROM ingest_batches WHERE run_id = $run AND source = $source',
      { run: runId, source: sourceOf(opts, files, at) },
    );
    current = { source: named[at], linesCommitted: Number(r.getRows()[0][0]) };
  }
  return new IngestInterrupted(committed, named.slice(0, at), current, named.slice(at + 1));
}

/** The name recorded for file `i` (ingest_batches.source). */
function sourceOf(opts: IngestOptions, files: string[], i: number): string {
  return opts.sources?.[i] ?? resolve(files[i]);
}

/** Scenario ids of a chunk's rows, read from the string images (short ids) or long strings. */
function collectScenarios(r: ChunkResult, into: Set<string>): void {
  const b = r.batch;
  if (b.count === 0) return;
  const img = b.strImages[0];
  const dec = new TextDecoder();
  let last = '';
  // Long scenario ids: from the long-string list (column 0).
  let prevEnd = 0;
  for (let k = 0; k < b.longCount; k++) {
    const end = b.longs[k * 3 + 2];
    if (b.longs[k * 3] === 0) into.add(dec.decode(b.blob.subarray(prevEnd, end)));
    prevEnd = end;
  }
  for (let row = 0; row < b.count; row++) {
    const len = img[row * 16];
    if (len === 0 || len > 12) continue;
    const s = dec.decode(img.subarray(row * 16 + 4, row * 16 + 4 + len));
    if (s !== last) {
      into.add(s);
      last = s;
    }
  }
}

// ---- in-process streams ----

export interface StreamIngestOptions extends IngestOptions {
  /** Names the stream in ingest_batches and event_rejections (e.g. `simulate:<scenario>`). */
  source: string;
  /** Re-validate each event against the contract (default true; about a microsecond each). */
  validate?: boolean;
}

/**
 * Ingest canonical event objects produced in this process (no JSON round trip for the rows:
 * only the payload is serialized once, for the stored canonical payload text).
 */
export async function ingestEvents(
  store: Store,
  events: Iterable<CanonicalEvent> | AsyncIterable<CanonicalEvent>,
  opts: StreamIngestOptions,
): Promise<IngestCounts> {
  const t0 = performance.now();
  const counts = emptyCounts();
  const batchEvents = opts.batchEvents ?? 250_000;
  const validate = opts.validate ?? true;
  const contract = await loadContract();
  const writer = await EventWriter.create(store);
  const runId = opts.runId ?? randomUUID();
  const scenarios = new Set<string>();
  let builder = new RowBatchBuilder(8192);
  let rejections: Rejection[] = [];
  let read = 0;
  let batchRead = 0;
  let firstIndex = 1;
  let batchStart = new Date();
  const flushRows = async () => {
    await writer.stage(builder.finish());
    builder = new RowBatchBuilder(8192);
  };
  const commit = async () => {
    await flushRows();
    await writer.stageRejections(rejections);
    const res = await writer.commit({
      runId,
      source: opts.source,
      sha256: null,
      firstLine: firstIndex,
      lastLine: read,
      read: batchRead,
      startedAt: batchStart,
    });
    addBatch(counts, res);
    opts.onBatch?.(res);
    rejections = [];
    batchRead = 0;
    firstIndex = read + 1;
    batchStart = new Date();
    opts.onProgress?.({ bytesDone: 0, bytesTotal: 0, read });
  };
  try {
    for await (const input of events) {
      read++;
      batchRead++;
      let event = input;
      if (validate) {
        const v = contract.validateEvent(input);
        if (!v.ok) {
          rejections.push({ line: read, rawText: safeJson(input), problems: v.problems });
          continue;
        }
        event = v.event;
      }
      scenarios.add(event.scenario_id);
      builder.add(event);
      if (builder.count >= 8192) await flushRows();
      if (batchRead >= batchEvents) await commit();
    }
    if (batchRead > 0 || counts.batches === 0) await commit();
    counts.scenarios = [...scenarios].sort();
    await ensureScenarioRows(store.connection, counts.scenarios);
  } finally {
    await writer.close();
  }
  return finish(counts, t0);
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
