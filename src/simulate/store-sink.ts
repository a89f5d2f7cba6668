/**
 * The simulation's writer into the store (main thread only). Rows arrive as the store's
 * columnar RowBatches, built and checked by the workers, and go through the store's single
 * EventWriter (`ingest_batches` bookkeeping: docs/store.md). Everything is written under the
 * run's pending id, or the scenario's own id for a first run (src/store/scenario-runs.ts);
 * `finish` marks the shard staged, and when the build's every shard is in, the caller swaps it
 * in, or marks a first run complete, in one transaction.
 */
import { randomUUID } from 'node:crypto';
import { faultPoint } from '../store/fault.js';
import type { Store } from '../store/open.js';
import type { RowBatch } from '../store/row-batch.js';
import { beginRun, markStaged, STATUS } from '../store/scenario-runs.js';
import { type ParticipantRow, writeParticipants, writeScenario } from '../store/scenarios.js';
import { EventWriter } from '../store/writer.js';
import { PhaseClock } from './phases.js';
import type { ParticipantRow as CensusRow } from './run-partition.js';

export interface ScenarioInfo {
  scenarioId: string;
  years: [number, number];
  planDesignId: string;
  planJson: unknown;
  seed: number;
  createdAt: string;
  engineVersion: string;
  ledgerVersion: string;
  /** Shard i of n (1/1 for an unsharded run). */
  shard: { index: number; count: number };
  /** Everything that determines the rows (shards of different keys are never combined). */
  buildKey: string;
}

export interface StoreSinkCounts {
  accepted: number;
  duplicates: number;
  batches: number;
  participants: number;
  /** Rows of the previous scenario deleted when the new one was swapped in. */
  replaced: Record<string, number> | null;
  /** Pending runs of the scenario removed before this run (leftovers of interrupted runs). */
  discarded: string[];
}

export class StoreSink {
  private writer!: EventWriter;
  private readonly runId = randomUUID();
  private staged = 0;
  private read = 0;
  private firstLine = 1;
  private startedAt = new Date();
  private participants: ParticipantRow[] = [];
  readonly counts: StoreSinkCounts = {
    accepted: 0,
    duplicates: 0,
    batches: 0,
    participants: 0,
    replaced: null,
    discarded: [],
  };
  /**
   * The id this run's rows are written under: a pending id, or the scenario's own id for a
   * first run (scenario-runs.ts, `writesDirectly`), which readers refuse until it is complete.
   */
  pendingId = '';
  /** Nothing to simulate: every shard is in already, or this one is (scenario-runs.ts, RunPlan). */
  resume: 'merged' | 'shard-in' | null = null;

  private constructor(
    private readonly store: Store,
    private readonly commitEvents: number,
    private readonly clock: PhaseClock,
  ) {}

  /**
   * Register the run under its pending id (removing leftovers of earlier runs) and write its
   * scenario row, status `running`. The scenario readers see is not touched.
   */
  static async open(
    store: Store,
    info: ScenarioInfo,
    commitEvents = 250_000,
    clock = new PhaseClock(),
  ): Promise<StoreSink> {
    const sink = new StoreSink(store, commitEvents, clock);
    const plan = await beginRun(store.connection, info.scenarioId, info.shard, info.buildKey);
    sink.pendingId = plan.pendingId;
    sink.counts.discarded = plan.discarded;
    sink.resume = plan.resume;
    if (plan.resume) return sink;
    await writeScenario(store.connection, {
      scenario_id: plan.pendingId,
      first_year: info.years[0],
      last_year: info.years[1],
      plan_design_id: info.planDesignId,
      plan_design: JSON.stringify(info.planJson),
      seed: info.seed,
      created_at: info.createdAt,
      engine_version: info.engineVersion,
      ledger_version: info.ledgerVersion,
      status: STATUS.running,
    });
    // Rows of a pending id share their event ids with the scenario they will replace: no
    // duplicate check against the store (a run never produces the same event twice).
    sink.writer = await EventWriter.create(store, { checkDuplicates: false });
    await faultPoint('registered');
    return sink;
  }

  /**
   * Stage a batch, committing whenever `commitEvents` rows are staged: a batch that crosses the
   * mark is split there, so that every transaction but the last holds whole row groups. (Whole
   * batches left each transaction a small row group of its tail, which DuckDB's first
   * checkpoint then merged into the next ones, rewriting the rest of the table: docs/simulate.md,
   * "Performance".)
   */
  async rows(batch: RowBatch): Promise<void> {
    let from = 0;
    while (from < batch.count) {
      const to = Math.min(batch.count, from + this.commitEvents - this.staged);
      this.clock.reset();
      await this.writer.stage(batch, undefined, from, to);
      this.clock.lap('load');
      await faultPoint('append');
      this.staged += to - from;
      this.read += to - from;
      from = to;
      if (this.staged >= this.commitEvents) {
        this.clock.reset();
        await this.commit();
        this.clock.lap('commit');
      }
    }
  }

  async census(rows: CensusRow[]): Promise<void> {
    this.clock.reset();
    for (const r of rows) this.participants.push({ ...r, scenario_id: this.pendingId });
    if (this.participants.length >= 20_000) await this.flushParticipants();
    this.clock.lap('participants');
  }

  private async flushParticipants(): Promise<void> {
    if (this.participants.length === 0) return;
    this.counts.participants += await writeParticipants(this.store.connection, this.participants);
    this.participants = [];
  }

  private async commit(): Promise<void> {
    if (this.staged === 0) return;
    await faultPoint('batch');
    const r = await this.writer.commit({
      runId: this.runId,
      source: `simulate:${this.pendingId}`,
      sha256: null,
      firstLine: this.firstLine,
      lastLine: this.read,
      read: this.staged,
      startedAt: this.startedAt,
    });
    this.counts.accepted += r.accepted;
    this.counts.duplicates += r.duplicates;
    this.counts.batches++;
    this.staged = 0;
    this.firstLine = this.read + 1;
    this.startedAt = new Date();
  }

  /** Commit what is left and mark this run's shard staged (all its rows are in). */
  async finish(): Promise<void> {
    if (this.resume !== null) return;
    await this.commit();
    await this.flushParticipants();
    await this.writer.close();
    await faultPoint('staged');
    await markStaged(this.store.connection, this.pendingId);
  }

  /**
   * After a failure or an interruption: close the writer (the open batch is rolled back). The
   * pending rows stay marked `running` under the pending id; no reader sees them and the next
   * run of the scenario removes them.
   */
  async abort(): Promise<void> {
    try {
      await this.writer?.close();
    } catch {
      /* already closed */
    }
  }
}
