/**
 * One NDJSON file through ingest's fastest paths (docs/store.md, "Ingest path: read_csv" and
 * "read_json"): when every line of a segment of the file is already the canonical text of a
 * valid event, DuckDB's own reader loads the segment in one statement.
 *
 * - read_csv (the native recogniser is built): the segment's lines are recognised (normalised
 *   first when spelled otherwise) and split, off this thread, into numbered tab-separated rows
 *   in a temporary file (native/, `splitSegment`) while this thread hashes the same bytes; the
 *   few lines it cannot store (an escape, text outside ASCII, an invalid or blank line) are
 *   validated here, as on the worker path, and appended with their own line's seq. DuckDB's
 *   parallel CSV reader then loads the rows.
 * - read_json (without it): DuckDB's typed JSON reader loads the segment, numbered WITH
 *   ORDINALITY, while this thread (or, with more than three cores, parser workers) confirms
 *   line by line that every line is canonical (recognise-chunk.ts); the first chunk is checked
 *   before DuckDB starts, and a chunk that fails stops the statement. What DuckDB reads is
 *   exactly what was checked: a file that is one segment is read in place and must be unchanged
 *   (size, modification time, inode) until its rows and the check are done; the segments of a
 *   larger file are copied, as this thread reads them, into the temporary file.
 *
 * A segment is one batch (one transaction, writer.ts). If any line is not recognised, the
 * segment's rows are rolled back and the file continues, from that segment on, on the worker
 * path, which decides and explains line by line: these paths can only skip work, never
 * change what is accepted or stored.
 */
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import { loadContract } from '../store/contract-adapter.js';
import { faultPoint } from '../store/fault.js';
import { RowBatchBuilder } from '../store/row-batch.js';
import type { BatchResult, EventWriter, Rejection } from '../store/writer.js';
import type { NativeRecogniser } from './native.js';
import { decodeLines, takeLine } from './parse-chunk.js';
import type { Recognition } from './recognise-chunk.js';
import { csvInsertSql, jsonInsertSql, PAYLOAD_CHARS_SQL, SCENARIOS_SQL } from './sql.js';

/** Where a chunk's bytes are, for a recogniser to read them itself (no copy between threads). */
export interface ChunkRange {
  path: string;
  offset: number;
  length: number;
  /** The bytes, when this thread holds them. */
  bytes?: Uint8Array;
}

export interface JsonFileContext {
  conn: DuckDBConnection;
  writer: EventWriter;
  runId: string;
  /** The name recorded for the file in ingest_batches (its absolute path, or e.g. `stdin`). */
  source: string;
  /** The file to read (absolute path). */
  file: string;
  /** Where a segment of a larger file is copied for DuckDB to read (the caller removes it). */
  tempPath: string;
  /** Bytes per segment (whole chunks); a file no larger is read in place (without a splitter). */
  segmentBytes: number;
  /**
   * The native recogniser, when built: every segment is then recognised and split into
   * tab-separated rows in the temporary file, as it is read, and loaded by DuckDB's parallel CSV
   * reader (the read_csv path); no chunk is recognised in JavaScript.
   */
  splitter: NativeRecogniser | null;
  /** Bytes read at a time (the file's chunks). */
  chunkBytes: number;
  /** Recognise a chunk (inline, or in a worker that reads it from the file). */
  recognise(range: ChunkRange): Promise<Recognition>;
  /** Chunks being recognised at a time, at most. */
  inFlight: number;
  /** DuckDB threads while it reads a segment: the other cores recognise (docs/store.md). */
  insertThreads: number;
  /** The store's DuckDB threads, restored after each segment's statement. */
  storeThreads: number;
  onBatch(res: BatchResult, blank: number): void;
  onBytes(bytes: number, readInBatch: number): void;
  /** Bytes of the current segment checked so far (progress while DuckDB's statement runs). */
  onChecked(bytes: number): void;
  scenarios: Set<string>;
}

export interface JsonFileOutcome {
  /** Lines of the file committed on this path. */
  lines: number;
  /** When not done: the file's chunks from the first line not committed, for the other paths. */
  rest?: AsyncIterator<Uint8Array>;
}

/** Whole-line chunks of a file from a byte offset (the start of a line). */
type Chunks = (path: string, offset?: number) => AsyncGenerator<Uint8Array>;
type Rows = { first: bigint; count: number };

const sameFile = (a: Stats, b: Stats): boolean =>
  a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino && a.dev === b.dev;

async function writeAll(fh: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length; ) {
    const { bytesWritten } = await fh.write(bytes, at, bytes.length - at);
    at += bytesWritten;
  }
}

async function* concat(
  first: AsyncIterator<Uint8Array>,
  then: AsyncIterator<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  for (let n = await first.next(); !n.done; n = await first.next()) yield n.value;
  for (let n = await then.next(); !n.done; n = await then.next()) yield n.value;
}

/** Recognitions of a segment's chunks, a bounded number at a time; `onFail` at the first that fails. */
class Checks {
  private pending: Promise<Recognition>[] = [];
  readonly done: Recognition[] = [];
  failed = false;

  constructor(
    private readonly ctx: JsonFileContext,
    private readonly onFail: () => void,
  ) {}

  async add(range: ChunkRange): Promise<void> {
    if (this.failed) return;
    this.pending.push(this.ctx.recognise(range));
    while (this.pending.length >= this.ctx.inFlight)
      this.take(await (this.pending.shift() as Promise<Recognition>));
  }

  async all(): Promise<Recognition[]> {
    for (const r of await Promise.all(this.pending)) this.take(r);
    this.pending = [];
    return this.done;
  }

  private take(r: Recognition): void {
    this.done.push(r);
    if (!r.ok && !this.failed) {
      this.failed = true;
      this.onFail();
    }
  }
}

/**
 * Ingest a file segment by segment through the read_csv or read_json path; hands the file back
 * (with its chunks from the failed segment on) at the first segment that is not wholly canonical.
 */
export async function ingestFileJson(ctx: JsonFileContext, chunksOf: Chunks): Promise<JsonFileOutcome> {
  const before = await stat(ctx.file);
  if (before.size === 0) return { lines: 0 };
  const split = ctx.splitter !== null;
  const inPlace = !split && before.size <= ctx.segmentBytes;
  const file = inPlace ? ctx.file : ctx.tempPath;
  const chunks = chunksOf(ctx.file);
  let line = 0; // lines of the file committed so far
  let offset = 0; // bytes of the file committed so far
  // Done only when every byte of the file was committed here; else the other paths take the
  // rest, so that every line is read, accepted, rejected or a duplicate (never skipped).
  const handBack = async (): Promise<JsonFileOutcome> => {
    if (offset >= before.size) return { lines: line };
    await chunks.return(undefined);
    return { lines: line, rest: chunksOf(ctx.file, offset) };
  };
  for (;;) {
    const startedAt = new Date();
    // 1. The segment's first chunk is checked before DuckDB starts; a larger file's segment is
    //    copied (and hashed) first, or, with the splitter, every segment is split (and hashed).
    const hash = createHash('sha256');
    let bytes = 0;
    let eof = false;
    let ranges: ChunkRange[] = [];
    let splitted: Splitted = { ok: false, lines: 0, payloadChars: 0, rest: [] };
    if (inPlace) {
      const first = await chunks.next();
      if (first.done) eof = true;
      else {
        hash.update(first.value);
        ranges.push({ path: file, offset: 0, length: first.value.length, bytes: first.value });
        bytes = first.value.length;
      }
    } else if (split) {
      ({ bytes, eof, splitted } = await splitSegment(ctx, ctx.splitter as NativeRecogniser, offset, hash));
      faultPoint('ingest-split');
    } else {
      ({ bytes, eof, ranges } = await copySegment(ctx, chunks, hash));
    }
    // Nothing handed out: the file ended, or (split) its next line is longer than any canonical
    // line, which the other paths then reject with its reason.
    if (bytes === 0) return await handBack();
    const statement = { running: false };
    const checks = new Checks(ctx, () => {
      // Stop DuckDB's statement: the segment is not stored here. (An interrupt that arrives just
      // after the statement ended is a no-op: DuckDB clears it when the next statement starts.)
      if (statement.running) ctx.conn.interrupt();
    });
    let inserted: Promise<Rows | null> = Promise.resolve(null);
    if (split) {
      // 2'. Every line was recognised (and hashed) as it was split: DuckDB loads the rows.
      if (splitted.ok) {
        inserted = insertSegment(ctx, csvInsertSql(file), true, statement);
        faultPoint('ingest-statement');
      }
    } else {
      await checks.add(ranges[0]);
      if (!checks.failed) await checks.all();
      // 2. DuckDB stores the segment while the rest of it is checked.
      if (!checks.failed) {
        // The statement must be under way before this thread recognises (synchronously, when
        // inline): its transaction is opened first, and the event loop turns once after it starts.
        await ctx.writer.open();
        await ctx.conn.run(`SET threads = ${ctx.insertThreads}`);
        inserted = insertSegment(ctx, jsonInsertSql(file), false, statement);
        await new Promise((r) => setImmediate(r));
        if (inPlace) {
          for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
            hash.update(next.value);
            await checks.add({ path: file, offset: bytes, length: next.value.length, bytes: next.value });
            bytes += next.value.length;
            ctx.onChecked(bytes);
            if (checks.failed) break;
          }
          eof = true;
        } else {
          for (const r of ranges.slice(1)) {
            await checks.add(r);
            ctx.onChecked(r.offset + r.length);
          }
        }
      }
    }
    const recognitions = split ? [splitted] : await checks.all();
    const rows = await inserted;
    const lines = recognitions.reduce((n, r) => n + r.lines, 0);
    const payloadChars = recognitions.reduce((n, r) => n + r.payloadChars, 0);
    const restLines = splitted.rest.length;
    let ok =
      rows !== null && !checks.failed && recognitions.every((r) => r.ok) && rows.count === lines - restLines;
    // The lines the splitter left to the validator: with their own line's seq (numbers reserved
    // up to the segment's last line), rejections with their line.
    let blank = 0;
    if (ok && restLines > 0) {
      await ctx.writer.reserve(restLines);
      blank = await validateRest(ctx, splitted.rest, (rows as Rows).first, line);
    }
    // What was checked in place was read from the file itself: it must not have changed since.
    if (ok && inPlace) ok = sameFile(before, await stat(ctx.file));
    // read_json writes the payload back from its parse: its text must be the line's own. The
    // CSV reader stores the row's bytes as they are (no quoting, no escapes).
    if (ok && !split) {
      const r = await ctx.conn.runAndReadAll(PAYLOAD_CHARS_SQL, { base: (rows as Rows).first });
      ok = Number(r.getRows()[0][0]) === payloadChars;
    }
    if (!ok) {
      await ctx.writer.abort();
      await chunks.return(undefined);
      if (inPlace || split) return { lines: line, rest: chunksOf(ctx.file, offset) };
      return { lines: line, rest: concat(chunksOf(ctx.tempPath), chunksOf(ctx.file, offset + bytes)) };
    }
    const first = (rows as Rows).first;
    for (const [s] of (await ctx.conn.runAndReadAll(SCENARIOS_SQL, { base: first })).getRows()) {
      ctx.scenarios.add(String(s));
    }
    const res = await ctx.writer.commit({
      runId: ctx.runId,
      source: ctx.source,
      sha256: hash.digest('hex'),
      firstLine: line + 1,
      lastLine: line + lines,
      read: lines - blank,
      startedAt,
    });
    line += lines;
    offset += bytes;
    ctx.onBytes(bytes, lines - blank);
    ctx.onBatch(res, blank);
    if (eof) return await handBack();
  }
}

/**
 * One statement stores the segment (its rows numbered in file order); null when DuckDB refuses
 * a value or the statement is stopped (`running` tells when stopping it is meant for it).
 */
async function insertSegment(
  ctx: JsonFileContext,
  sql: string,
  parallel: boolean,
  statement: { running: boolean },
): Promise<Rows | null> {
  // read_json's numbered statement runs on one thread anyway (WITH ORDINALITY), with its threads
  // set by the caller; the CSV reader's rows carry their numbers and load in parallel.
  let rows: Rows | null = null;
  try {
    statement.running = true;
    rows = await ctx.writer.insertNumbered(sql);
  } catch {
    rows = null; // the other paths decide and explain
  } finally {
    statement.running = false;
  }
  if (rows === null) await ctx.writer.abort();
  if (!parallel) await ctx.conn.run(`SET threads = ${ctx.storeThreads}`);
  return rows;
}

/** Copy a segment of a larger file into the temporary file, hashing it; where its chunks are in the copy. */
async function copySegment(
  ctx: JsonFileContext,
  chunks: AsyncIterator<Uint8Array>,
  hash: ReturnType<typeof createHash>,
): Promise<{ bytes: number; eof: boolean; ranges: ChunkRange[] }> {
  const ranges: ChunkRange[] = [];
  let bytes = 0;
  let eof = false;
  const fh = await open(ctx.tempPath, 'w');
  try {
    while (bytes < ctx.segmentBytes) {
      const next = await chunks.next();
      if (next.done) {
        eof = true;
        break;
      }
      hash.update(next.value);
      await writeAll(fh, next.value);
      // The first chunk's bytes are kept: it is checked before DuckDB starts.
      ranges.push({
        path: ctx.tempPath,
        offset: bytes,
        length: next.value.length,
        bytes: bytes === 0 ? next.value : undefined,
      });
      bytes += next.value.length;
    }
  } finally {
    await fh.close();
  }
  return { bytes, eof, ranges };
}

/** The longest line the split path carries from one read to the next (a canonical line is < 8 KiB). */
const SPLIT_CARRY = 64 << 10;

/** The most lines of a segment the read_csv path leaves to the validator (else: the worker path). */
const MAX_REST = 65_536;

/** A segment split: as a Recognition, with the lines left to the validator (index in the segment). */
interface Splitted extends Recognition {
  rest: { index: number; bytes: Uint8Array }[];
}

/**
 * Validate the lines the splitter left, exactly as the worker path does (parse-chunk.ts), and
 * stage the accepted ones with seq = base + their index in the segment and the rejections with
 * their line in the file (`before`: the file's lines before the segment). Returns the blank lines.
 */
async function validateRest(
  ctx: JsonFileContext,
  rest: { index: number; bytes: Uint8Array }[],
  base: bigint,
  before: number,
): Promise<number> {
  rest.sort((a, b) => a.index - b.index);
  const contract = await loadContract();
  const builder = new RowBatchBuilder(Math.max(16, rest.length));
  const rejections: Rejection[] = [];
  const seqs: bigint[] = [];
  let blank = 0;
  for (const r of rest) {
    const { lines, badUtf8 } = decodeLines(r.bytes);
    const taken = takeLine(
      lines[0] ?? '',
      before + r.index + 1,
      contract,
      builder,
      rejections,
      badUtf8 !== null,
    );
    if (taken === 'blank') blank++;
    else if (taken !== 'rejected') seqs.push(base + BigInt(r.index));
  }
  const batch = builder.finish();
  if (batch.count > 0) await ctx.writer.stage(batch, BigInt64Array.from(seqs));
  await ctx.writer.stageRejections(rejections);
  return blank;
}

const startsWithBom = (b: Uint8Array): boolean =>
  b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;

/**
 * Recognise and split a segment of the file, from `offset`, into tab-separated rows in the
 * temporary file (native/canonical.c). The file is read in blocks (`chunkBytes`) into reused
 * buffers (the next block is read while this one is handed out); each block's whole lines, with the
 * line carried over from the block before, go to a thread of libuv's pool, two at a time,
 * each numbered from the lines before it (counted first); the rows are written in order.
 * A line the splitter cannot store (not canonical, and not normalised to a canonical line) is
 * copied into `splitted.rest` for the validator, up to a quarter of a block's lines and
 * `MAX_REST` in the segment; beyond, or at a line longer than any canonical line can be, the
 * segment stops (`splitted.ok` false) and goes to the worker path without starting DuckDB.
 * This thread hashes each block as it hands it out.
 */
async function splitSegment(
  ctx: JsonFileContext,
  native: NativeRecogniser,
  offset: number,
  hash: ReturnType<typeof createHash>,
): Promise<{ bytes: number; eof: boolean; splitted: Splitted }> {
  const splitted: Splitted = { ok: true, lines: 0, payloadChars: 0, rest: [] };
  let bytes = 0; // whole lines of the segment handed out
  let eof = false;
  let numbered = 0; // lines of the blocks handed out so far
  let written: Promise<void> = Promise.resolve(); // the rows go into the file in order
  const inFlight: Promise<void>[] = [];
  const freeIn: Uint8Array[] = [];
  const freeOut: Uint8Array[] = [];
  const input = await open(ctx.file, 'r');
  const output = await open(ctx.tempPath, 'w');
  // A block is read at the back of its buffer; the line carried from the block before is put
  // in front of it.
  const SPLIT_BLOCK = ctx.chunkBytes;
  const OUT_BYTES = 3 * (SPLIT_CARRY + SPLIT_BLOCK) + 4096; // room for any block's rows
  let position = offset;
  let next: Promise<{ buf: Uint8Array; n: number }> | undefined;
  const read = async () => {
    const buf = freeIn.pop() ?? new Uint8Array(SPLIT_CARRY + SPLIT_BLOCK);
    const at = position;
    position += SPLIT_BLOCK;
    let n = 0;
    while (n < SPLIT_BLOCK) {
      const { bytesRead } = await input.read(buf, SPLIT_CARRY + n, SPLIT_BLOCK - n, at + n);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    return { buf, n };
  };
  const take = async (buf: Uint8Array, chunk: Uint8Array, first: number, lines: number) => {
    // Each row is at most twice its line and 40 bytes, and a canonical line is longer than 200
    // bytes: room for every row of the chunk (a call that stops early fails the segment).
    const need = 3 * chunk.length + 4096;
    let out = freeOut.pop();
    if (out === undefined || out.length < need) out = new Uint8Array(Math.max(need, OUT_BYTES));
    const rest = new Int32Array(3 * Math.ceil(lines / 4));
    const [consumed, size, got, failedAt, chars, restLines] = await native.splitAsync(
      chunk,
      out,
      first,
      rest,
    );
    for (let i = 0; i < restLines; i++) {
      const at = 3 * i;
      splitted.rest.push({ index: first + rest[at], bytes: chunk.slice(rest[at + 1], rest[at + 2]) });
    }
    freeIn.push(buf);
    if (failedAt >= 0 || consumed !== chunk.length || got !== lines) splitted.ok = false;
    if (splitted.rest.length > MAX_REST) splitted.ok = false;
    splitted.lines += got;
    splitted.payloadChars += chars;
    const rows = out.subarray(0, size);
    const before = written;
    written = (async () => {
      await before;
      await writeAll(output, rows);
      freeOut.push(out);
    })();
  };
  try {
    let carry: Uint8Array = new Uint8Array(0);
    next = read();
    while (bytes < ctx.segmentBytes && splitted.ok) {
      const block = next;
      next = undefined;
      if (block === undefined) break;
      const { buf, n } = await block;
      const data = buf.subarray(SPLIT_CARRY - carry.length, SPLIT_CARRY + n);
      data.set(carry, 0);
      if (data.length === 0) {
        eof = true; // the file ended with the block before
        break;
      }
      const last = n < SPLIT_BLOCK; // the file ends in this block
      const end = last ? data.length : data.lastIndexOf(10) + 1;
      carry = data.slice(end);
      if (end === 0 || carry.length > SPLIT_CARRY) {
        splitted.ok = false; // a line longer than any canonical line
        break;
      }
      if (!last && bytes + end < ctx.segmentBytes) next = read();
      const chunk = data.subarray(0, end);
      const lines = native.countLines(chunk) + (chunk[chunk.length - 1] !== 10 ? 1 : 0);
      // A BOM that starts the file is not part of its first line (events.md, Wire format).
      const bom = offset === 0 && bytes === 0 && startsWithBom(chunk);
      inFlight.push(take(buf, bom ? chunk.subarray(3) : chunk, numbered, lines));
      // This thread hashes the bytes being split meanwhile (the same buffer: the stored rows
      // and the sha256 come from the same bytes).
      hash.update(chunk);
      numbered += lines;
      bytes += chunk.length;
      ctx.onChecked(bytes);
      if (inFlight.length >= 2) await inFlight.shift();
      if (last) {
        eof = true;
        break;
      }
    }
    await Promise.all(inFlight);
    await written;
  } finally {
    await next?.catch(() => undefined); // a read still under way when the segment stopped
    await input.close();
    await output.close();
  }
  if (splitted.lines !== numbered) splitted.ok = false;
  return { bytes, eof, splitted };
}
