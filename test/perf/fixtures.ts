/** Results files built in memory for the comparison tests. */
import type { Environment, Metric, ResultsFile } from '../../src/perf/results.js';
import { mad, median } from '../../src/perf/stats.js';

export function environment(overrides: Partial<Environment> = {}): Environment {
  return {
    cpu_model: 'Test CPU',
    cores: 2,
    memory_mb: 24000,
    platform: 'linux test x64',
    node: 'v20.0.0',
    duckdb: 'v1.5.6',
    planledger: '0.1.0',
    git_commit: 'abc',
    date: '2026-01-01T00:00:00.000Z',
    calibration: {
      score: 1000,
      unit: 'passes/s',
      samples: [1000],
      mad: 0,
      workload: 'planledger-calibration-v1',
    },
    ...overrides,
  };
}

export function metric(
  name: string,
  samples: number[],
  direction: 'higher' | 'lower' = 'lower',
  cpuBound = true,
): Metric {
  return {
    name,
    unit: direction === 'lower' ? 'ms' : 'events/s',
    direction,
    samples,
    median: median(samples),
    mad: mad(samples),
    cpu_bound: cpuBound,
    benchmark: name.split('.')[0],
  };
}

export function results(metrics: Metric[], env: Partial<Environment> = {}): ResultsFile {
  return {
    schema_version: 1,
    environment: environment(env),
    suite: { quick: true, repetitions: 7, only: null, seconds: 1, benchmarks: [] },
    metrics,
  };
}
