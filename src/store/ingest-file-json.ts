/**
 * One NDJSON file through ingest's read_json path (docs/store.md, "Ingest path: read_json"), the
 * fastest: when every line of a segment of the file is already the canonical text of a valid
 * event, DuckDB's own typed JSON reader loads the segment in one statement, while the parser
 * workers confirm, line by line, that every line is canonical and valid (recognise-chunk.ts).
 * A segment is one batch (one transaction, writer.ts). If any line is not recognised, the
 * segment's rows are rolled back and the file continues, from that segment on, on the SQL and
 * worker paths, which decide and explain line by line: this path can only skip work, never
 * change what is accepted or stored.
 *
 * What DuckDB reads is exactly what the workers checked: a file that is one segment is read in
 * place, and must be unchanged (size, modification time, inode) from before its first byte was
 * read until its rows and the check are both done; the segments of a larger file are copied, as
 * this thread reads them, into a temporary file next to the database, which DuckDB then reads.
 */
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import { jsonInsertSql, PAYLOAD_CHARS_SQL, SCENARIOS_SQL } from './ingest-sql.js';
import type { Recognition } from './recognise-chunk.js';
import type { BatchResult, EventWriter } from './writer.js';

/** Where a chunk's bytes are, for a recogniser to read them itself (no copy between threads). */
export interface ChunkRange {
  path: string;
  offset: number;
  length: number;
  /** The bytes, when this thread still holds them (inline recognition). */
  bytes: Uint8Array;
}

export interface JsonFileContext {
  conn: DuckDBConnection;
  writer: EventWriter;
  runId: string;
  /** The file (absolute path). */
  source: string;
  /** Where a segment of a larger file is copied for DuckDB to read (the caller removes it). */
  tempPath: string;
  /** Bytes per segment (whole chunks); a file no larger is read in place. */
  segmentBytes: number;
  recognise(range: ChunkRange): Promise<Recognition>;
  /** DuckDB threads while it reads a segment: the other cores recognise (docs/store.md). */
  insertThreads: number;
  /** The store's DuckDB threads, restored after each segment's statement. */
  storeThreads: number;
  onBatch(res: BatchResult, blank: number): void;
  onBytes(bytes: number, readInBatch: number): void;
  scenarios: Set<string>;
}

export interface JsonFileOutcome {
  /** Lines of the file committed on this path. */
  lines: number;
  /** When not done: the file's chunks from the first line not committed, for the other paths. */
  rest?: AsyncIterator<Uint8Array>;
}

type Chunks = (path: string) => AsyncGenerator<Uint8Array>;

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

/**
 * Ingest a file segment by segment through the read_json path; hands the file back (with its
 * chunks from the failed segment on) at the first segment that is not wholly canonical.
 */
export async function ingestFileJson(ctx: JsonFileContext, chunksOf: Chunks): Promise<JsonFileOutcome> {
  const before = await stat(ctx.source);
  const inPlace = before.size <= ctx.segmentBytes;
  const chunks = chunksOf(ctx.source);
  let line = 0; // lines of the file committed so far
  if (before.size === 0) return { lines: 0 };
  const insert = async (file: string): Promise<{ first: bigint; count: number } | null> => {
    await ctx.conn.run(`SET threads = ${ctx.insertThreads}`);
    let rows: { first: bigint; count: number } | null = null;
    try {
      rows = await ctx.writer.insertNumbered(jsonInsertSql(file));
    } catch {
      // A value DuckDB's reader refuses (an invalid line): the other paths decide and explain.
      await ctx.writer.abort();
    }
    await ctx.conn.run(`SET threads = ${ctx.storeThreads}`);
    return rows;
  };

  for (;;) {
    const startedAt = new Date();
    let seg: Segment;
    let inserted: { first: bigint; count: number } | null = null;
    if (inPlace) {
      // DuckDB reads the file while this thread hashes it and the workers check it.
      const pending = insert(ctx.source);
      seg = await readSegment(ctx, chunks, inPlace);
      inserted = await pending;
    } else {
      seg = await readSegment(ctx, chunks, inPlace);
      if (seg.bytes === 0) return { lines: line };
      if (!seg.failed()) inserted = await insert(ctx.tempPath);
    }
    const checks = await Promise.all(seg.recognitions);
    const lines = checks.reduce((n, r) => n + r.lines, 0);
    const payloadChars = checks.reduce((n, r) => n + r.payloadChars, 0);
    let ok = inserted !== null && inserted.count === lines && checks.every((r) => r.ok);
    if (ok && inPlace) ok = sameFile(before, await stat(ctx.source));
    if (ok) {
      const r = await ctx.conn.runAndReadAll(PAYLOAD_CHARS_SQL, { base: inserted!.first });
      ok = Number(r.getRows()[0][0]) === payloadChars;
    }
    if (!ok) {
      await ctx.writer.abort();
      const rest = inPlace ? chunksOf(ctx.source) : concat(chunksOf(ctx.tempPath), chunks);
      if (inPlace) await chunks.return(undefined);
      return { lines: line, rest };
    }
    for (const [s] of (await ctx.conn.runAndReadAll(SCENARIOS_SQL, { base: inserted!.first })).getRows()) {
      ctx.scenarios.add(String(s));
    }
    const res = await ctx.writer.commit({
      runId: ctx.runId,
      source: ctx.source,
      sha256: seg.sha256,
      firstLine: line + 1,
      lastLine: line + lines,
      read: lines,
      startedAt,
    });
    line += lines;
    ctx.onBytes(seg.bytes, lines);
    ctx.onBatch(res, 0);
    if (seg.eof) return { lines: line };
  }
}

interface Segment {
  bytes: number;
  sha256: string;
  eof: boolean;
  recognitions: Promise<Recognition>[];
  /** True as soon as a recognised chunk held a line that is not canonical. */
  failed(): boolean;
}

/**
 * Read a segment's chunks: hash them, copy them to the temporary file (unless read in place),
 * and hand each to a recogniser as soon as its bytes are where the recogniser reads them.
 */
async function readSegment(
  ctx: JsonFileContext,
  chunks: AsyncIterator<Uint8Array>,
  inPlace: boolean,
): Promise<Segment> {
  const hash = createHash('sha256');
  const recognitions: Promise<Recognition>[] = [];
  let failed = false;
  let bytes = 0;
  let eof = false;
  const fh = inPlace ? undefined : await open(ctx.tempPath, 'w');
  try {
    while (bytes < ctx.segmentBytes) {
      const next = await chunks.next();
      if (next.done) {
        eof = true;
        break;
      }
      const b = next.value;
      hash.update(b);
      if (fh) await writeAll(fh, b);
      const p = ctx.recognise({
        path: inPlace ? ctx.source : ctx.tempPath,
        offset: bytes,
        length: b.length,
        bytes: b,
      });
      p.then(
        (r) => {
          if (!r.ok) failed = true;
        },
        () => undefined,
      );
      recognitions.push(p);
      bytes += b.length;
    }
  } finally {
    await fh?.close();
  }
  return { bytes, sha256: hash.digest('hex'), eof, recognitions, failed: () => failed };
}
