/**
 * Simulation benchmark (docs/simulate.md, "Performance"): the `simulate` command as a user runs
 * it (workforce model, engine, contract check, the store, the balance snapshots) into a fresh
 * store, in a child process so that its peak RSS (worker threads included) is its own.
 * Quick: 100 employees × 5 years (≈ 40,000 events) per repetition; full: 100,000 employees ×
 * 5 years (≈ 40 million events), three times (the goal is on the median). Besides wall time and
 * peak RSS it reports the CPU seconds per event and where they go: the command's `phases`
 * (src/simulate/phases.ts) per event.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runNodeChild } from './child.js';
import type { BenchContext, Benchmark, MetricSamples } from './types.js';

const BIN = fileURLToPath(new URL('../../bin/planledger.js', import.meta.url));

export interface SimulateRun {
  events: number;
  seconds: number;
  peakRssMb: number;
  /** CPU seconds of the command (every thread). */
  cpuSeconds: number;
  /** Seconds per step, from the command's `--json` (workers' steps summed over the workers). */
  phases: Record<string, number>;
}

/**
 * One simulation into a fresh store in a child process: `--no-snapshots` unless `snapshots`
 * (the comparison benchmark measures the simulation alone).
 */
export async function simulateOnce(
  ctx: BenchContext,
  employees: number,
  run: number,
  opts: { snapshots?: boolean } = {},
): Promise<SimulateRun> {
  const db = join(ctx.tmpDir, `simulate-${run}.duckdb`);
  await rm(db, { force: true });
  const args = [BIN, ...simulateArgs(employees, db, opts.snapshots ?? false)];
  const child = await runNodeChild(args, { tmpDir: ctx.tmpDir });
  await rm(db, { force: true });
  await rm(`${db}.wal`, { force: true });
  if (child.exitCode !== 0)
    throw new Error(`simulate exited with ${child.exitCode}: ${child.stderr.slice(-2000)}`);
  const summary = JSON.parse(child.stdout) as {
    events: number;
    cpu_seconds: number;
    phases: Record<string, number>;
  };
  return {
    events: summary.events,
    seconds: child.seconds,
    peakRssMb: child.peakRssMB,
    cpuSeconds: summary.cpu_seconds,
    phases: summary.phases,
  };
}

/** The command line measured (the one in the README's table): the command's defaults otherwise. */
export function simulateArgs(employees: number, db: string, snapshots: boolean): string[] {
  const args = ['simulate', '--employees', String(employees), '--years', '2021-2025', '--seed', '42'];
  args.push('--created-at', '2026-01-01T00:00:00Z', '--db', db, '--json');
  if (!snapshots) args.push('--no-snapshots');
  return args;
}

/** Microseconds per event of each step, and of the whole process's CPU. */
export function perEvent(r: SimulateRun): Record<string, number> {
  const out: Record<string, number> = { cpu: (r.cpuSeconds * 1e6) / r.events };
  for (const [k, s] of Object.entries(r.phases)) out[k] = (s * 1e6) / r.events;
  return out;
}

export const simulateBenchmark: Benchmark = {
  name: 'simulate',
  description:
    'planledger simulate as a user runs it (snapshots included) into a fresh store, in a child process: ' +
    'seconds, events/s, peak RSS, CPU µs per event and µs per event of each step. ' +
    'Quick: 100 employees × 5 years per repetition; full: 100,000 employees × 5 years, three times.',
  async run(ctx: BenchContext): Promise<MetricSamples[]> {
    const employees = ctx.quick ? 100 : 100_000;
    const runs = ctx.quick ? ctx.repetitions : 3;
    const rate: number[] = [];
    const seconds: number[] = [];
    const rss: number[] = [];
    const steps = new Map<string, number[]>();
    for (let i = 0; i < runs; i++) {
      const r = await simulateOnce(ctx, employees, i, { snapshots: true });
      const us = perEvent(r);
      ctx.log(
        `simulate ${employees} × 5 years: ${r.events} events in ${r.seconds.toFixed(1)} s, peak RSS ` +
          `${Math.round(r.peakRssMb)} MB, ${us.cpu.toFixed(1)} µs CPU per event; µs per event by step: ` +
          Object.entries(us)
            .filter(([k]) => k !== 'cpu')
            .map(([k, v]) => `${k} ${v.toFixed(2)}`)
            .join(', '),
      );
      rate.push(r.events / r.seconds);
      seconds.push(r.seconds);
      rss.push(r.peakRssMb);
      for (const [k, v] of Object.entries(us)) steps.set(k, [...(steps.get(k) ?? []), v]);
    }
    const perStep: MetricSamples[] = [...steps].map(([k, samples]) => ({
      name: k === 'cpu' ? 'simulate.cpu_us_per_event' : `simulate.step_us_per_event.${k}`,
      unit: 'us/event',
      direction: 'lower',
      samples,
      cpuBound: true,
      // Steps are thread times of a busy machine: reported to show the floor, never a verdict.
      gated: k === 'cpu',
    }));
    return [
      { name: 'simulate.events_per_s', unit: 'events/s', direction: 'higher', samples: rate, cpuBound: true },
      { name: 'simulate.seconds', unit: 's', direction: 'lower', samples: seconds, cpuBound: true },
      { name: 'simulate.peak_rss_mb', unit: 'MB', direction: 'lower', samples: rss },
      ...perStep,
    ];
  },
};
