/** Drift statistics against reference figures computed with SciPy 1.x / NumPy. */
import { describe, expect, it } from 'vitest';
import {
  chiSquare,
  ksTest,
  psi,
  stdDev,
  wasserstein,
  wassersteinNormed,
} from '../../../src/quality/drift/stats.js';

const M = 1_000_000n;
const a = Array.from({ length: 200 }, (_, i) => BigInt((i * 37) % 101) * M);
const b = Array.from({ length: 150 }, (_, i) => BigInt(((i * 53) % 89) + 12) * M);

describe('drift statistics', () => {
  it('KS statistic matches scipy.stats.ks_2samp; p-value = scipy.stats.kstwobign.sf(D * sqrt(nm / (n + m)))', () => {
    const r = ksTest(a, b);
    expect(r.statistic).toBeCloseTo(0.12, 12);
    expect(r.p_value).toBeCloseTo(0.16930859894297043, 9);
  });

  it('Wasserstein matches scipy.stats.wasserstein_distance; normed by the reference std (numpy.std)', () => {
    expect(wasserstein(a, b)).toBeCloseTo(6.321666666666666, 9);
    expect(stdDev(a)).toBeCloseTo(29.238210872076287, 9);
    expect(wassersteinNormed(a, b)).toBeCloseTo(6.321666666666666 / 29.238210872076287, 9);
  });

  it('chi-square matches scipy.stats.chi2_contingency(correction=False); PSI matches the formula', () => {
    const base = { x: 120, y: 30, z: 50 };
    const cur = { x: 100, y: 60, z: 40 };
    const r = chiSquare(base, cur);
    expect(r.statistic).toBeCloseTo(12.929292929292929, 9);
    expect(r.df).toBe(2);
    expect(r.p_value).toBeCloseTo(0.00155754180799815, 9);
    expect(psi(base, cur)).toBeCloseTo(0.13336141032909773, 12);
  });

  it('identical samples give exactly zero', () => {
    expect(ksTest(a, [...a].reverse())).toEqual({ statistic: 0, p_value: 1 });
    expect(wasserstein(a, a)).toBe(0);
    expect(wassersteinNormed(a, a)).toBe(0);
    expect(psi({ x: 3, y: 4 }, { y: 4, x: 3 })).toBe(0);
    expect(chiSquare({ x: 3, y: 4 }, { x: 3, y: 4 })).toEqual({ statistic: 0, df: 1, p_value: 1 });
  });

  it('edge cases: empty samples, a constant reference, a category that appears', () => {
    expect(ksTest([], [])).toEqual({ statistic: 0, p_value: 1 });
    expect(ksTest([1n], [])).toEqual({ statistic: 1, p_value: 0 });
    expect(wassersteinNormed([5n * M, 5n * M], [6n * M])).toBe(1);
    expect(psi({ x: 10 }, { x: 10, y: 10 })).toBeGreaterThan(1);
  });
});
