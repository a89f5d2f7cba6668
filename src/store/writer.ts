/**
 * The single writer of fct_yearly_events. A batch opens a transaction at its first rows; rows
 * are appended as DuckDB data chunks the moment they arrive (so that appending overlaps with the
 * workers that parse and check the next rows). `commit()` then deletes the batch's duplicates
 * (an event_id already stored before the batch, or earlier in the batch) and writes the batch's
 * rejections and its ingest_batches row, and commits: ONE transaction per batch (docs/store.md,
 * "Exactly once"). A process killed at any moment therefore leaves only whole batches.
 */
import {
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBDataChunk,
  type DuckDBValue,
} from '@duckdb/node-api';
import d from '@duckdb/node-bindings';
import type { EventProblem } from './contract-adapter.js';
import { EVENT_STORED_COLUMNS, EVENTS_STORED, participantRangesSql } from './ddl.js';
import { faultPoint } from './fault.js';
import type { Store } from './open.js';
import { factWidth, ROW_FACT_COLUMNS, type RowBatch, STRING_COLUMNS } from './row-batch.js';

type Bindings = typeof d;

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

/** Where a batch's string columns and fixed-width typed columns sit in fct_yearly_events_stored (ddl.ts). */
const columnIndex = (name: string) => {
  const i = EVENT_STORED_COLUMNS.indexOf(name);
  if (i < 0) throw new Error(`${EVENTS_STORED} has no column ${name}`);
  return i;
};
const STRING_COLUMN_INDEX = STRING_COLUMNS.map(columnIndex);
const FACT_COLUMN_INDEX = ROW_FACT_COLUMNS.map((c) => columnIndex(c.name));

/** The batch's (seq, event_id) pairs, so that the duplicate join knows their exact count. */
const BATCH_IDS = 'ingest_batch_ids';

/**
 * The batch's duplicates: rows of the batch (seq ≥ $first) whose event_id was stored before the
 * batch, or appears earlier in the batch. Duplicates are rare (re-runs), so deleting them from
 * the open transaction costs less than holding every row back until they are known. The batch's
 * pairs are materialized first: with their exact count DuckDB builds the join's hash table on
 * them and streams the stored rows past it (a RIGHT_SEMI join); joined directly, it built the
 * table on every stored event id instead, which made a 100K-employee simulation 70% slower.
 */
const DELETE_DUPLICATES = [
  `CREATE OR REPLACE TEMP TABLE ${BATCH_IDS} AS SELECT seq, event_id FROM ${EVENTS_STORED} WHERE seq >= $first`,
  `DELETE FROM ${EVENTS_STORED} WHERE seq >= $first AND seq IN (
    SELECT i.seq FROM temp.main.${BATCH_IDS} i
      SEMI JOIN ${EVENTS_STORED} f ON f.event_id = i.event_id AND f.seq < $first
    UNION ALL
    SELECT seq FROM temp.main.${BATCH_IDS} QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY seq) > 1)`,
];

export class EventWriter {
  private appender!: DuckDBAppender;
  private rejectAppender!: DuckDBAppender;
  private eventTypes!: import('@duckdb/node-api').DuckDBType[];
  /**
   * The one data chunk rows are appended through, reset and refilled for every 2,048 rows: the
   * appender copies what it is given, and a chunk per slice left native memory to the garbage
   * collector, which the small main-thread heap rarely runs (docs/simulate.md, "Memory").
   */
  private chunk: DuckDBDataChunk | undefined;
  private nextSeq = 1n;
  private nextBatchId = 1;
  private staged = 0;
  private stagedRejections = 0;
  private firstStagedSeq: bigint | null = null;
  private inTransaction = false;

  private constructor(
    readonly conn: DuckDBConnection,
    private readonly checkDuplicates = true,
  ) {}

  /**
   * `checkDuplicates: false` skips the exactly-once check against stored events: for a writer
   * whose rows cannot repeat and may share ids with another scenario's rows (a simulation's
   * pending run: src/store/scenario-runs.ts).
   */
  static async create(store: Store, opts: { checkDuplicates?: boolean } = {}): Promise<EventWriter> {
    if (store.readOnly) throw new Error('the store is open read-only');
    const w = new EventWriter(store.connection, opts.checkDuplicates ?? true);
    await w.init();
    return w;
  }

  private async init(): Promise<void> {
    const c = this.conn;
    await this.resetStaging();
    this.appender = await c.createAppender(EVENTS_STORED);
    this.eventTypes = Array.from({ length: this.appender.columnCount }, (_, i) =>
      this.appender.columnType(i),
    );
    const r = await c.runAndReadAll(
      'SELECT (SELECT coalesce(max(seq), 0) FROM fct_yearly_events), (SELECT coalesce(max(batch_id), 0) FROM ingest_batches)',
    );
    const [seq, batch] = r.getRows()[0] as [bigint, bigint];
    this.nextSeq = BigInt(seq) + 1n;
    this.nextBatchId = Number(batch) + 1;
  }

  /**
   * (Re)create the rejection staging table and its appender. Recreated after every commit rather
   * than emptied with DELETE: DuckDB keeps a deleted temp table's memory (docs/simulate.md, memory).
   */
  private async resetStaging(): Promise<void> {
    this.rejectAppender?.closeSync();
    await this.conn.run(
      `CREATE OR REPLACE TEMP TABLE ${REJECT_STAGING} (line BIGINT, raw_text VARCHAR, reasons VARCHAR)`,
    );
    this.rejectAppender = await this.conn.createAppender(REJECT_STAGING, 'main', 'temp');
  }

  /** Open the batch's transaction now (a statement issued next then starts at once). */
  async open(): Promise<void> {
    await this.begin();
  }

  private async begin(): Promise<void> {
    if (this.inTransaction) return;
    await this.conn.run('BEGIN TRANSACTION');
    this.inTransaction = true;
  }

  /** Rows staged and not yet committed. */
  get stagedRows(): number {
    return this.staged;
  }

  /**
   * Append rows to the open batch: in order, each with the next sequence number, or with the
   * given sequence numbers (ascending, within a range from `reserve`). Rows `from` to `to` − 1
   * of the batch (default all): a batch may be split between two transactions.
   */
  async stage(batch: RowBatch, seqs?: BigInt64Array, from = 0, to = batch.count): Promise<void> {
    if (to <= from) return;
    await this.begin();
    if (this.firstStagedSeq === null) this.firstStagedSeq = this.nextSeq;
    this.chunk ??= DuckDBDataChunk.create(this.eventTypes, CHUNK_ROWS);
    appendRows(this.appender, this.chunk, batch, seqs ?? this.nextSeq, from, to);
    // Into the table now, not at commit: the work overlaps with the parsing of the next rows.
    this.appender.flushSync();
    if (seqs === undefined) this.nextSeq += BigInt(to - from);
    this.staged += to - from;
  }

  /**
   * Reserve `n` consecutive sequence numbers in the open batch, for rows that are written by
   * SQL (`insertSelect`) or staged with explicit numbers; returns the first. Numbers left unused
   * are gaps, as duplicates leave (seq promises order, not density).
   */
  async reserve(n: number): Promise<bigint> {
    await this.begin();
    this.appender.flushSync();
    if (this.firstStagedSeq === null) this.firstStagedSeq = this.nextSeq;
    const first = this.nextSeq;
    this.nextSeq += BigInt(n);
    return first;
  }

  /** Run an `INSERT INTO fct_yearly_events …` in the open batch; returns the rows it wrote. */
  async insertSelect(sql: string, params: Record<string, DuckDBValue>): Promise<number> {
    await this.begin();
    const r = await this.conn.run(sql, params);
    const n = Number(r.rowsChanged);
    this.staged += n;
    return n;
  }

  /**
   * Run an `INSERT INTO fct_yearly_events …` whose rows number themselves `$base`, `$base + 1`, …
   * in the open batch (the read_json path: src/ingest/file-json.ts); returns the first number and
   * the rows written, whose numbers are then taken.
   */
  async insertNumbered(
    sql: string,
    params: Record<string, DuckDBValue> = {},
  ): Promise<{ first: bigint; count: number }> {
    await this.begin();
    this.appender.flushSync();
    const first = this.nextSeq;
    const r = await this.conn.run(sql, { ...params, base: first });
    const count = Number(r.rowsChanged);
    if (this.firstStagedSeq === null) this.firstStagedSeq = first;
    this.nextSeq += BigInt(count);
    this.staged += count;
    return { first, count };
  }

  /** Give up the open batch: nothing staged since the last commit is stored. */
  async abort(): Promise<void> {
    await this.rollback();
    if (this.firstStagedSeq !== null) this.nextSeq = this.firstStagedSeq;
    this.staged = 0;
    this.stagedRejections = 0;
    this.firstStagedSeq = null;
    await this.resetStaging();
  }

  /** Stage rejected lines of the current batch. */
  async stageRejections(rejections: Rejection[]): Promise<void> {
    if (rejections.length === 0) return;
    await this.begin();
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
    const c = this.conn;
    const batchId = this.nextBatchId++;
    const staged = this.staged;
    const rejected = this.stagedRejections;
    const first = this.firstStagedSeq;
    try {
      await this.begin();
      this.appender.flushSync();
      this.rejectAppender.flushSync();
      let duplicates = 0;
      if (first !== null && this.checkDuplicates) {
        // Exactly once: an event already stored, or staged earlier in this batch, is a duplicate.
        await c.run(DELETE_DUPLICATES[0], { first });
        const del = await c.run(DELETE_DUPLICATES[1], { first });
        duplicates = Number(del.rowsChanged);
        await c.run(`DROP TABLE temp.main.${BATCH_IDS}`);
      }
      faultPoint('commit-staged');
      const accepted = staged - duplicates;
      if (accepted > 0 && first !== null) {
        // Keep each participant's seq range current, in the same transaction.
        await c.run(
          `INSERT INTO participant_event_ranges
           ${participantRangesSql('seq BETWEEN $first AND $last')}
           ON CONFLICT (scenario_id, employee_id) DO UPDATE SET
             first_seq = least(participant_event_ranges.first_seq, excluded.first_seq),
             last_seq = greatest(participant_event_ranges.last_seq, excluded.last_seq),
             event_count = participant_event_ranges.event_count + excluded.event_count,
             first_plan_date = least(participant_event_ranges.first_plan_date, excluded.first_plan_date)`,
          { first, last: this.nextSeq - 1n },
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
           $rejected, $duplicates, $first_seq, $last_seq, $started::TIMESTAMP, $finished::TIMESTAMP, 'committed')`,
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
          first_seq: staged > 0 ? first : null,
          last_seq: staged > 0 ? this.nextSeq - 1n : null,
          started: info.startedAt.toISOString(),
          // The batch's last step, from this process's clock as `started` is: DuckDB's now() is
          // the transaction's start, which for a batch is before its rows were even stored.
          finished: new Date(Math.max(Date.now(), info.startedAt.getTime())).toISOString(),
        },
      );
      const committing = c.run('COMMIT');
      faultPoint('commit');
      await committing;
      this.inTransaction = false;
      faultPoint('committed');
      return { batchId, read: info.read, accepted, rejected, duplicates };
    } catch (err) {
      await this.rollback();
      throw err;
    } finally {
      this.staged = 0;
      this.stagedRejections = 0;
      this.firstStagedSeq = null;
      await this.resetStaging();
    }
  }

  /** Give up the open batch (nothing of it is stored). */
  private async rollback(): Promise<void> {
    this.appender.clear();
    this.rejectAppender.clear();
    if (this.inTransaction) await this.conn.run('ROLLBACK').catch(() => undefined);
    this.inTransaction = false;
  }

  private closed = false;

  /** Close the writer (once; again is a no-op); a batch not committed is rolled back. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.inTransaction || this.staged > 0) await this.rollback();
    this.appender.closeSync();
    this.rejectAppender.closeSync();
  }
}

/** n consecutive sequence numbers from `first`. */
function seqRun(first: bigint, n: number): BigInt64Array {
  const a = new BigInt64Array(n);
  for (let i = 0; i < n; i++) a[i] = first + BigInt(i);
  return a;
}

/** Append a batch's rows through `chunk`, with the given sequence numbers or consecutive ones from `seqs`. */
function appendRows(
  appender: DuckDBAppender,
  chunk: DuckDBDataChunk,
  batch: RowBatch,
  seqs: bigint | BigInt64Array,
  from: number,
  to: number,
): void {
  // The long strings of rows before `from` (a batch split between two transactions).
  let longCursor = 0;
  while (longCursor < batch.longCount && batch.longs[longCursor * 3 + 1] < from) longCursor++;
  for (let r0 = from; r0 < to; r0 += CHUNK_ROWS) {
    const n = Math.min(CHUNK_ROWS, to - r0);
    d.data_chunk_reset(chunk.chunk);
    const vec = (i: number) => d.data_chunk_get_vector(chunk.chunk, i);
    if (typeof seqs === 'bigint') copy(d, vec(0), seqRun(seqs + BigInt(r0 - from), n), 0, n, 8);
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
    ROW_FACT_COLUMNS.forEach((c, i) => {
      const v = vec(FACT_COLUMN_INDEX[i]);
      copy(d, v, batch.facts[i], r0, n, factWidth(c.type));
      validity(d, v, batch.factValid[i], r0, n);
    });
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
