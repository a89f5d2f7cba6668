import { describe, expect, it } from 'vitest';
import { compareMetric, compareResults, DEFAULT_COMPARE } from '../../src/perf/compare.js';
import type { Metric } from '../../src/perf/results.js';
import { metric, results } from './fixtures.js';
import { logNormal, rng } from './noise.js';

const N = 7; // what `bench --quick` measures: the fewest samples a side that can reach p < 0.01
const TRIALS = 200;
const CV = 0.05;

/** Fraction of seeded trials judged `regressed` when the new run is `slowdown` times slower. */
function regressionRate(seed: number, slowdown: number, direction: 'lower' | 'higher'): number {
  const random = rng(seed);
  let regressed = 0;
  for (let t = 0; t < TRIALS; t++) {
    const base = logNormal(random, N, 100, CV);
    const next = logNormal(random, N, direction === 'lower' ? 100 * slowdown : 100 / slowdown, CV);
    const c = compareMetric(metric('m', base, direction), metric('m', next, direction), 1, DEFAULT_COMPARE);
    if (c.verdict === 'regressed') regressed++;
  }
  return regressed / TRIALS;
}

describe('bench compare: the statistics do not cry wolf', () => {
  it('a run compared with itself never regresses', () => {
    const random = rng(1);
    for (let t = 0; t < 50; t++) {
      const r = results([
        metric('a.time', logNormal(random, N, 10, 0.3)),
        metric('b.rate', logNormal(random, N, 1e5, 0.3), 'higher'),
        metric('c.rss', [512], 'lower', false),
      ]);
      const c = compareResults(r, r);
      expect(c.regressions).toBe(0);
      expect(c.metrics.every((m) => m.ratio === 1 && m.verdict === 'unchanged')).toBe(true);
    }
  });

  it('A/A: 200 trials of the same log-normal noise (5% CV) regress in ≤ 1% of trials', () => {
    for (const seed of [11, 12, 13]) {
      expect(regressionRate(seed, 1, 'lower')).toBeLessThanOrEqual(0.01);
      expect(regressionRate(seed, 1, 'higher')).toBeLessThanOrEqual(0.01);
    }
  });

  it('a 20% slowdown under the same noise is detected in ≥ 95% of trials', () => {
    for (const seed of [21, 22, 23]) {
      expect(regressionRate(seed, 1.2, 'lower')).toBeGreaterThanOrEqual(0.95);
      expect(regressionRate(seed, 1.2, 'higher')).toBeGreaterThanOrEqual(0.95);
    }
  });

  it('a metric marked not gated is compared but never regresses or improves', () => {
    const slow = { ...metric('m', [20, 21, 22, 23, 24, 25, 26]), gated: false };
    const fast = metric('m', [10, 10, 10, 11, 11, 11, 12]);
    const worse = compareMetric(fast, slow, 1, DEFAULT_COMPARE);
    expect(worse.ratio).toBeGreaterThan(1.5);
    expect(worse.p_value).toBeLessThan(0.01);
    expect(worse).toMatchObject({ gated: false, verdict: 'unchanged' });
    expect(compareMetric(slow, fast, 1, DEFAULT_COMPARE)).toMatchObject({
      gated: false,
      verdict: 'unchanged',
    });
    expect(compareMetric(fast, { ...slow, gated: true }, 1, DEFAULT_COMPARE).verdict).toBe('regressed');
  });

  it('a large ratio without statistical evidence is not a regression', () => {
    // 1.25× the median, but the samples overlap heavily: p is not below 0.01
    const base = metric('m', [10, 11, 12, 20, 31, 32, 33]);
    const next = metric('m', [11, 12, 13, 25, 32, 33, 34]);
    const c = compareMetric(base, next, 1, DEFAULT_COMPARE);
    expect(c.ratio).toBeGreaterThan(1.1);
    expect(c.p_value).toBeGreaterThan(0.01);
    expect(c.verdict).toBe('unchanged');
  });

  it('a significant but small change is not a regression', () => {
    const base = metric('m', [100, 100.1, 100.2, 100.3, 100.4, 100.5, 100.6]);
    const next = metric('m', [105, 105.1, 105.2, 105.3, 105.4, 105.5, 105.6]);
    const c = compareMetric(base, next, 1, DEFAULT_COMPARE);
    expect(c.p_value).toBeLessThan(0.01);
    expect(c.verdict).toBe('unchanged');
  });

  it('orients the ratio so that > 1 is worse, and labels improvements', () => {
    const slow = [20, 21, 22, 23, 24, 25, 26];
    const fast = [10, 11, 12, 13, 14, 15, 16];
    expect(compareMetric(metric('t', fast), metric('t', slow), 1, DEFAULT_COMPARE)).toMatchObject({
      verdict: 'regressed',
      test: 'mann-whitney',
    });
    expect(compareMetric(metric('t', slow), metric('t', fast), 1, DEFAULT_COMPARE).verdict).toBe('improved');
    const rate = compareMetric(metric('r', slow, 'higher'), metric('r', fast, 'higher'), 1, DEFAULT_COMPARE);
    expect(rate.ratio).toBeCloseTo(23 / 13, 10);
    expect(rate.verdict).toBe('regressed');
  });

  it('a metric measured once is compared by ratio alone and labelled so', () => {
    const same = compareMetric(
      metric('rss', [500], 'lower', false),
      metric('rss', [540], 'lower', false),
      1,
      DEFAULT_COMPARE,
    );
    expect(same).toMatchObject({ test: 'ratio-only', p_value: null, verdict: 'unchanged' });
    const worse = compareMetric(
      metric('rss', [500], 'lower', false),
      metric('rss', [600], 'lower', false),
      1,
      DEFAULT_COMPARE,
    );
    expect(worse).toMatchObject({ test: 'ratio-only', verdict: 'regressed' });
    expect(worse.ratio).toBeCloseTo(1.2, 10);
  });

  it('normalises CPU-bound metrics by calibration only when the machines differ', () => {
    const random = rng(5);
    const base = results([metric('t', logNormal(random, N, 100, CV)), metric('rss', [500], 'lower', false)]);
    // a machine twice as slow (calibration halves): CPU-bound times double, memory does not
    const slowMachine = results(
      [metric('t', logNormal(random, N, 200, CV)), metric('rss', [500], 'lower', false)],
      {
        cpu_model: 'Slower CPU',
        calibration: {
          score: 500,
          unit: 'passes/s',
          samples: [500],
          mad: 0,
          workload: 'planledger-calibration-v1',
        },
      },
    );
    const c = compareResults(base, slowMachine);
    expect(c.normalized).toBe(true);
    expect(c.calibration_factor).toBe(0.5);
    expect(c.regressions).toBe(0);
    expect(c.metrics.find((m) => m.name === 't')).toMatchObject({ normalized: true, verdict: 'unchanged' });
    expect(c.metrics.find((m) => m.name === 'rss')).toMatchObject({ normalized: false, ratio: 1 });
    const raw = compareResults(base, slowMachine, { ...DEFAULT_COMPARE, normalize: 'never' });
    expect(raw.regressions).toBe(1);
  });

  it('takes a few MB less memory after a reboot as the same machine (no scaling)', () => {
    const random = rng(7);
    const base = results([metric('t', logNormal(random, N, 100, CV))], { memory_mb: 24105 });
    const fast = {
      score: 2000,
      unit: 'passes/s',
      samples: [2000],
      mad: 0,
      workload: 'planledger-calibration-v1',
    };
    const sameBoxOtherBoot = results([metric('t', logNormal(random, N, 100, CV))], {
      memory_mb: 24106,
      calibration: fast,
    });
    expect(compareResults(base, sameBoxOtherBoot).normalized).toBe(false);
    const otherBox = results([metric('t', logNormal(random, N, 100, CV))], {
      memory_mb: 32768,
      calibration: fast,
    });
    expect(compareResults(base, otherBox).normalized).toBe(true);
  });

  it('never scales a ratio of two figures of one run, even one marked CPU-bound', () => {
    const random = rng(6);
    const ratio = (samples: number[]): Metric => ({ ...metric('r', samples, 'higher'), unit: 'ratio' });
    const base = results([ratio(logNormal(random, N, 3, CV))]);
    const fastMachine = results([ratio(logNormal(random, N, 3, CV))], {
      cpu_model: 'Faster CPU',
      calibration: {
        score: 2000,
        unit: 'passes/s',
        samples: [2000],
        mad: 0,
        workload: 'planledger-calibration-v1',
      },
    });
    const c = compareResults(base, fastMachine);
    expect(c.calibration_factor).toBe(2);
    expect(c.metrics[0]).toMatchObject({ normalized: false, verdict: 'unchanged' });
  });

  it('reports metrics missing from either side', () => {
    const c = compareResults(
      results([metric('a', [1]), metric('b', [1])]),
      results([metric('b', [1]), metric('c', [1])]),
    );
    expect(c.missing).toEqual(['a']);
    expect(c.added).toEqual(['c']);
  });
});
