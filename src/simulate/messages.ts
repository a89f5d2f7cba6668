/** Messages between the main thread and simulation workers (docs/simulate.md, "Threads"). */

import type { RowBatch } from '../store/row-batch.js';
import type { JobSpec } from './job.js';
import type { PhaseSeconds } from './phases.js';
import type { Batch } from './run-partition.js';
import type { Stats } from './stats.js';

export type ToWorker =
  | { type: 'init'; spec: JobSpec }
  | { type: 'run'; partition: number }
  | { type: 'ack' }
  /** A batch's row buffers, stored and handed back to be filled again (transferred, not copied). */
  | { type: 'recycle'; rows: RowBatch };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'batch'; batch: Batch }
  | { type: 'done'; partition: number; stats: Stats; phases: PhaseSeconds }
  | { type: 'error'; message: string; name: string; exitCode: number };
