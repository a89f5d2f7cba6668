/**
 * Two-sample statistics for drift (docs/quality.md, "Drift"): the Kolmogorov–Smirnov test for
 * amounts with the Wasserstein-1 distance as effect size, and PSI plus Pearson's chi-square test
 * for categories — the pairing Evidently uses by default. Samples are exact decimals (bigint
 * micro-units), so sorting and the KS statistic are exact; distances and p-values are statistics
 * (floating point), never money.
 */

export interface KsResult {
  /** Largest distance between the two empirical CDFs, in [0, 1]. */
  statistic: number;
  /** Asymptotic two-sided p-value (Kolmogorov distribution). */
  p_value: number;
}

const sortBig = (xs: readonly bigint[]) => [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

const smaller = (a: bigint, b: bigint) => (b < a ? b : a);

/** Walk both sorted samples together, calling `step(x, nextX, Fa, Fb)` after each distinct value. */
function walk(
  a: readonly bigint[],
  b: readonly bigint[],
  step: (x: bigint, next: bigint | null, fa: number, fb: number) => void,
) {
  const sa = sortBig(a);
  const sb = sortBig(b);
  let i = 0;
  let j = 0;
  while (i < sa.length || j < sb.length) {
    const x = j >= sb.length || (i < sa.length && sa[i] <= sb[j]) ? sa[i] : sb[j];
    while (i < sa.length && sa[i] === x) i++;
    while (j < sb.length && sb[j] === x) j++;
    const na = i < sa.length ? sa[i] : null;
    const nb = j < sb.length ? sb[j] : null;
    const next = na === null ? nb : nb === null ? na : smaller(na, nb);
    step(x, next, i / sa.length, j / sb.length);
  }
}

/** Kolmogorov's survival function Q(λ) = 2 Σ (−1)^(k−1) exp(−2 k² λ²). */
function kolmogorovQ(lambda: number): number {
  if (lambda < 1e-3) return 1;
  let sum = 0;
  for (let k = 1; k <= 200; k++) {
    const term = Math.exp(-2 * k * k * lambda * lambda);
    sum += (k % 2 === 1 ? 1 : -1) * term;
    if (term < 1e-16) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

/** Two-sample KS test; the asymptotic p-value Q(D·√(nm/(n+m))), Kolmogorov's limiting distribution
 * (scipy.stats.kstwobign). */
export function ksTest(a: readonly bigint[], b: readonly bigint[]): KsResult {
  if (a.length === 0 || b.length === 0)
    return { statistic: a.length === b.length ? 0 : 1, p_value: a.length === b.length ? 1 : 0 };
  let d = 0;
  walk(a, b, (_x, _n, fa, fb) => {
    d = Math.max(d, Math.abs(fa - fb));
  });
  if (d === 0) return { statistic: 0, p_value: 1 };
  const ne = Math.sqrt((a.length * b.length) / (a.length + b.length));
  return { statistic: d, p_value: kolmogorovQ(ne * d) };
}

/** Wasserstein-1 distance between the empirical distributions, in the samples' units (micro-units / 10^6). */
export function wasserstein(a: readonly bigint[], b: readonly bigint[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  let area = 0;
  walk(a, b, (x, next, fa, fb) => {
    if (next !== null) area += Math.abs(fa - fb) * (Number(next - x) / 1e6);
  });
  return area;
}

/** Population standard deviation, in the samples' units. */
export function stdDev(xs: readonly bigint[]): number {
  if (xs.length === 0) return 0;
  const v = xs.map((x) => Number(x) / 1e6);
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  return Math.sqrt(v.reduce((s, x) => s + (x - mean) * (x - mean), 0) / v.length);
}

/**
 * Wasserstein distance normed by the reference sample's standard deviation (Evidently's
 * "wasserstein distance (normed)"). When the reference does not vary, any move is a full unit.
 */
export function wassersteinNormed(base: readonly bigint[], current: readonly bigint[]): number {
  const w = wasserstein(base, current);
  if (w === 0) return 0;
  const sd = stdDev(base);
  return sd === 0 ? 1 : w / sd;
}

/** Shares of each category, with Evidently's floor of 0.0001 for an empty category. */
function shares(counts: Record<string, number>, keys: string[]): number[] {
  const total = keys.reduce((s, k) => s + (counts[k] ?? 0), 0);
  return keys.map((k) => (total === 0 ? 0 : (counts[k] ?? 0) / total)).map((p) => (p === 0 ? 0.0001 : p));
}

/** Population stability index Σ (p_cur − p_base) ln(p_cur / p_base). */
export function psi(base: Record<string, number>, current: Record<string, number>): number {
  const keys = [...new Set([...Object.keys(base), ...Object.keys(current)])].sort();
  const pb = shares(base, keys);
  const pc = shares(current, keys);
  let sum = 0;
  for (let i = 0; i < keys.length; i++) if (pb[i] !== pc[i]) sum += (pc[i] - pb[i]) * Math.log(pc[i] / pb[i]);
  return sum;
}

/** ln Γ(x) (Lanczos). */
function lnGamma(x: number): number {
  const c = [
    76.18009172947146, -86.50532032941678, 24.01409824083091, -1.231739572450155, 0.1208650973866179e-2,
    -0.5395239384953e-5,
  ];
  let y = x;
  const tmp = x + 5.5 - (x + 0.5) * Math.log(x + 5.5);
  let ser = 1.00000000019001;
  for (const cj of c) ser += cj / ++y;
  return -tmp + Math.log((Math.sqrt(2 * Math.PI) * ser) / x);
}

/** Regularized upper incomplete gamma Q(s, x) (series below s + 1, continued fraction above). */
export function gammaQ(s: number, x: number): number {
  if (x <= 0) return 1;
  if (x < s + 1) {
    let sum = 1 / s;
    let del = sum;
    for (let n = 1; n < 1000; n++) {
      del *= x / (s + n);
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * 1e-15) break;
    }
    return Math.max(0, 1 - sum * Math.exp(-x + s * Math.log(x) - lnGamma(s)));
  }
  let b = x + 1 - s;
  let c = 1 / 1e-300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - s);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return Math.min(1, Math.exp(-x + s * Math.log(x) - lnGamma(s)) * h);
}

export interface ChiSquareResult {
  statistic: number;
  df: number;
  p_value: number;
}

/** Pearson's chi-square test of homogeneity on a 2 × k table of counts. */
export function chiSquare(base: Record<string, number>, current: Record<string, number>): ChiSquareResult {
  const keys = [...new Set([...Object.keys(base), ...Object.keys(current)])]
    .filter((k) => (base[k] ?? 0) + (current[k] ?? 0) > 0)
    .sort();
  const nb = keys.reduce((s, k) => s + (base[k] ?? 0), 0);
  const nc = keys.reduce((s, k) => s + (current[k] ?? 0), 0);
  if (keys.length < 2 || nb === 0 || nc === 0) return { statistic: 0, df: 0, p_value: 1 };
  let stat = 0;
  for (const k of keys) {
    const col = (base[k] ?? 0) + (current[k] ?? 0);
    for (const [obs, rowTotal] of [
      [base[k] ?? 0, nb],
      [current[k] ?? 0, nc],
    ]) {
      const expected = (col * rowTotal) / (nb + nc);
      stat += ((obs - expected) * (obs - expected)) / expected;
    }
  }
  const df = keys.length - 1;
  return { statistic: stat, df, p_value: stat === 0 ? 1 : gammaQ(df / 2, stat / 2) };
}
