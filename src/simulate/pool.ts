/**
 * Runs partitions on worker threads and hands their output to the caller in a fixed order:
 * partition order, then the order within each partition. `workers` only decides which thread
 * runs which partition, never what comes out (docs/simulate.md, "Determinism").
 *
 * Memory stays bounded: each worker has at most one unacknowledged batch; batches of the
 * partition being consumed are acknowledged as the consumer takes them (two may wait), and a
 * worker running ahead is acknowledged only while the batches held for later stay under
 * `aheadBudgetEvents`.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type RowBatch, transferList } from '../store/row-batch.js';
import type { JobSpec } from './job.js';
import type { FromWorker, ToWorker } from './messages.js';
import type { PhaseSeconds } from './phases.js';
import type { Batch } from './run-partition.js';
import type { Stats } from './stats.js';

export type PoolItem =
  | { kind: 'batch'; batch: Batch }
  | { kind: 'done'; partition: number; stats: Stats; phases: PhaseSeconds };

export interface PoolOptions {
  spec: JobSpec;
  partitions: number[];
  workers?: number;
  /**
   * Events that may wait in memory for partitions not yet being consumed (default 49,152: six
   * batches; a batch's row buffers are about 7 MB, docs/simulate.md, "Memory").
   */
  aheadBudgetEvents?: number;
}

/** A failure reported by a worker, re-raised on the main thread with the worker's name and message. */
export class WorkerError extends Error {
  constructor(
    message: string,
    override readonly name: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

interface Slot {
  worker: Worker;
  partition: number | null;
  pendingAck: boolean;
}

/**
 * A worker's V8 heap limits. A worker's live data is one partition and one batch; without a
 * limit V8 lets a busy allocator's heap grow to gigabytes before collecting (docs/simulate.md,
 * "Threads and memory").
 */
export const WORKER_RESOURCE_LIMITS = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32 };

/** Start a worker: the compiled .js in dist/, or the .ts source through tsx in development and tests. */
function startWorker(): Worker {
  const here = import.meta.url;
  const resourceLimits = WORKER_RESOURCE_LIMITS;
  if (here.endsWith('.ts')) {
    const file = new URL('./worker.ts', here).href;
    const boot = `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(file)}); });`;
    return new Worker(boot, { eval: true, resourceLimits });
  }
  return new Worker(new URL('./worker.js', here), { resourceLimits });
}

export async function* runPool(opts: PoolOptions): AsyncGenerator<PoolItem> {
  const order = opts.partitions;
  const k = Math.max(1, Math.min(opts.workers ?? defaultWorkers(), order.length || 1));
  const budget = opts.aheadBudgetEvents ?? 49_152;
  const buffers = new Map<number, PoolItem[]>();
  const slotOf = new Map<number, Slot>();
  let consumeIndex = 0;
  let dispatchIndex = 0;
  let aheadEvents = 0;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };

  const send = (slot: Slot, m: ToWorker) => slot.worker.postMessage(m);
  const recycle = (slot: Slot | undefined, rows: RowBatch) =>
    slot?.worker.postMessage({ type: 'recycle', rows } satisfies ToWorker, transferList(rows));
  const current = () => order[consumeIndex];
  const held = (p: number) => buffers.get(p)?.filter((i) => i.kind === 'batch').length ?? 0;

  const maybeAck = (slot: Slot) => {
    if (!slot.pendingAck || slot.partition === null) return;
    const p = slot.partition;
    const ok = p === current() ? held(p) <= 2 : aheadEvents < budget;
    if (ok) {
      slot.pendingAck = false;
      send(slot, { type: 'ack' });
    }
  };
  const dispatch = (slot: Slot) => {
    if (dispatchIndex >= order.length) {
      slot.partition = null;
      return;
    }
    const p = order[dispatchIndex++];
    slot.partition = p;
    slotOf.set(p, slot);
    buffers.set(p, []);
    send(slot, { type: 'run', partition: p });
  };

  const slots: Slot[] = [];
  const ready: Promise<void>[] = [];
  for (let i = 0; i < k; i++) {
    const slot: Slot = { worker: startWorker(), partition: null, pendingAck: false };
    slots.push(slot);
    ready.push(
      new Promise<void>((resolve, reject) => {
        slot.worker.on('message', (m: FromWorker) => {
          if (m.type === 'ready') return resolve();
          if (m.type === 'error') {
            failure ??= new WorkerError(m.message, m.name, m.exitCode);
            reject(failure);
            return notify();
          }
          if (m.type === 'batch') {
            const p = m.batch.partition;
            buffers.get(p)?.push({ kind: 'batch', batch: m.batch });
            if (p !== current()) aheadEvents += m.batch.count;
            slot.pendingAck = true;
            maybeAck(slot);
          } else {
            buffers
              .get(m.partition)
              ?.push({ kind: 'done', partition: m.partition, stats: m.stats, phases: m.phases });
            dispatch(slot);
          }
          notify();
        });
        slot.worker.on('error', (err) => {
          failure ??= err;
          reject(err);
          notify();
        });
        slot.worker.on('exit', (code) => {
          if (code !== 0 && failure === null)
            failure = new Error(`a simulation worker exited with code ${code}`);
          notify();
        });
      }),
    );
    send(slot, { type: 'init', spec: opts.spec });
  }
  try {
    await Promise.all(ready);
    for (const slot of slots) dispatch(slot);
    while (consumeIndex < order.length) {
      if (failure) throw failure;
      const p = current();
      const buf = buffers.get(p);
      const item = buf?.shift();
      if (item === undefined) {
        await new Promise<void>((r) => (wake = r));
        continue;
      }
      if (item.kind === 'done') {
        consumeIndex++;
        buffers.delete(p);
        // The next partition becomes current: what it holds no longer counts as "ahead".
        const next = current();
        if (next !== undefined)
          for (const i of buffers.get(next) ?? []) if (i.kind === 'batch') aheadEvents -= i.batch.count;
      }
      for (const s of slots) maybeAck(s);
      yield item;
      // The consumer is done with the item (it asked for the next): its row buffers go back to
      // the worker that made them, to be filled again rather than allocated afresh.
      if (item.kind === 'batch' && item.batch.rows !== null) recycle(slotOf.get(p), item.batch.rows);
    }
    if (failure) throw failure;
  } finally {
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}
