/**
 * Comparison benchmark (docs/compare.md, "Performance"): `planledger compare` of two plan designs
 * against one `planledger simulate` of the same census, seed and years, each end to end into a
 * fresh store in a child process, interleaved run by run. The ratio (compare ÷ simulate) is the
 * figure: the second design reuses the workforce decisions, so the goal is at most 2.1×.
 * Quick: 100 employees × 5 years; full: 10,000 employees × 5 years, once.
 */
import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simulateOnce } from './bench-simulate.js';
import { runNodeChild } from './child.js';
import type { BenchContext, Benchmark, MetricSamples } from './types.js';

const BIN = fileURLToPath(new URL('../../bin/planledger.js', import.meta.url));
const DEFAULT_PLAN = fileURLToPath(new URL('../../config/plan-default.json', import.meta.url));

/** A second design: the default plan with its match as 100% of the first 4% of pay. */
async function secondPlan(ctx: BenchContext): Promise<string> {
  const file = join(ctx.tmpDir, 'match-100-of-4.json');
  const { readFile } = await import('node:fs/promises');
  const plan = JSON.parse(await readFile(DEFAULT_PLAN, 'utf8')) as Record<string, unknown>;
  plan.match = { tiers: [{ rate: '1', up_to: '0.04' }], true_up: true };
  await writeFile(file, JSON.stringify(plan));
  return file;
}

/** One comparison of the default plan and `other` into a fresh store; wall seconds. */
export async function compareOnce(
  ctx: BenchContext,
  employees: number,
  other: string,
  run: number,
): Promise<number> {
  const db = join(ctx.tmpDir, `compare-${run}.duckdb`);
  const { rm } = await import('node:fs/promises');
  await rm(db, { force: true });
  const args = [BIN, 'compare', '--plan', DEFAULT_PLAN, '--plan', other, '--employees', String(employees)];
  args.push('--years', '2021-2025', '--seed', '42', '--created-at', '2026-01-01T00:00:00Z', '--db', db);
  args.push('--no-snapshots', '--json', '--workers', String(availableParallelism()));
  const child = await runNodeChild(args, { tmpDir: ctx.tmpDir });
  await rm(db, { force: true });
  await rm(`${db}.wal`, { force: true });
  if (child.exitCode !== 0)
    throw new Error(`compare exited with ${child.exitCode}: ${child.stderr.slice(-2000)}`);
  return child.seconds;
}

export const compareBenchmark: Benchmark = {
  name: 'compare',
  description:
    'planledger compare of two plan designs against one planledger simulate (same census, seed, years), ' +
    'interleaved, each in a child process: the ratio compare ÷ simulate. Quick: 100 employees × 5 years; ' +
    'full: 10,000 employees × 5 years, once.',
  async run(ctx: BenchContext): Promise<MetricSamples[]> {
    const employees = ctx.quick ? 100 : 10_000;
    const runs = ctx.quick ? ctx.repetitions : 1;
    const other = await secondPlan(ctx);
    const ratio: number[] = [];
    const compareSeconds: number[] = [];
    const simulateSeconds: number[] = [];
    for (let i = 0; i < runs; i++) {
      const one = await simulateOnce(ctx, employees, 1000 + i);
      const two = await compareOnce(ctx, employees, other, i);
      ctx.log(
        `compare 2 designs × ${employees} × 5 years: ${two.toFixed(1)} s; one simulation ${one.seconds.toFixed(1)} s; ratio ${(two / one.seconds).toFixed(2)}`,
      );
      ratio.push(two / one.seconds);
      compareSeconds.push(two);
      simulateSeconds.push(one.seconds);
    }
    return [
      { name: 'compare.ratio_to_simulate', unit: '×', direction: 'lower', samples: ratio, cpuBound: true },
      { name: 'compare.seconds', unit: 's', direction: 'lower', samples: compareSeconds, cpuBound: true },
      {
        name: 'compare.simulate_seconds',
        unit: 's',
        direction: 'lower',
        samples: simulateSeconds,
        cpuBound: true,
      },
    ];
  },
};
