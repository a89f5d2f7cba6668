/**
 * The single writer of fct_yearly_events. Rows arrive as RowBatches (from ingest workers or
 * from in-process event streams) and wait in memory; only their (seq, event_id) pairs go to a
 * narrow temporary table. `commit()` finds the duplicates with one join on those pairs (an
 * event_id already stored, or staged earlier in the batch), then appends the other rows as
 * DuckDB data chunks straight into the store, in ONE transaction together with the batch's
 * rejections and its ingest_batches row (docs/store.md, "Exactly once"). A process killed at
 * any moment therefore leaves only whole batches.
 */
import { type DuckDBAppender, type DuckDBConnection, DuckDBDataChunk } from '@duckdb/node-api';
import d from '@duckdb/node-bindings';
import type { EventProblem } from './contract-adapter.js';
import type { Store } from './open.js';
import type { RowBatch } from './row-batch.js';

type Bindings = typeof d;

const STAGING_IDS = 'ingest_staged_ids';
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
  private idAppender!: DuckDBAppender;
  private rejectAppender!: DuckDBAppender;
  private eventTypes!: import('@duckdb/node-api').DuckDBType[];
  private idTypes!: import('@duckdb/node-api').DuckDBType[];
  private nextSeq = 1n;
  private nextBatchId = 1;
  private staged = 0;
  private stagedRejections = 0;
  private firstStagedSeq: bigint | null = null;
  /** Staged rows, kept here until commit; their (event_id, seq) pairs are in the ids table. */
  private pending: { batch: RowBatch; firstSeq: bigint }[] = [];

  private constructor(readonly conn: DuckDBConnection) {}

  static async create(store: Store): Promise<EventWriter> {
    if (store.readOnly) throw new Error('the store is open read-only');
    const w = new EventWriter(store.connection);
    await w.init();
    return w;
  }

  private async init(): Promise<void> {
    const c = this.conn;
    await this.resetStaging();
    this.appender = await c.createAppender('fct_yearly_events');
    this.eventTypes = Array.from({ length: this.appender.columnCount }, (_, i) =>
      this.appender.columnType(i),
    );
    this.idTypes = [this.idAppender.columnType(0), this.idAppender.columnType(1)];
    const r = await c.runAndReadAll(
      'SELECT (SELECT coalesce(max(seq), 0) FROM fct_yearly_events), (SELECT coalesce(max(batch_id), 0) FROM ingest_batches)',
    );
    const [seq, batch] = r.getRows()[0] as [bigint, bigint];
    this.nextSeq = BigInt(seq) + 1n;
    this.nextBatchId = Number(batch) + 1;
  }

  /**
   * (Re)create the staging tables and their appenders. Recreated after every commit rather than
   * emptied with DELETE: DuckDB keeps a deleted temp table's memory, which grew peak RSS with
   * every batch of a long simulation (docs/simulate.md, memory).
   */
  private async resetStaging(): Promise<void> {
    const c = this.conn;
    this.idAppender?.closeSync();
    this.rejectAppender?.closeSync();
    await c.run(`CREATE OR REPLACE TEMP TABLE ${STAGING_IDS} (seq BIGINT, event_id UUID)`);
    await c.run(
      `CREATE OR REPLACE TEMP TABLE ${REJECT_STAGING} (line BIGINT, raw_text VARCHAR, reasons VARCHAR)`,
    );
    this.idAppender = await c.createAppender(STAGING_IDS, 'main', 'temp');
    this.rejectAppender = await c.createAppender(REJECT_STAGING, 'main', 'temp');
  }

  /** Rows staged and not yet committed. */
  get stagedRows(): number {
    return this.staged;
  }

  /** Stage rows (in order: each gets the next sequence number). */
  stage(batch: RowBatch): void {
    if (batch.count === 0) return;
    if (this.firstStagedSeq === null) this.firstStagedSeq = this.nextSeq;
    const firstSeq = this.nextSeq;
    for (let r0 = 0; r0 < batch.count; r0 += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, batch.count - r0);
      const chunk = DuckDBDataChunk.create(this.idTypes, n);
      copy(d, d.data_chunk_get_vector(chunk.chunk, 0), seqRun(firstSeq + BigInt(r0), n), 0, n, 8);
      copy(d, d.data_chunk_get_vector(chunk.chunk, 1), batch.eventId, r0, n, 16);
      chunk.rowCount = n;
      this.idAppender.appendDataChunk(chunk);
    }
    this.nextSeq += BigInt(batch.count);
    this.pending.push({ batch, firstSeq });
    this.staged += batch.count;
  }

  /** Append pending rows to fct_yearly_events, leaving out the duplicate seqs. */
  private appendPending(skip: Set<bigint>): void {
    for (const { batch, firstSeq } of this.pending) {
      if (skip.size === 0) {
        appendRows(this.appender, this.eventTypes, batch, firstSeq, null);
        continue;
      }
      const keep = new Uint8Array(batch.count);
      let kept = 0;
      for (let i = 0; i < batch.count; i++) {
        if (!skip.has(firstSeq + BigInt(i))) {
          keep[i] = 1;
          kept++;
        }
      }
      if (kept === batch.count) appendRows(this.appender, this.eventTypes, batch, firstSeq, null);
      else if (kept > 0)
        appendRows(this.appender, this.eventTypes, compact(batch, keep), firstSeq, seqsOf(keep, firstSeq));
    }
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
   * Store the staged rows and rejections: one transaction with the batch's ingest_batches row.
   * Returns the batch's counts (duplicates = staged − stored).
   */
  async commit(info: BatchInfo): Promise<BatchResult> {
    this.idAppender.flushSync();
    this.rejectAppender.flushSync();
    const c = this.conn;
    const batchId = this.nextBatchId++;
    const staged = this.staged;
    const rejected = this.stagedRejections;
    try {
      // Exactly once: an event already stored, or staged earlier in this batch, is a duplicate.
      // Only the narrow (seq, event_id) pairs take part in the join.
      const dups = await c.runAndReadAll(`
        SELECT i.seq FROM temp.main.${STAGING_IDS} i SEMI JOIN fct_yearly_events f ON f.event_id = i.event_id
        UNION
        SELECT seq FROM temp.main.${STAGING_IDS} QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY seq) > 1`);
      const skip = new Set(dups.getRows().map((r) => r[0] as bigint));
      const accepted = staged - skip.size;
      await c.run('BEGIN TRANSACTION');
      try {
        this.appendPending(skip);
        this.appender.flushSync();
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
            duplicates: skip.size,
            first_seq: this.firstStagedSeq,
            last_seq: staged > 0 ? this.nextSeq - 1n : null,
            started: info.startedAt.toISOString(),
          },
        );
        await c.run('COMMIT');
      } catch (err) {
        this.appender.clear();
        await c.run('ROLLBACK').catch(() => undefined);
        throw err;
      }
      return { batchId, read: info.read, accepted, rejected, duplicates: skip.size };
    } finally {
      await this.resetStaging();
      this.pending = [];
      this.staged = 0;
      this.stagedRejections = 0;
      this.firstStagedSeq = null;
    }
  }

  close(): void {
    this.appender.closeSync();
    this.idAppender.closeSync();
    this.rejectAppender.closeSync();
  }
}

/** n consecutive sequence numbers from `first`. */
function seqRun(first: bigint, n: number): BigInt64Array {
  const a = new BigInt64Array(n);
  for (let i = 0; i < n; i++) a[i] = first + BigInt(i);
  return a;
}

/** Sequence numbers of the kept rows. */
function seqsOf(keep: Uint8Array, firstSeq: bigint): BigInt64Array {
  const out: bigint[] = [];
  for (let i = 0; i < keep.length; i++) if (keep[i]) out.push(firstSeq + BigInt(i));
  return BigInt64Array.from(out);
}

/** A copy of the batch with only the kept rows (the rare path: duplicates in the batch). */
function compact(b: RowBatch, keep: Uint8Array): RowBatch {
  const rows: number[] = [];
  for (let i = 0; i < b.count; i++) if (keep[i]) rows.push(i);
  const n = rows.length;
  const pick8 = (a: BigInt64Array) => BigInt64Array.from(rows, (r) => a[r]);
  const pick4 = (a: Int32Array) => Int32Array.from(rows, (r) => a[r]);
  const pick1 = (a: Uint8Array) => Uint8Array.from(rows, (r) => a[r]);
  const pick16 = (a: Uint8Array) => {
    const o = new Uint8Array(n * 16);
    rows.forEach((r, i) => {
      o.set(a.subarray(r * 16, r * 16 + 16), i * 16);
    });
    return o;
  };
  const newIndex = new Int32Array(b.count).fill(-1);
  rows.forEach((r, i) => {
    newIndex[r] = i;
  });
  const longs: number[] = [];
  const parts: Uint8Array[] = [];
  let end = 0;
  for (let k = 0, start = 0; k < b.longCount; k++) {
    const [col, row, stop] = [b.longs[k * 3], b.longs[k * 3 + 1], b.longs[k * 3 + 2]];
    if (newIndex[row] >= 0) {
      parts.push(b.blob.subarray(start, stop));
      end += stop - start;
      longs.push(col, newIndex[row], end);
    }
    start = stop;
  }
  const blob = new Uint8Array(end);
  let at = 0;
  for (const p of parts) {
    blob.set(p, at);
    at += p.length;
  }
  return {
    count: n,
    eventId: pick16(b.eventId),
    effectiveDate: pick4(b.effectiveDate),
    simulationYear: pick4(b.simulationYear),
    createdAt: pick8(b.createdAt),
    amount: pick8(b.amount),
    amountValid: pick1(b.amountValid),
    ytdAmount: pick8(b.ytdAmount),
    ytdValid: pick1(b.ytdValid),
    vested: pick4(b.vested),
    vestedValid: pick1(b.vestedValid),
    strImages: b.strImages.map(pick16),
    strValid: b.strValid.map(pick1),
    longs: Int32Array.from(longs),
    longCount: longs.length / 3,
    blob,
  };
}

/** Append a batch's rows as data chunks; `seqs` null = consecutive from `firstSeq`. */
function appendRows(
  appender: DuckDBAppender,
  types: import('@duckdb/node-api').DuckDBType[],
  batch: RowBatch,
  firstSeq: bigint,
  seqs: BigInt64Array | null,
): void {
  let longCursor = 0;
  for (let r0 = 0; r0 < batch.count; r0 += CHUNK_ROWS) {
    const n = Math.min(CHUNK_ROWS, batch.count - r0);
    const chunk = DuckDBDataChunk.create(types, n);
    const vec = (i: number) => d.data_chunk_get_vector(chunk.chunk, i);
    if (seqs === null) copy(d, vec(0), seqRun(firstSeq + BigInt(r0), n), 0, n, 8);
    else copy(d, vec(0), seqs, r0, n, 8);
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
    appender.appendDataChunk(chunk);
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
