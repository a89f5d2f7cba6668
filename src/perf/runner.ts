/**
 * The suite runner: calibration, then every selected benchmark in its own scratch directory,
 * then calibration again (the machine's speed over the whole run), into one results file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { calibrationOf, measureCalibrationSamples } from './bench-calibration.js';
import { MIN_COMPARED_SAMPLES } from './compare.js';
import { describeEnvironment, gitCommit } from './environment.js';
import { SUITE, type SuiteEntry, selectEntries } from './registry.js';
import {
  type BenchmarkStatus,
  type Metric,
  RESULTS_SCHEMA_VERSION,
  type ResultsFile,
  summarize,
} from './results.js';
import type { BenchContext, MetricSamples } from './types.js';

/** The whole quick suite should finish within this on the 2-core reference machine (CI). */
export const QUICK_BUDGET_SECONDS = 120;

export interface RunOptions {
  quick: boolean;
  /** Benchmark names to run (`--only`), null for all. */
  only: string[] | null;
  /** Repetitions per metric; default 7 with `--quick`, 10 otherwise (never fewer than 7). */
  repetitions?: number;
  log(message: string): void;
  /** The suite to run (tests pass their own). */
  suite?: readonly SuiteEntry[];
  /** Calibration samples at the start and again at the end of the run. Default 5 (each ~100 ms). */
  calibrationSamples?: number;
}

export async function runSuite(options: RunOptions): Promise<ResultsFile> {
  const startedAt = new Date();
  const commit = gitCommit();
  const start = process.hrtime.bigint();
  const repetitions = Math.max(MIN_COMPARED_SAMPLES, options.repetitions ?? (options.quick ? 7 : 10));
  const entries = selectEntries(options.suite ?? SUITE, options.only);
  const calibrationSamples = options.calibrationSamples ?? 5;
  options.log(`calibration (${calibrationSamples} samples)…`);
  const calibration = measureCalibrationSamples(calibrationSamples);

  const statuses: BenchmarkStatus[] = [];
  const metrics: Metric[] = [];
  for (const entry of entries) {
    const t0 = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - t0) / 1e9;
    let benchmarks: Awaited<ReturnType<SuiteEntry['load']>>;
    try {
      benchmarks = await entry.load();
    } catch (err) {
      statuses.push({
        name: entry.name,
        status: 'failed',
        seconds: seconds(),
        note: `load: ${message(err)}`,
      });
      options.log(`${entry.name}: FAILED to load: ${message(err)}`);
      continue;
    }
    if (benchmarks === undefined) {
      const note = `src/perf/bench-${entry.name}.ts does not exist yet`;
      statuses.push({ name: entry.name, status: 'skipped', seconds: 0, note });
      options.log(`${entry.name}: skipped (${note})`);
      continue;
    }
    for (const bench of benchmarks) {
      const name = benchmarks.length === 1 ? entry.name : `${entry.name}/${bench.name}`;
      const b0 = process.hrtime.bigint();
      options.log(`${name}: running (${options.quick ? 'quick' : 'full'}, ${repetitions} repetitions)…`);
      try {
        const measured = await runOne(bench, { quick: options.quick, repetitions, log: options.log }, name);
        checkMetrics(measured, name, metrics);
        for (const m of measured.filter((x) => x.samples.length < MIN_COMPARED_SAMPLES)) {
          options.log(`  ${name}: ${m.name} has ${m.samples.length} sample(s): compared by ratio alone`);
        }
        metrics.push(...measured.map((m) => summarize(m, name)));
        const s = Number(process.hrtime.bigint() - b0) / 1e9;
        statuses.push({ name, status: 'ok', seconds: s });
        options.log(`${name}: done in ${s.toFixed(1)} s (${measured.length} metrics)`);
      } catch (err) {
        const s = Number(process.hrtime.bigint() - b0) / 1e9;
        statuses.push({ name, status: 'failed', seconds: s, note: message(err) });
        options.log(`${name}: FAILED: ${message(err)}`);
      }
    }
  }

  const benchSeconds = statuses.reduce((sum, b) => sum + b.seconds, 0);
  if (options.quick && benchSeconds > QUICK_BUDGET_SECONDS) {
    const slowest = [...statuses].sort((a, b) => b.seconds - a.seconds).slice(0, 3);
    options.log(
      `warning: the quick suite took ${benchSeconds.toFixed(0)} s, over its ${QUICK_BUDGET_SECONDS} s budget ` +
        `(slowest: ${slowest.map((b) => `${b.name} ${b.seconds.toFixed(0)} s`).join(', ')})`,
    );
  }
  options.log(`calibration again (${calibrationSamples} samples)…`);
  calibration.push(...measureCalibrationSamples(calibrationSamples));
  return {
    schema_version: RESULTS_SCHEMA_VERSION,
    environment: await describeEnvironment(startedAt, calibrationOf(calibration), commit),
    suite: {
      quick: options.quick,
      repetitions,
      only: options.only,
      seconds: Number(process.hrtime.bigint() - start) / 1e9,
      benchmarks: statuses,
    },
    metrics,
  };
}

async function runOne(
  bench: { run(ctx: BenchContext): Promise<MetricSamples[]> },
  base: Omit<BenchContext, 'tmpDir'>,
  name: string,
): Promise<MetricSamples[]> {
  const tmpDir = await mkdtemp(join(os.tmpdir(), `planledger-bench-${name.replace(/[^a-z0-9]+/gi, '-')}-`));
  try {
    return await bench.run({ ...base, tmpDir, log: (m) => base.log(`  ${name}: ${m}`) });
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
  }
}

/** A benchmark's figures must be usable: named once, with finite samples. */
function checkMetrics(measured: MetricSamples[], bench: string, earlier: Metric[]): void {
  if (!Array.isArray(measured)) throw new Error(`${bench} returned no metric list`);
  const seen = new Set(earlier.map((m) => m.name));
  for (const m of measured) {
    if (!m.name) throw new Error(`${bench} returned a metric without a name`);
    if (seen.has(m.name)) throw new Error(`${bench}: metric ${m.name} is reported twice`);
    seen.add(m.name);
    if (m.direction !== 'higher' && m.direction !== 'lower') {
      throw new Error(`${bench}: metric ${m.name} has direction ${JSON.stringify(m.direction)}`);
    }
    if (!Array.isArray(m.samples) || m.samples.length === 0 || !m.samples.every(Number.isFinite)) {
      throw new Error(`${bench}: metric ${m.name} needs at least one finite sample`);
    }
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
