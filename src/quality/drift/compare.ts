/**
 * Compare a scenario's profile with a baseline (docs/quality.md, "Drift"): per metric the
 * absolute and relative variance (exact decimals), per distribution a two-sample test with an
 * effect size. Pure: profiles in, report out.
 */
import { dec, divRoundHalfAway, formatDecimal, ONE } from '../../schema/decimal.js';
import type { Distribution, Metric, Profile } from './profile.js';
import { chiSquare, ksTest, psi, wasserstein, wassersteinNormed } from './stats.js';
import { type Thresholds, thresholdFor } from './thresholds.js';

export type MetricStatus = 'same' | 'within' | 'drift' | 'added' | 'removed' | 'ignored';

export interface MetricDrift {
  name: string;
  kind: Metric['kind'];
  base: string | null;
  current: string | null;
  /** current − base (exact). */
  absolute: string | null;
  /** (current − base) / |base| at 6 places; null when base is 0 or a side is missing. */
  relative: string | null;
  status: MetricStatus;
  drifted: boolean;
}

export interface DistributionDrift {
  name: string;
  kind: Distribution['kind'];
  test: 'ks' | 'chi2';
  statistic: number;
  p_value: number;
  /** Numeric: Wasserstein distance (units of the values) and its normed form. */
  wasserstein?: number;
  wasserstein_normed?: number;
  /** Categorical: population stability index and the test's degrees of freedom. */
  psi?: number;
  df?: number;
  base_size: number;
  current_size: number;
  status: 'same' | 'within' | 'drift' | 'added' | 'removed';
  drifted: boolean;
}

export interface DriftReport {
  kind: 'profile';
  baseline: { scenario_id: string; recorded_at: string };
  current: { scenario_id: string; recorded_at: string };
  metrics_compared: number;
  distributions_compared: number;
  metrics_drifted: number;
  distributions_drifted: number;
  /** Names of everything that drifted (metrics, then distributions). */
  drifted: string[];
  /** True when every variance, statistic and distance is exactly zero. */
  zero: boolean;
  metrics: MetricDrift[];
  distributions: DistributionDrift[];
}

const abs = (v: bigint) => (v < 0n ? -v : v);

export function compareMetric(
  name: string,
  base: Metric | undefined,
  cur: Metric | undefined,
  t: Thresholds,
): MetricDrift {
  const kind = (base ?? cur)!.kind;
  const th = thresholdFor(t, name);
  if (base === undefined || cur === undefined) {
    return {
      name,
      kind,
      base: base?.value ?? null,
      current: cur?.value ?? null,
      absolute: null,
      relative: null,
      status: th.ignore ? 'ignored' : base === undefined ? 'added' : 'removed',
      drifted: !th.ignore,
    };
  }
  const b = dec(base.value);
  const c = dec(cur.value);
  const diff = c - b;
  const relative = b === 0n ? null : formatDecimal(divRoundHalfAway(diff * ONE, abs(b)));
  // Exact test: |diff| / |b| > relative  ⇔  |diff| · 10^6 > relative · |b|.
  const beyondRelative = b === 0n ? diff !== 0n : abs(diff) * ONE > th.relative * abs(b);
  const beyondAbsolute = abs(diff) > th.absolute;
  const drifted = !th.ignore && diff !== 0n && beyondRelative && beyondAbsolute;
  return {
    name,
    kind,
    base: base.value,
    current: cur.value,
    absolute: formatDecimal(diff),
    relative,
    status: th.ignore ? 'ignored' : diff === 0n ? 'same' : drifted ? 'drift' : 'within',
    drifted,
  };
}

function size(d: Distribution | undefined): number {
  if (d === undefined) return 0;
  return d.kind === 'numeric' ? d.values.length : Object.values(d.counts).reduce((s, n) => s + n, 0);
}

export function compareDistribution(
  name: string,
  base: Distribution | undefined,
  cur: Distribution | undefined,
  t: Thresholds,
): DistributionDrift {
  const kind = (base ?? cur)!.kind;
  const common = { name, kind, base_size: size(base), current_size: size(cur) };
  if (base === undefined || cur === undefined) {
    return {
      ...common,
      test: kind === 'numeric' ? 'ks' : 'chi2',
      statistic: 1,
      p_value: 0,
      status: base === undefined ? 'added' : 'removed',
      drifted: true,
    };
  }
  const th = t.distributions;
  if (base.kind === 'numeric' && cur.kind === 'numeric') {
    const a = base.values.map(dec);
    const b = cur.values.map(dec);
    const ks = ksTest(a, b);
    const wn = wassersteinNormed(a, b);
    const drifted = ks.p_value < th.ks_alpha && wn >= th.wasserstein_normed;
    return {
      ...common,
      test: 'ks',
      statistic: ks.statistic,
      p_value: ks.p_value,
      wasserstein: wasserstein(a, b),
      wasserstein_normed: wn,
      status: ks.statistic === 0 ? 'same' : drifted ? 'drift' : 'within',
      drifted,
    };
  }
  if (base.kind === 'categorical' && cur.kind === 'categorical') {
    const chi = chiSquare(base.counts, cur.counts);
    const p = psi(base.counts, cur.counts);
    const drifted = p >= th.psi && chi.p_value < th.chi2_alpha;
    return {
      ...common,
      test: 'chi2',
      statistic: chi.statistic,
      p_value: chi.p_value,
      psi: p,
      df: chi.df,
      status: p === 0 && chi.statistic === 0 ? 'same' : drifted ? 'drift' : 'within',
      drifted,
    };
  }
  return { ...common, test: 'ks', statistic: 1, p_value: 0, status: 'drift', drifted: true };
}

const union = (a: object, b: object) => [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();

export function compareProfiles(base: Profile, cur: Profile, t: Thresholds): DriftReport {
  const metrics = union(base.metrics, cur.metrics).map((n) =>
    compareMetric(n, base.metrics[n], cur.metrics[n], t),
  );
  const distributions = union(base.distributions, cur.distributions).map((n) =>
    compareDistribution(n, base.distributions[n], cur.distributions[n], t),
  );
  const drifted = [...metrics.filter((m) => m.drifted), ...distributions.filter((d) => d.drifted)].map(
    (x) => x.name,
  );
  return {
    kind: 'profile',
    baseline: { scenario_id: base.scenario_id, recorded_at: base.recorded_at },
    current: { scenario_id: cur.scenario_id, recorded_at: cur.recorded_at },
    metrics_compared: metrics.length,
    distributions_compared: distributions.length,
    metrics_drifted: metrics.filter((m) => m.drifted).length,
    distributions_drifted: distributions.filter((d) => d.drifted).length,
    drifted,
    zero: metrics.every((m) => m.status === 'same') && distributions.every((d) => d.status === 'same'),
    metrics,
    distributions,
  };
}
