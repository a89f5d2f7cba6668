/**
 * Simulation benchmark (docs/simulate.md, "Performance"): `planledger simulate` end to end
 * (workforce model, engine, contract check, ingest into a fresh store) in a child process, so
 * that its peak RSS (worker threads included) is its own. Quick: 100 employees × 5 years
 * (≈ 40,000 events), one run per repetition; full: 100,000 employees × 5 years (≈ 38 million
 * events), run once (its figures are compared by ratio alone).
 */
import { rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runNodeChild } from './child.js';
import type { BenchContext, Benchmark, MetricSamples } from './types.js';

const BIN = fileURLToPath(new URL('../../bin/planledger.js', import.meta.url));

export interface SimulateRun {
  events: number;
  seconds: number;
  peakRssMb: number;
}

/** One simulation into a fresh store in a child process. */
export async function simulateOnce(ctx: BenchContext, employees: number, run: number): Promise<SimulateRun> {
  const db = join(ctx.tmpDir, `simulate-${run}.duckdb`);
  await rm(db, { force: true });
  const args = [BIN, 'simulate', '--employees', String(employees), '--years', '2021-2025', '--seed', '42'];
  args.push('--created-at', '2026-01-01T00:00:00Z', '--db', db, '--no-snapshots', '--json');
  args.push('--workers', String(availableParallelism()));
  const child = await runNodeChild(args, { tmpDir: ctx.tmpDir });
  await rm(db, { force: true });
  await rm(`${db}.wal`, { force: true });
  if (child.exitCode !== 0)
    throw new Error(`simulate exited with ${child.exitCode}: ${child.stderr.slice(-2000)}`);
  const summary = JSON.parse(child.stdout) as { events: number };
  return { events: summary.events, seconds: child.seconds, peakRssMb: child.peakRssMB };
}

export const simulateBenchmark: Benchmark = {
  name: 'simulate',
  description:
    'planledger simulate end to end into a fresh store, in a child process: events/s, seconds and peak RSS. ' +
    'Quick: 100 employees × 5 years per repetition; full: 100,000 employees × 5 years, once.',
  async run(ctx: BenchContext): Promise<MetricSamples[]> {
    const employees = ctx.quick ? 100 : 100_000;
    const runs = ctx.quick ? ctx.repetitions : 1;
    const rate: number[] = [];
    const seconds: number[] = [];
    const rss: number[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await simulateOnce(ctx, employees, i);
      ctx.log(
        `simulate ${employees} × 5 years: ${r.events} events in ${r.seconds.toFixed(1)} s, peak RSS ${Math.round(r.peakRssMb)} MB`,
      );
      rate.push(r.events / r.seconds);
      seconds.push(r.seconds);
      rss.push(r.peakRssMb);
    }
    return [
      { name: 'simulate.events_per_s', unit: 'events/s', direction: 'higher', samples: rate, cpuBound: true },
      { name: 'simulate.seconds', unit: 's', direction: 'lower', samples: seconds, cpuBound: true },
      { name: 'simulate.peak_rss_mb', unit: 'MB', direction: 'lower', samples: rss },
    ];
  },
};
