/**
 * The single writer of fct_yearly_events. Rows arrive as RowBatches (from ingest workers or
 * from in-process event streams), are copied into DuckDB data chunks and appended to a
 * temporary staging table; `commit()` then moves the staged rows into the store in ONE
 * transaction together with the batch's rejections and its ingest_batches row, dropping
 * events whose event_id is already stored or staged earlier (docs/store.md, "Exactly once").
 * A process killed at any moment therefore leaves only whole batches.
 */
import { type DuckDBAppender, type DuckDBConnection, DuckDBDataChunk } from '@duckdb/node-api';
import d from '@duckdb/node-bindings';
import type { EventProblem } from './contract-adapter.js';
import type { Store } from './open.js';
import type { RowBatch } from './row-batch.js';

type Bindings = typeof d;

const STAGING = 'ingest_staging';
const REJECT_STAGING = 'ingest_reject_staging';
const CHUNK_ROWS = 2048;

export interface Rejection {
  line: number;
  rawText: string;
  problems: EventProblem[];
}

export interface BatchInfo {
  runId: string;
  source: string;
  sha256: string | null;
  firstLine: number | null;
  lastLine: number | null;
  /** Non-blank lines (file input) or events (stream input) read in this batch. */
  read: number;
  startedAt: Date;
}

export interface BatchResult {
  batchId: number;
  read: number;
  accepted: number;
  rejected: number;
  duplicates: number;
}

/** Column order of fct_yearly_events (ddl.ts): fixed-width columns then strings. */
const STRING_COLUMN_INDEX = [2, 3, 4, 8, 9, 10, 11, 12, 16];

export class EventWriter {
  private appender!: DuckDBAppender;
  private rejectAppender!: DuckDBAppender;
  private nextSeq = 1n;
  private nextBatchId = 1;
  private staged = 0;
  private stagedRejections = 0;
  private firstStagedSeq: bigint | null = null;

  private constructor(readonly conn: DuckDBConnection) {}

  static async create(store: Store): Promise<EventWriter> {
    if (store.readOnly) throw new Error('the store is open read-only');
    const w = new EventWriter(store.connection);
    await w.init();
    return w;
  }

  private async init(): Promise<void> {
    const c = this.conn;
    await c.run(`CREATE OR REPLACE TEMP TABLE ${STAGING} AS SELECT * FROM fct_yearly_events LIMIT 0`);
    await c.run(
      `CREATE OR REPLACE TEMP TABLE ${REJECT_STAGING} (line BIGINT, raw_text VARCHAR, reasons VARCHAR)`,
    );
    this.appender = await c.createAppender(STAGING, 'main', 'temp');
    this.rejectAppender = await c.createAppender(REJECT_STAGING, 'main', 'temp');
    const r = await c.runAndReadAll(
      'SELECT (SELECT coalesce(max(seq), 0) FROM fct_yearly_events), (SELECT coalesce(max(batch_id), 0) FROM ingest_batches)',
    );
    const [seq, batch] = r.getRows()[0] as [bigint, bigint];
    this.nextSeq = BigInt(seq) + 1n;
    this.nextBatchId = Number(batch) + 1;
  }

  /** Rows staged and not yet committed. */
  get stagedRows(): number {
    return this.staged;
  }

  /** Stage rows (in order: each gets the next sequence number). */
  stage(batch: RowBatch): void {
    if (batch.count === 0) return;
    if (this.firstStagedSeq === null) this.firstStagedSeq = this.nextSeq;
    const types = Array.from({ length: this.appender.columnCount }, (_, i) => this.appender.columnType(i));
    let longCursor = 0;
    for (let r0 = 0; r0 < batch.count; r0 += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, batch.count - r0);
      const chunk = DuckDBDataChunk.create(types, n);
      const vec = (i: number) => d.data_chunk_get_vector(chunk.chunk, i);
      const seqs = new BigInt64Array(n);
      for (let i = 0; i < n; i++) seqs[i] = this.nextSeq + BigInt(i);
      this.nextSeq += BigInt(n);
      copy(d, vec(0), seqs, 0, n, 8);
      copy(d, vec(1), batch.eventId, r0, n, 16);
      copy(d, vec(5), batch.effectiveDate, r0, n, 4);
      copy(d, vec(6), batch.simulationYear, r0, n, 4);
      copy(d, vec(7), batch.createdAt, r0, n, 8);
      copy(d, vec(13), batch.amount, r0, n, 8);
      validity(d, vec(13), batch.amountValid, r0, n);
      copy(d, vec(14), batch.ytdAmount, r0, n, 8);
      validity(d, vec(14), batch.ytdValid, r0, n);
      copy(d, vec(15), batch.vested, r0, n, 4);
      validity(d, vec(15), batch.vestedValid, r0, n);
      const stringVectors = STRING_COLUMN_INDEX.map((ci, k) => {
        const v = vec(ci);
        copy(d, v, batch.strImages[k], r0, n, 16);
        validity(d, v, batch.strValid[k], r0, n);
        return v;
      });
      // Long strings (more than 12 bytes) go through the C API, which owns their memory.
      const longs = batch.longs;
      const end = r0 + n;
      while (longCursor < batch.longCount) {
        const k = longCursor * 3;
        const row = longs[k + 1];
        if (row >= end) break;
        const start = longCursor === 0 ? 0 : longs[k - 1];
        d.vector_assign_string_element_len(
          stringVectors[longs[k]],
          row - r0,
          batch.blob.subarray(start, longs[k + 2]),
        );
        longCursor++;
      }
      chunk.rowCount = n;
      this.appender.appendDataChunk(chunk);
    }
    this.staged += batch.count;
  }

  /** Stage rejected lines of the current batch. */
  stageRejections(rejections: Rejection[]): void {
    for (const r of rejections) {
      this.rejectAppender.appendBigInt(BigInt(r.line));
      this.rejectAppender.appendVarchar(r.rawText);
      this.rejectAppender.appendVarchar(JSON.stringify(r.problems));
      this.rejectAppender.endRow();
    }
    this.stagedRejections += rejections.length;
  }

  /**
   * Move the staged rows and rejections into the store: one transaction with the batch's
   * ingest_batches row. Returns the batch's counts (duplicates = staged − stored).
   */
  async commit(info: BatchInfo): Promise<BatchResult> {
    this.appender.flushSync();
    this.rejectAppender.flushSync();
    const c = this.conn;
    const batchId = this.nextBatchId++;
    const staged = this.staged;
    const rejected = this.stagedRejections;
    await c.run('BEGIN TRANSACTION');
    try {
      // Exactly once: skip an event already stored, or staged earlier in this batch.
      const ins = await c.run(`INSERT INTO fct_yearly_events
        SELECT s.* FROM temp.main.${STAGING} s
        WHERE NOT EXISTS (SELECT 1 FROM fct_yearly_events f WHERE f.event_id = s.event_id)
        QUALIFY row_number() OVER (PARTITION BY s.event_id ORDER BY s.seq) = 1
        ORDER BY s.seq`);
      const accepted = Number(ins.rowsChanged);
      if (accepted > 0 && this.firstStagedSeq !== null) {
        // Keep each participant's seq range current, in the same transaction.
        await c.run(
          `INSERT INTO participant_event_ranges
           SELECT scenario_id, employee_id, min(seq), max(seq), count(*) FROM fct_yearly_events
           WHERE seq BETWEEN $first AND $last GROUP BY scenario_id, employee_id
           ON CONFLICT (scenario_id, employee_id) DO UPDATE SET
             first_seq = least(participant_event_ranges.first_seq, excluded.first_seq),
             last_seq = greatest(participant_event_ranges.last_seq, excluded.last_seq),
             event_count = participant_event_ranges.event_count + excluded.event_count`,
          { first: this.firstStagedSeq, last: this.nextSeq - 1n },
        );
      }
      if (rejected > 0) {
        // A re-run of the same file records each rejected line once.
        await c.run(
          `INSERT INTO event_rejections
           SELECT $batch, $source, r.line, r.raw_text, r.reasons::JSON, now()::TIMESTAMP FROM temp.main.${REJECT_STAGING} r
           WHERE NOT EXISTS (SELECT 1 FROM event_rejections x
                             WHERE x.source = $source AND x.line = r.line AND x.raw_text = r.raw_text)`,
          { batch: batchId, source: info.source },
        );
      }
      const duplicates = staged - accepted;
      const firstSeq = this.firstStagedSeq;
      const lastSeq = staged > 0 ? this.nextSeq - 1n : null;
      await c.run(
        `INSERT INTO ingest_batches VALUES ($batch, $run, $source, $sha, $first_line, $last_line, $read, $accepted,
           $rejected, $duplicates, $first_seq, $last_seq, $started::TIMESTAMP, now()::TIMESTAMP, 'committed')`,
        {
          batch: batchId,
          run: info.runId,
          source: info.source,
          sha: info.sha256,
          first_line: info.firstLine,
          last_line: info.lastLine,
          read: info.read,
          accepted,
          rejected,
          duplicates,
          first_seq: firstSeq,
          last_seq: lastSeq,
          started: info.startedAt.toISOString(),
        },
      );
      await c.run('COMMIT');
      return { batchId, read: info.read, accepted, rejected, duplicates };
    } catch (err) {
      await c.run('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      await c.run(`DELETE FROM temp.main.${STAGING}`);
      await c.run(`DELETE FROM temp.main.${REJECT_STAGING}`);
      this.staged = 0;
      this.stagedRejections = 0;
      this.firstStagedSeq = null;
    }
  }

  close(): void {
    this.appender.closeSync();
    this.rejectAppender.closeSync();
  }
}

type Typed = Uint8Array | Int32Array | BigInt64Array;

function copy(d: Bindings, vector: unknown, arr: Typed, row: number, n: number, width: number): void {
  d.copy_data_to_vector(
    vector as never,
    0,
    arr.buffer as ArrayBuffer,
    arr.byteOffset + row * width,
    n * width,
  );
}

/** Copy a 0/1 byte-per-row validity into the vector's bitmask, when any row is NULL. */
function validity(d: Bindings, vector: unknown, valid: Uint8Array, row: number, n: number): void {
  let allValid = true;
  for (let i = row; i < row + n; i++) {
    if (valid[i] === 0) {
      allValid = false;
      break;
    }
  }
  if (allValid) return;
  const words = Math.ceil(n / 64);
  const mask = new Uint8Array(words * 8);
  for (let i = 0; i < n; i++) if (valid[row + i] !== 0) mask[i >> 3] |= 1 << (i & 7);
  d.vector_ensure_validity_writable(vector as never);
  d.copy_data_to_vector_validity(vector as never, 0, mask.buffer, 0, mask.length);
}
