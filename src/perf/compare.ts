/**
 * Comparing two results files (docs/benchmarks.md, "Comparing two runs"). Pure: no I/O.
 *
 * Per metric: the ratio of medians oriented so that > 1 is worse (new/base for lower-is-better
 * figures, base/new for higher-is-better), and a two-sided Mann-Whitney U test on the samples.
 * Regressed only when the ratio exceeds 1 + threshold AND p < alpha; improved symmetrically
 * (ratio below 1 / (1 + threshold) AND p < alpha). A metric with fewer than 7 samples on
 * either side (a figure measured once, like the peak memory of a large run) is judged by the
 * ratio alone and labelled `ratio-only`. When the two runs come from different machines,
 * CPU-bound samples of the new run are first scaled by the calibration scores.
 */
import { sameMachine } from './environment.js';
import type { Metric, ResultsFile } from './results.js';
import { mannWhitneyU, median } from './stats.js';

/** The fewest samples a side for which the test can reach p < 0.01 (7 vs 7: p ≥ 0.0006). */
export const MIN_COMPARED_SAMPLES = 7;

export type Verdict = 'improved' | 'unchanged' | 'regressed';
export type Normalize = 'auto' | 'always' | 'never';

export interface CompareOptions {
  /** Relative change of the median that counts (0.10 = 10%). */
  threshold: number;
  /** Significance level of the Mann-Whitney test. */
  alpha: number;
  /** Scale CPU-bound figures by calibration: when the machines differ (auto), always or never. */
  normalize: Normalize;
}

export const DEFAULT_COMPARE: CompareOptions = { threshold: 0.1, alpha: 0.01, normalize: 'auto' };

export interface MetricComparison {
  name: string;
  unit: string;
  direction: 'higher' | 'lower';
  base_median: number;
  /** The new median, after calibration scaling when `normalized`. */
  new_median: number;
  /** > 1 is worse, < 1 is better. */
  ratio: number;
  /** Two-sided p-value, null for `ratio-only`. */
  p_value: number | null;
  test: 'mann-whitney' | 'ratio-only';
  normalized: boolean;
  /** False when either run marks the metric as not gated (its verdict is then 'unchanged'). */
  gated: boolean;
  base_n: number;
  new_n: number;
  verdict: Verdict;
}

export interface Comparison {
  threshold: number;
  alpha: number;
  /** new calibration score / base calibration score (> 1: the new machine is faster). */
  calibration_factor: number;
  /** True when CPU-bound metrics were scaled by `calibration_factor`. */
  normalized: boolean;
  base: RunLabel;
  new: RunLabel;
  metrics: MetricComparison[];
  /** Metrics in the base only (not measured in the new run). */
  missing: string[];
  /** Metrics in the new run only. */
  added: string[];
  regressions: number;
  improvements: number;
}

export interface RunLabel {
  date: string;
  git_commit: string | null;
  cpu_model: string;
  calibration: number;
}

export function compareResults(
  base: ResultsFile,
  next: ResultsFile,
  options: CompareOptions = DEFAULT_COMPARE,
): Comparison {
  const factor = next.environment.calibration.score / base.environment.calibration.score;
  const normalize =
    options.normalize === 'always' ||
    (options.normalize === 'auto' && !sameMachine(base.environment, next.environment));
  const byName = new Map(next.metrics.map((m) => [m.name, m]));
  const metrics: MetricComparison[] = [];
  const missing: string[] = [];
  for (const b of base.metrics) {
    const n = byName.get(b.name);
    if (n === undefined) missing.push(b.name);
    // A ratio of two figures of one run (unit 'ratio') does not move with the machine's speed,
    // whatever its flag says (results files before 27 Nov marked snapshots' ratio CPU-bound).
    else
      metrics.push(compareMetric(b, n, normalize && b.cpu_bound && b.unit !== 'ratio' ? factor : 1, options));
  }
  const baseNames = new Set(base.metrics.map((m) => m.name));
  return {
    threshold: options.threshold,
    alpha: options.alpha,
    calibration_factor: factor,
    normalized: normalize,
    base: label(base),
    new: label(next),
    metrics,
    missing,
    added: next.metrics.filter((m) => !baseNames.has(m.name)).map((m) => m.name),
    regressions: metrics.filter((m) => m.verdict === 'regressed').length,
    improvements: metrics.filter((m) => m.verdict === 'improved').length,
  };
}

/**
 * One metric. `factor` = new machine speed / base machine speed (1 = no scaling): a time on a
 * machine twice as fast counts double, a throughput half.
 */
export function compareMetric(
  base: Metric,
  next: Metric,
  factor: number,
  options: CompareOptions,
): MetricComparison {
  const scale = base.direction === 'lower' ? factor : 1 / factor;
  const newSamples = factor === 1 ? next.samples : next.samples.map((x) => x * scale);
  const baseMedian = median(base.samples);
  const newMedian = median(newSamples);
  const ratio =
    base.direction === 'lower' ? safeRatio(newMedian, baseMedian) : safeRatio(baseMedian, newMedian);
  const tested = base.samples.length >= MIN_COMPARED_SAMPLES && newSamples.length >= MIN_COMPARED_SAMPLES;
  const p = tested ? mannWhitneyU(base.samples, newSamples).p : null;
  const significant = p === null || p < options.alpha;
  const gated = base.gated !== false && next.gated !== false;
  let verdict: Verdict = 'unchanged';
  if (gated && significant && ratio > 1 + options.threshold) verdict = 'regressed';
  else if (gated && significant && ratio < 1 / (1 + options.threshold)) verdict = 'improved';
  return {
    name: base.name,
    unit: base.unit,
    direction: base.direction,
    base_median: baseMedian,
    new_median: newMedian,
    ratio,
    p_value: p,
    test: tested ? 'mann-whitney' : 'ratio-only',
    normalized: factor !== 1,
    gated,
    base_n: base.samples.length,
    new_n: newSamples.length,
    verdict,
  };
}

/** a / b, with 0 / 0 = 1 (no change) and x / 0 = ∞. */
function safeRatio(a: number, b: number): number {
  if (b === 0) return a === 0 ? 1 : Number.POSITIVE_INFINITY;
  return a / b;
}

function label(r: ResultsFile): RunLabel {
  return {
    date: r.environment.date,
    git_commit: r.environment.git_commit,
    cpu_model: r.environment.cpu_model,
    calibration: r.environment.calibration.score,
  };
}
