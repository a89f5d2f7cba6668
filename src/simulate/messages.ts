/** Messages between the main thread and simulation workers (docs/simulate.md, "Threads"). */
import type { JobSpec } from './job.js';
import type { Batch } from './run-partition.js';
import type { Stats } from './stats.js';

export type ToWorker = { type: 'init'; spec: JobSpec } | { type: 'run'; partition: number } | { type: 'ack' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'batch'; batch: Batch }
  | { type: 'done'; partition: number; stats: Stats }
  | { type: 'error'; message: string; name: string; exitCode: number };
