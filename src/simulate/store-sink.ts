/**
 * The simulation's writer into the store (main thread only). Rows arrive as the store's
 * columnar RowBatches, built and checked by the workers, and go through the store's single
 * EventWriter (exactly-once commits, `ingest_batches` bookkeeping: docs/store.md). The scenario
 * row goes from `running` to `complete`; `dim_participants` receives the census and the hires.
 */
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/open.js';
import type { RowBatch } from '../store/row-batch.js';
import {
  deleteScenario,
  type ParticipantRow,
  setScenarioStatus,
  writeParticipants,
  writeScenario,
} from '../store/scenarios.js';
import { EventWriter } from '../store/writer.js';
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
}

export interface StoreSinkCounts {
  accepted: number;
  duplicates: number;
  batches: number;
  participants: number;
  /** Rows of other runs deleted when the scenario was replaced. */
  replaced: Record<string, number> | null;
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
  };

  private constructor(
    private readonly store: Store,
    private readonly info: ScenarioInfo,
    private readonly commitEvents: number,
  ) {}

  /** Replace the scenario (delete what a previous run stored) and mark it running. */
  static async open(store: Store, info: ScenarioInfo, commitEvents = 250_000): Promise<StoreSink> {
    const sink = new StoreSink(store, info, commitEvents);
    const removed = await deleteScenario(store, info.scenarioId);
    sink.counts.replaced = removed?.deleted ?? null;
    await writeScenario(store.connection, {
      scenario_id: info.scenarioId,
      first_year: info.years[0],
      last_year: info.years[1],
      plan_design_id: info.planDesignId,
      plan_design: JSON.stringify(info.planJson),
      seed: info.seed,
      created_at: info.createdAt,
      engine_version: info.engineVersion,
      ledger_version: info.ledgerVersion,
      status: 'running',
    });
    sink.writer = await EventWriter.create(store);
    return sink;
  }

  async rows(batch: RowBatch): Promise<void> {
    await this.writer.stage(batch);
    this.staged += batch.count;
    this.read += batch.count;
    if (this.staged >= this.commitEvents) await this.commit();
  }

  async census(rows: CensusRow[]): Promise<void> {
    for (const r of rows) this.participants.push({ scenario_id: this.info.scenarioId, ...r });
    if (this.participants.length >= 20_000) await this.flushParticipants();
  }

  private async flushParticipants(): Promise<void> {
    if (this.participants.length === 0) return;
    this.counts.participants += await writeParticipants(this.store.connection, this.participants);
    this.participants = [];
  }

  private async commit(): Promise<void> {
    if (this.staged === 0) return;
    const r = await this.writer.commit({
      runId: this.runId,
      source: `simulate:${this.info.scenarioId}`,
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

  /** Commit what is left and mark the scenario complete. */
  async finish(): Promise<void> {
    await this.commit();
    await this.flushParticipants();
    await this.writer.close();
    await setScenarioStatus(this.store.connection, this.info.scenarioId, 'complete');
  }

  /** After a failure: leave the scenario marked failed (a re-run replaces it). */
  async abort(): Promise<void> {
    try {
      await this.writer?.close();
    } catch {
      /* already closed */
    }
    await setScenarioStatus(this.store.connection, this.info.scenarioId, 'failed').catch(() => undefined);
  }
}
