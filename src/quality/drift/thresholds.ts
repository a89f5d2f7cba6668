/**
 * Drift thresholds (docs/quality.md, "Drift thresholds"): what counts as drift per metric and per
 * distribution. Defaults follow Evidently's (KS at 0.05 with normed Wasserstein 0.1 as effect
 * size; PSI 0.1 for categories). A thresholds file overrides any of them; `rules` apply by glob
 * on the metric name (`*` = any run of characters), the last matching rule winning.
 */
import { ONE, parseDecimal } from '../../schema/decimal.js';
import { fieldFailer, parseJsonObject, readText } from '../json-file.js';

export interface MetricThreshold {
  /** |current − base| / |base| above this is drift (micro-units; 0.05 = 50_000n). */
  relative: bigint;
  /** … and |current − base| above this (micro-units of the metric's unit). */
  absolute: bigint;
  ignore: boolean;
}

export interface DistributionThresholds {
  ks_alpha: number;
  wasserstein_normed: number;
  psi: number;
  chi2_alpha: number;
}

export interface Thresholds {
  metrics: MetricThreshold;
  rules: { match: string; re: RegExp; relative?: bigint; absolute?: bigint; ignore?: boolean }[];
  distributions: DistributionThresholds;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  metrics: { relative: 50_000n, absolute: 0n, ignore: false },
  rules: [],
  distributions: { ks_alpha: 0.05, wasserstein_normed: 0.1, psi: 0.1, chi2_alpha: 0.05 },
};

export function globToRegExp(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}

/** The threshold that applies to one metric. */
export function thresholdFor(t: Thresholds, name: string): MetricThreshold {
  const out = { ...t.metrics };
  for (const r of t.rules) {
    if (!r.re.test(name)) continue;
    if (r.relative !== undefined) out.relative = r.relative;
    if (r.absolute !== undefined) out.absolute = r.absolute;
    if (r.ignore !== undefined) out.ignore = r.ignore;
  }
  return out;
}

export function parseThresholds(file: string, text: string): Thresholds {
  const doc = parseJsonObject(file, text);
  const fail = fieldFailer(file);
  const decimal = (v: unknown, field: string, max?: bigint) => {
    const d = typeof v === 'string' || typeof v === 'number' ? parseDecimal(String(v)) : undefined;
    if (d === undefined || d < 0n || (max !== undefined && d > max))
      fail(field, `expected a non-negative decimal, found ${JSON.stringify(v)}`);
    return d as bigint;
  };
  const t: Thresholds = structuredClone(DEFAULT_THRESHOLDS);
  for (const k of Object.keys(doc))
    if (!['about', 'metrics', 'rules', 'distributions'].includes(k)) fail(k, 'unknown field');
  const m = (doc.metrics ?? {}) as Record<string, unknown>;
  for (const k of Object.keys(m))
    if (!['relative', 'absolute'].includes(k)) fail(`metrics.${k}`, 'unknown field');
  if (m.relative !== undefined) t.metrics.relative = decimal(m.relative, 'metrics.relative');
  if (m.absolute !== undefined) t.metrics.absolute = decimal(m.absolute, 'metrics.absolute');
  if (doc.rules !== undefined && !Array.isArray(doc.rules)) fail('rules', 'expected a list');
  ((doc.rules ?? []) as Record<string, unknown>[]).forEach((r, i) => {
    const f = `rules[${i}]`;
    for (const k of Object.keys(r))
      if (!['match', 'relative', 'absolute', 'ignore'].includes(k)) fail(`${f}.${k}`, 'unknown field');
    if (typeof r.match !== 'string' || r.match === '') fail(`${f}.match`, 'expected a glob on metric names');
    if (r.ignore !== undefined && typeof r.ignore !== 'boolean')
      fail(`${f}.ignore`, 'expected true or false');
    t.rules.push({
      match: r.match as string,
      re: globToRegExp(r.match as string),
      ...(r.relative !== undefined ? { relative: decimal(r.relative, `${f}.relative`) } : {}),
      ...(r.absolute !== undefined ? { absolute: decimal(r.absolute, `${f}.absolute`) } : {}),
      ...(r.ignore !== undefined ? { ignore: r.ignore as boolean } : {}),
    });
  });
  const d = (doc.distributions ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(d)) {
    if (!(k in t.distributions)) fail(`distributions.${k}`, 'unknown field');
    decimal(v, `distributions.${k}`, k.endsWith('alpha') ? ONE : undefined);
    (t.distributions as unknown as Record<string, number>)[k] = Number(v);
  }
  return t;
}

export function loadThresholds(file?: string): Thresholds {
  if (file === undefined) return DEFAULT_THRESHOLDS;
  return parseThresholds(file, readText(file));
}
