/**
 * The shape every benchmark shares. A benchmark module (src/perf/bench-*.ts) exports a
 * `Benchmark`; the suite runner (src/perf) runs it with warm-up and repetitions and writes
 * the results file (docs/benchmarks.md documents its schema).
 */

export type Direction = 'higher' | 'lower';

/** One measured figure with every sample (the runner adds median and MAD). */
export interface MetricSamples {
  /** Stable dotted name, e.g. `validation.object_us_per_event`. */
  name: string;
  /** Unit of every sample, e.g. `us/event`, `events/s`, `ms`, `MB`, `ratio`. */
  unit: string;
  /** Whether a higher or a lower figure is better. */
  direction: Direction;
  samples: number[];
  /** True for figures that depend on CPU speed (normalised by the calibration score across machines). */
  cpuBound?: boolean;
  /**
   * False for a figure whose run-to-run variation on one idle machine exceeds the regression
   * threshold (a few milliseconds of query overhead), and for an in-run baseline that times
   * DuckDB alone (its ratio to planledger is the gated figure): reported and compared, never a
   * verdict.
   */
  gated?: boolean;
}

export interface BenchContext {
  /** Small sizes for CI (the whole quick suite < 2 minutes). */
  quick: boolean;
  /** Repetitions per metric (≥ 7 so that a Mann-Whitney test can reach p < 0.01). */
  repetitions: number;
  /** A scratch directory owned by this run, removed afterwards. */
  tmpDir: string;
  /** Progress and logs (stderr). */
  log(message: string): void;
}

export interface Benchmark {
  /** Short name used by `--only`, e.g. `validation`. */
  name: string;
  /** What it measures and at which sizes (quick and full). */
  description: string;
  run(ctx: BenchContext): Promise<MetricSamples[]>;
}
