/**
 * One partition from census to checked events: the workforce model's decisions, the engine's
 * projection of each person, the contract check of every event (a failure is a defect and stops
 * the run), and the partition's share of the summary. Output leaves in batches, in person order.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { projectPerson } from '../engine/project.js';
import { fromDay } from '../schema/dates.js';
import { formatDecimal } from '../schema/decimal.js';
import type { Contract } from '../store/contract-adapter.js';
import { type RowBatch, RowBatchBuilder } from '../store/row-batch.js';
import type { ParticipantRow as StoreParticipantRow } from '../store/scenarios.js';
import { decisionEvents } from './decisions.js';
import { addElections } from './elections.js';
import { censusRecord, type JobContext, partitionPeople } from './job.js';
import { LineBytes } from './line-bytes.js';
import { PhaseClock } from './phases.js';
import { addPerson, emptyStats, type Stats } from './stats.js';
import { type PartitionInput, simulateWorkforce, type Track } from './workforce.js';

export const ENGINE_SOURCE_SYSTEM = 'plan_engine';
/** Rows a batch starts with (it grows by doubling): small partitions must not hold megabytes. */
const ROWS_INITIAL_CAPACITY = 1024;

/** A census row of `dim_participants` (the census, including the model's hires), without the scenario. */
export type ParticipantRow = Omit<StoreParticipantRow, 'scenario_id'>;

export interface Batch {
  partition: number;
  /** Rows of fct_yearly_events in the store's transferable columnar form (when the job wants rows). */
  rows: RowBatch | null;
  /**
   * Canonical NDJSON as UTF-8, one event a line, each ending in '\n' (when the job wants lines);
   * its buffer is transferred to the main thread.
   */
  lines: Uint8Array | null;
  count: number;
  participants: ParticipantRow[];
}

/** Raised when the engine writes an event that fails the contract: a defect, never user input. */
export class InvalidEventError extends Error {
  override name = 'InvalidEventError';
}

export async function runPartition(
  ctx: JobContext,
  partition: number,
  contract: Contract,
  emit: (batch: Batch) => void | Promise<void>,
  /** Row buffers of an earlier batch, handed back by the main thread to be filled again. */
  spare: () => RowBatch | undefined = () => undefined,
  clock: PhaseClock = new PhaseClock(),
): Promise<Stats> {
  const { spec } = ctx;
  clock.reset();
  const stats = emptyStats(spec.years);
  const input: PartitionInput = {
    partition,
    people: [],
    years: spec.years,
    cfg: ctx.cfg,
    draws: ctx.draws,
    lastPayDay: ctx.lastPayDay,
    plan: ctx.plan,
  };
  const tracks = workforceOf(ctx, input);
  addElections(tracks, input);
  clock.lap('workforce');
  const env = {
    scenarioId: spec.scenarioId,
    planDesignId: spec.planDesignId,
    planId: ctx.plan.planId,
    createdAt: spec.createdAt,
  };
  let rows = new RowBatchBuilder(ROWS_INITIAL_CAPACITY, spec.storeScenarioId, spare(), true);
  const lines = new LineBytes();
  let participants: ParticipantRow[] = [];
  let count = 0;
  const flush = async () => {
    const batch: Batch = {
      partition,
      rows: spec.want.rows ? rows.finish() : null,
      lines: spec.want.lines ? lines.take() : null,
      count,
      participants,
    };
    rows = new RowBatchBuilder(ROWS_INITIAL_CAPACITY, spec.storeScenarioId, spare(), true);
    participants = [];
    count = 0;
    clock.lap('encoding');
    await emit(batch);
    clock.reset(); // waiting for the main thread's acknowledgement is no step's cost
  };
  for (const t of tracks) {
    const p = t.person;
    const events = projectPerson({
      plan: ctx.plan,
      years: spec.years,
      person: censusRecord(p),
      decisions: decisionEvents(p.employeeId, t.decisions, env),
      scenarioId: spec.scenarioId,
      planDesignId: spec.planDesignId,
      sourceSystem: ENGINE_SOURCE_SYSTEM,
      createdAt: spec.createdAt,
    });
    clock.lap('engine');
    const checked = events.map((e) => {
      const r = contract.validateEvent(e);
      if (!r.ok)
        throw new InvalidEventError(
          `the engine wrote an invalid ${e.payload.event_type} event for ${p.employeeId} on ${e.effective_date}: ` +
            r.problems.map((x) => `${x.path} expected ${x.expected}, found ${x.found}`).join('; '),
        );
      return r.event;
    });
    clock.lap('contract');
    for (const e of checked) {
      if (spec.want.rows) rows.add(e);
      // The validated event is already the canonical object in contract key order, so plain
      // JSON.stringify gives the canonical line (src/schema/serialize.ts reorders nothing here).
      if (spec.want.lines) lines.add(JSON.stringify(e));
    }
    clock.lap('encoding');
    count += events.length;
    addPerson(stats, t, events);
    participants.push({
      employee_id: p.employeeId,
      birth_date: fromDay(p.birthDay),
      hire_date: fromDay(p.hireDay),
      annual_compensation: formatDecimal(p.compensation),
      job_level: p.level,
      department: p.department,
    });
    clock.lap('summary');
    if (count >= spec.batchEvents) await flush();
  }
  if (count > 0 || participants.length > 0) await flush();
  return stats;
}

/**
 * The partition's workforce decisions: drawn, or read back from the job's workforce cache when an
 * earlier scenario of the same comparison drew them (src/compare: the same people, hires, merits,
 * promotions and terminations under every plan design).
 */
function workforceOf(ctx: JobContext, input: PartitionInput): Track[] {
  const cache = ctx.spec.workforceCache ?? null;
  const file = cache === null ? '' : join(cache.dir, `partition-${input.partition}.v8`);
  if (cache?.mode === 'read') return deserialize(readFileSync(file)) as Track[];
  const tracks = simulateWorkforce({ ...input, people: partitionPeople(ctx, input.partition) });
  if (cache?.mode === 'write') writeFileSync(file, serialize(tracks));
  return tracks;
}
