/**
 * A simulation worker thread: loads the job once, then runs the partitions the main thread
 * hands it, one at a time, sending batches (rows transferred, not copied) and waiting for an
 * acknowledgement before sending the next, so that memory stays bounded (docs/simulate.md,
 * "Threads"). Workers never open the database.
 */
import { parentPort } from 'node:worker_threads';
import { loadContract } from '../store/contract-adapter.js';
import { type RowBatch, transferList } from '../store/row-batch.js';
import { errorExitCode } from './errors.js';
import type { JobContext } from './job.js';
import { loadJob } from './job.js';
import type { FromWorker, ToWorker } from './messages.js';
import { PhaseClock } from './phases.js';
import { type Batch, runPartition } from './run-partition.js';

const port = parentPort;
if (port === null) throw new Error('worker.ts runs only as a worker thread');

let ctx: JobContext | undefined;
let waitingAck: (() => void) | null = null;
let outstanding = false;
const queue: number[] = [];
/** Row buffers handed back by the main thread (at most two are kept). */
const spares: RowBatch[] = [];
const clock = new PhaseClock();
let running = false;

const post = (m: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

async function emit(batch: Batch): Promise<void> {
  if (outstanding) await new Promise<void>((r) => (waitingAck = r));
  outstanding = true;
  const transfer = batch.rows ? transferList(batch.rows) : [];
  if (batch.lines) transfer.push(batch.lines.buffer as ArrayBuffer);
  post({ type: 'batch', batch }, transfer);
}

async function drain(): Promise<void> {
  if (running || ctx === undefined) return;
  running = true;
  const contract = await loadContract();
  while (queue.length > 0) {
    const partition = queue.shift() as number;
    const stats = await runPartition(ctx, partition, contract, emit, () => spares.pop(), clock);
    post({ type: 'done', partition, stats, phases: clock.take() });
  }
  running = false;
}

function fail(err: unknown): void {
  const e = err as Error;
  post({
    type: 'error',
    message: e?.message ?? String(err),
    name: e?.name ?? 'Error',
    exitCode: errorExitCode(err),
  });
}

port.on('message', (m: ToWorker) => {
  try {
    if (m.type === 'init') {
      ctx = loadJob(m.spec);
      post({ type: 'ready' });
    } else if (m.type === 'run') {
      queue.push(m.partition);
      drain().catch(fail);
    } else if (m.type === 'recycle') {
      if (spares.length < 2) spares.push(m.rows);
    } else if (m.type === 'ack') {
      outstanding = false;
      const w = waitingAck;
      waitingAck = null;
      w?.();
    }
  } catch (err) {
    fail(err);
  }
});
