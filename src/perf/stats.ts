/**
 * Statistics for benchmark samples: pure functions, no I/O.
 *
 * The regression rule of docs/benchmarks.md ("Comparing two runs") follows asv: a change is
 * flagged only when the ratio of medians passes a threshold AND a Mann-Whitney U test says
 * the two sets of samples differ. Medians and the median absolute deviation are robust to
 * the outliers that a shared machine produces (a GC pause, another process).
 */

/** The median of the samples (mean of the two middle values for an even count). NaN when empty. */
export function median(samples: readonly number[]): number {
  return quantile(samples, 0.5);
}

/** The median absolute deviation from the median (unscaled). NaN when empty. */
export function mad(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  const m = median(samples);
  return median(samples.map((x) => Math.abs(x - m)));
}

/**
 * The q-quantile (0 ≤ q ≤ 1) by linear interpolation between closest ranks (type 7, the
 * default of R and NumPy). NaN when empty.
 */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile: q must be in [0, 1], got ${q}`);
  const sorted = [...samples].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export interface MannWhitneyResult {
  /** U of the first sample: the number of pairs (x, y) with x > y, ties counting one half. */
  u: number;
  /** Two-sided p-value. */
  p: number;
  /** `exact` (no ties, small samples: the exact null distribution of U) or `normal`. */
  method: 'exact' | 'normal';
}

/** Largest n1·n2 for which the exact distribution of U is computed (cost O(n1·n2·(n1+n2))). */
const EXACT_MAX_PRODUCT = 2500;

/**
 * Two-sided Mann-Whitney U test of x against y. Exact null distribution when there are no
 * ties and the samples are small; otherwise the normal approximation with tie correction
 * and continuity correction. Throws when either sample is empty.
 */
export function mannWhitneyU(x: readonly number[], y: readonly number[]): MannWhitneyResult {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('mannWhitneyU: both samples need at least one value');
  const { rankSumX, tieTerm } = ranks(x, y);
  const u = rankSumX - (n1 * (n1 + 1)) / 2;
  if (tieTerm === 0 && n1 * n2 <= EXACT_MAX_PRODUCT) {
    return { u, p: exactTwoSided(u, n1, n2), method: 'exact' };
  }
  const n = n1 + n2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { u, p: 1, method: 'normal' }; // every value equal: no evidence
  const z = Math.max(0, Math.abs(u - mean) - 0.5) / Math.sqrt(variance);
  return { u, p: Math.min(1, 2 * normalSf(z)), method: 'normal' };
}

/** Rank sum of x in the pooled sample (average ranks for ties) and Σ(t³ − t) over tie groups. */
function ranks(x: readonly number[], y: readonly number[]): { rankSumX: number; tieTerm: number } {
  const pooled = [...x.map((v) => ({ v, fromX: true })), ...y.map((v) => ({ v, fromX: false }))];
  pooled.sort((a, b) => a.v - b.v);
  let rankSumX = 0;
  let tieTerm = 0;
  for (let i = 0; i < pooled.length; ) {
    let j = i;
    while (j + 1 < pooled.length && pooled[j + 1].v === pooled[i].v) j++;
    const t = j - i + 1;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (pooled[k].fromX) rankSumX += avgRank;
    if (t > 1) tieTerm += t * t * t - t;
    i = j + 1;
  }
  return { rankSumX, tieTerm };
}

/**
 * Two-sided exact p-value: 2·min(P(U ≤ u), P(U ≥ u)) under H0, capped at 1. The counts of
 * arrangements with U = k follow c(m, n, k) = c(m−1, n, k−n) + c(m, n−1, k).
 */
function exactTwoSided(u: number, n1: number, n2: number): number {
  const counts = uDistribution(n1, n2);
  let total = 0;
  for (const c of counts) total += c;
  let lower = 0;
  let upper = 0;
  for (let k = 0; k < counts.length; k++) {
    if (k <= u) lower += counts[k];
    if (k >= u) upper += counts[k];
  }
  return Math.min(1, (2 * Math.min(lower, upper)) / total);
}

function uDistribution(n1: number, n2: number): number[] {
  // table[m][n] = counts for sizes (m, n), built row by row; each is an array over k = 0..m·n.
  let prev: number[][] = [];
  for (let m = 0; m <= n1; m++) {
    const row: number[][] = [];
    for (let n = 0; n <= n2; n++) {
      if (m === 0 || n === 0) {
        row.push([1]);
        continue;
      }
      const c = new Array<number>(m * n + 1).fill(0);
      const a = prev[n]; // (m−1, n): the largest value is from x, it beats all n of y
      for (let k = 0; k < a.length; k++) c[k + n] += a[k];
      const b = row[n - 1]; // (m, n−1): the largest value is from y
      for (let k = 0; k < b.length; k++) c[k] += b[k];
      row.push(c);
    }
    prev = row;
  }
  return prev[n2];
}

/** Upper tail of the standard normal distribution, P(Z > z). */
export function normalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/**
 * Complementary error function with fractional error below 1.2e-7 everywhere (Chebyshev
 * fit of Numerical Recipes, "erfcc").
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  let poly = 0;
  for (let i = ERFC_COEFFICIENTS.length - 1; i >= 0; i--) poly = ERFC_COEFFICIENTS[i] + t * poly;
  const r = t * Math.exp(-z * z + poly);
  return x >= 0 ? r : 2 - r;
}

/** Coefficients of t⁰ … t⁹ in the exponent of erfcc. */
const ERFC_COEFFICIENTS = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587,
  -0.82215223, 0.17087277,
];
