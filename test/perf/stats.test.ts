import { describe, expect, it } from 'vitest';
import { erfc, mad, mannWhitneyU, median, normalSf, quantile } from '../../src/perf/stats.js';

describe('median, MAD and quantiles', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('MAD is the median distance from the median', () => {
    expect(mad([1, 1, 2, 2, 4, 6, 9])).toBe(1);
    expect(mad([5])).toBe(0);
    expect(mad([])).toBeNaN();
  });

  it('quantiles interpolate between closest ranks (type 7)', () => {
    const xs = [10, 20, 30, 40, 50];
    expect(quantile(xs, 0)).toBe(10);
    expect(quantile(xs, 1)).toBe(50);
    expect(quantile(xs, 0.99)).toBeCloseTo(49.6, 10);
    expect(() => quantile(xs, 1.5)).toThrow(RangeError);
  });
});

describe('normal tail', () => {
  it('matches known values of erfc and the normal survival function', () => {
    expect(erfc(0)).toBeCloseTo(1, 7);
    expect(erfc(1)).toBeCloseTo(0.157299207, 7);
    expect(erfc(-1)).toBeCloseTo(1.842700793, 7);
    expect(normalSf(1.959963985)).toBeCloseTo(0.025, 7);
    // relative accuracy far in the tail
    expect(normalSf(5) / 2.866515719e-7).toBeCloseTo(1, 5);
  });
});

describe('Mann-Whitney U (two-sided), reference values from SciPy 1.17 mannwhitneyu', () => {
  it('exact for small samples without ties', () => {
    const r = mannWhitneyU([1, 2, 3, 4, 5, 6, 7], [8, 9, 10, 11, 12, 13, 14]);
    expect(r).toMatchObject({ u: 0, method: 'exact' });
    expect(r.p).toBeCloseTo(0.0005827505827505828, 12);
    const s = mannWhitneyU([1.1, 2.3, 3.5, 4.2, 5.9, 6.1, 7.7], [2.2, 3.3, 8.8, 9.1, 10.5, 4.4, 5.5]);
    expect(s.u).toBe(17);
    expect(s.p).toBeCloseTo(0.3828671328671329, 12);
  });

  it('is symmetric: swapping the samples gives U′ = n1·n2 − U and the same p', () => {
    const a = [1.1, 2.3, 3.5, 4.2, 5.9, 6.1, 7.7];
    const b = [2.2, 3.3, 8.8, 9.1, 10.5, 4.4, 5.5];
    expect(mannWhitneyU(b, a).u).toBe(49 - 17);
    expect(mannWhitneyU(b, a).p).toBeCloseTo(mannWhitneyU(a, b).p, 12);
  });

  it('normal approximation with tie and continuity correction when there are ties', () => {
    const r = mannWhitneyU([1, 2, 2, 3, 3, 3, 4, 5], [2, 3, 4, 4, 5, 6, 6, 7, 8]);
    expect(r).toMatchObject({ u: 13, method: 'normal' });
    expect(r.p).toBeCloseTo(0.028372715346028934, 6);
    const s = mannWhitneyU(
      [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20],
      [15, 16.5, 17.5, 18.5, 19.5, 21, 22, 23, 24, 25, 26, 27],
    );
    expect(s.u).toBe(15.5);
    expect(s.p).toBeCloseTo(0.002083615215503703, 6);
  });

  it('normal approximation for large samples', () => {
    const x = Array.from({ length: 60 }, (_, i) => i * 1.01);
    const y = Array.from({ length: 60 }, (_, i) => i * 1.01 + 7.5);
    const r = mannWhitneyU(x, y);
    expect(r.method).toBe('normal');
    expect(r.p).toBeGreaterThan(0);
    expect(r.p).toBeLessThan(0.05);
  });

  it('all values equal: no evidence of a difference', () => {
    expect(mannWhitneyU([5, 5, 5], [5, 5, 5])).toMatchObject({ u: 4.5, p: 1 });
  });

  it('rejects empty samples', () => {
    expect(() => mannWhitneyU([], [1])).toThrow(RangeError);
  });
});
