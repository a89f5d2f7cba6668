/**
 * Small helpers for benchmark modules (src/perf/bench-*.ts): time a function with warm-up
 * and repetitions, turn latencies into percentiles. Using them is optional; every module
 * returns `MetricSamples` (src/perf/types.ts) however it measures.
 */
import type { BenchContext } from './types.js';

/** Milliseconds elapsed since `start` (a `process.hrtime.bigint()` reading). */
export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Runs `fn` once and returns its wall time in milliseconds. */
export async function timeMs(fn: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return msSince(start);
}

export interface RepeatOptions {
  /** Untimed runs first (JIT, caches). Default 1. */
  warmup?: number;
  /** Timed runs. Default `ctx.repetitions`. */
  repetitions?: number;
  /**
   * `wall` (default): elapsed time. `cpu`: CPU time of this process (user + system, all its
   * threads). On a busy machine wall time grows when other processes take the cores; CPU time
   * barely moves. Right for single-threaded CPU work (validation, parsing); for multi-threaded
   * work it measures total cost, not elapsed time.
   */
  clock?: 'wall' | 'cpu';
}

/**
 * Runs `fn` `warmup` times untimed, then `repetitions` times timed; returns the time of each
 * timed run in milliseconds. Convert with `usPerUnit` or `perSecond` as needed.
 */
export async function repeatMs(
  ctx: BenchContext,
  fn: () => unknown,
  options: RepeatOptions = {},
): Promise<number[]> {
  const warmup = options.warmup ?? 1;
  const repetitions = options.repetitions ?? ctx.repetitions;
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < repetitions; i++) {
    if (options.clock === 'cpu') {
      const before = process.cpuUsage();
      await fn();
      const used = process.cpuUsage(before);
      samples.push((used.user + used.system) / 1000);
    } else {
      samples.push(await timeMs(fn));
    }
  }
  return samples;
}

/** Microseconds per unit from a run of `units` units that took `ms` milliseconds. */
export function usPerUnit(ms: number, units: number): number {
  return (ms * 1000) / units;
}

/** Units per second from a run of `units` units that took `ms` milliseconds. */
export function perSecond(ms: number, units: number): number {
  return units / (ms / 1000);
}

/** The current resident set size in MB. */
export function rssMB(): number {
  return process.memoryUsage().rss / (1024 * 1024);
}
