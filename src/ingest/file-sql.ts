/**
 * One NDJSON file through ingest's SQL path (docs/store.md, "Ingest path"). Per group of
 * chunks: the bytes go into a temporary table, DuckDB splits and parses the lines and stores, in
 * one parallel `INSERT … SELECT`, every line proven to be the canonical text of a valid event
 * (sql.ts); this thread then validates the other lines exactly as the worker path does
 * (parse-chunk.ts, `takeLine`). Sequence numbers follow the file's lines (seq = group base +
 * line − group's first line), so stored order is file order whichever way a line went. Groups
 * add up to batches; each batch is one transaction (writer.ts), as on the worker path.
 */
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { type DuckDBConnection, DuckDBDataChunk } from '@duckdb/node-api';
import d from '@duckdb/node-bindings';
import { type Contract, loadContract } from '../store/contract-adapter.js';
import { faultPoint } from '../store/fault.js';
import { RowBatchBuilder } from '../store/row-batch.js';
import type { BatchResult, EventWriter, Rejection } from '../store/writer.js';
import { decodeLines, takeLine } from './parse-chunk.js';
import { CREATE_LINES_SQL, DROP_SQL, FAST_INSERT_SQL, LINES_TABLE, REST_SQL, SCENARIOS_SQL } from './sql.js';

export interface SqlFileContext {
  conn: DuckDBConnection;
  writer: EventWriter;
  runId: string;
  source: string;
  /** Lines of the file already committed (by the read_json path) before the first chunk. */
  startLine?: number;
  chunksPerBatch: number;
  /** Called after each committed batch with its counts and its blank lines. */
  onBatch(res: BatchResult, blank: number): void;
  /** Called after each batch with the bytes it covered and the lines it read. */
  onBytes(bytes: number, readInBatch: number): void;
  scenarios: Set<string>;
  /** Hand the file back after its first batch when that batch was mostly not proven canonical. */
  stopIfNotCanonical: boolean;
}

/** Lines in a chunk (a last line without its newline counts). */
function lineCount(bytes: Uint8Array): number {
  let n = 0;
  for (let at = bytes.indexOf(10); at >= 0; at = bytes.indexOf(10, at + 1)) n++;
  return bytes.length > 0 && bytes[bytes.length - 1] !== 10 ? n + 1 : n;
}

const CHUNK_ROWS = 2048;

/**
 * Load the lines of UTF-8 chunks into the lines table, numbered from `firstLine`, as DuckDB
 * data chunks whose strings are copied straight from the file's bytes (no JavaScript strings);
 * returns the chunks that are not UTF-8 (DuckDB's VARCHAR must be), for the JavaScript path.
 */
async function loadLines(
  conn: DuckDBConnection,
  chunks: Uint8Array[],
  firstLine: number,
): Promise<{ bytes: Uint8Array; firstLine: number }[]> {
  await conn.run(CREATE_LINES_SQL);
  const appender = await conn.createAppender(LINES_TABLE, 'main', 'temp');
  const types = [appender.columnType(0), appender.columnType(1)];
  const aside: { bytes: Uint8Array; firstLine: number }[] = [];
  const lineNos = new BigInt64Array(CHUNK_ROWS);
  let line = firstLine;
  let rows = 0;
  let chunk = DuckDBDataChunk.create(types, CHUNK_ROWS);
  let text = d.data_chunk_get_vector(chunk.chunk, 1);
  const flush = () => {
    if (rows === 0) return;
    d.copy_data_to_vector(d.data_chunk_get_vector(chunk.chunk, 0), 0, lineNos.buffer, 0, rows * 8);
    chunk.rowCount = rows;
    appender.appendDataChunk(chunk);
    chunk = DuckDBDataChunk.create(types, CHUNK_ROWS);
    text = d.data_chunk_get_vector(chunk.chunk, 1);
    rows = 0;
  };
  try {
    for (const bytes of chunks) {
      if (!isUtf8(bytes)) {
        aside.push({ bytes, firstLine: line });
        line += lineCount(bytes);
        continue;
      }
      for (let start = 0; start < bytes.length; ) {
        let end = bytes.indexOf(10, start);
        if (end < 0) end = bytes.length;
        lineNos[rows] = BigInt(line++);
        d.vector_assign_string_element_len(text, rows, bytes.subarray(start, end));
        if (++rows === CHUNK_ROWS) flush();
        start = end + 1;
      }
    }
    flush();
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  return aside;
}

let contract: Contract | undefined;

/** Where a file stands when the SQL path hands it back. */
export interface SqlFileOutcome {
  /** Lines of the file consumed (committed) so far. */
  lines: number;
  /** True when the file is done; false when its first batch showed it is not mostly canonical. */
  done: boolean;
}

/**
 * Ingest a file's chunks batch by batch through the SQL path. After the first batch, a file
 * whose lines were mostly not proven canonical (fewer than half) is handed back, the iterator
 * at the next chunk, for the worker path: there every line is parsed in JavaScript anyway, on
 * all cores.
 */
export async function ingestFileSql(
  ctx: SqlFileContext,
  chunks: AsyncIterator<Uint8Array>,
): Promise<SqlFileOutcome> {
  const { conn, writer } = ctx;
  let line = ctx.startLine ?? 0; // lines of the file before the current batch
  try {
    for (let batchNo = 0; ; batchNo++) {
      const group: Uint8Array[] = [];
      const hash = createHash('sha256');
      let lines = 0;
      let bytes = 0;
      while (group.length < ctx.chunksPerBatch) {
        const next = await chunks.next();
        if (next.done) break;
        group.push(next.value);
        hash.update(next.value);
        lines += lineCount(next.value);
        bytes += next.value.length;
      }
      if (group.length === 0) return { lines: line, done: true };
      const startedAt = new Date();
      const firstLine = line + 1;
      line += lines;
      let read = 0;
      let blank = 0;
      let fast = 0;
      const rejections: Rejection[] = [];

      // ---- the SQL path ----
      const aside = await loadLines(conn, group, firstLine);
      const base = await writer.reserve(lines);
      const params = { base, first: firstLine };
      fast = await writer.insertSelect(FAST_INSERT_SQL, params);
      faultPoint('ingest-sql');
      read += fast;
      if (fast > 0) {
        for (const [s] of (await conn.runAndReadAll(SCENARIOS_SQL, { base })).getRows()) {
          ctx.scenarios.add(String(s));
        }
      }
      // ---- every other line: JavaScript, as on the worker path ----
      const rest = (await conn.runAndReadAll(REST_SQL, params)).getRows();
      const builder = new RowBatchBuilder(16);
      const seqs: bigint[] = [];
      const take = (text: string, fileLine: number, badUtf8 = false) => {
        if (fileLine === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        const r = takeLine(text, fileLine, contract!, builder, rejections, badUtf8);
        if (r === 'blank') blank++;
        else read++;
        if (typeof r === 'object') {
          seqs.push(base + BigInt(fileLine - firstLine));
          ctx.scenarios.add(r.scenario_id);
        }
      };
      if (rest.length > 0 || aside.length > 0) contract ??= await loadContract();
      for (const [no, text] of rest) take(String(text), Number(no));
      for (const a of aside) {
        const { lines: decoded, badUtf8 } = decodeLines(a.bytes);
        for (let i = 0; i < decoded.length; i++) take(decoded[i], a.firstLine + i, badUtf8?.has(i));
      }
      const batch = builder.finish();
      if (batch.count > 0) await writer.stage(batch, BigInt64Array.from(seqs));
      ctx.onBytes(bytes, read);

      await writer.stageRejections(rejections);
      const res = await writer.commit({
        runId: ctx.runId,
        source: ctx.source,
        sha256: hash.digest('hex'),
        firstLine,
        lastLine: line,
        read,
        startedAt,
      });
      ctx.onBatch(res, blank);
      if (ctx.stopIfNotCanonical && batchNo === 0 && fast * 2 < read) return { lines: line, done: false };
    }
  } finally {
    for (const sql of DROP_SQL) await conn.run(sql);
  }
}
