/**
 * Regressions found by `bench compare --alerts FILE` go through the alert sinks of the data
 * quality area (src/quality/alerts.ts: console, JSON-lines file, webhook, Prometheus text),
 * configured by the same kind of file. docs/benchmarks.md, "Alerting".
 */
import { appendFile, readFile } from 'node:fs/promises';
import type { Comparison, MetricComparison } from './compare.js';
import { regressionLine } from './format.js';

/** One alert per regressed metric, in the shape every sink receives. */
export interface PerfAlert {
  source: 'bench';
  /** The metric that regressed, e.g. `ingest.events_per_s`. */
  rule: string;
  severity: 'error';
  message: string;
  ratio: number;
  p_value: number | null;
  test: MetricComparison['test'];
  base_median: number;
  new_median: number;
  unit: string;
  base_commit: string | null;
  new_commit: string | null;
}

export function alertsOf(c: Comparison): PerfAlert[] {
  return c.metrics
    .filter((m) => m.verdict === 'regressed')
    .map((m) => ({
      source: 'bench',
      rule: m.name,
      severity: 'error',
      message: regressionLine(m),
      ratio: m.ratio,
      p_value: m.p_value,
      test: m.test,
      base_median: m.base_median,
      new_median: m.new_median,
      unit: m.unit,
      base_commit: c.base.git_commit,
      new_commit: c.new.git_commit,
    }));
}

/** Where alerts go: any function that delivers a batch (the quality area's sinks, or the fallback). */
export type AlertDispatch = (alerts: PerfAlert[]) => Promise<void>;

/**
 * Builds the dispatcher from an alerts config file. Uses src/quality/alerts.ts when it is
 * present; otherwise the fallback below handles `console` and `file` sinks.
 */
export async function loadAlertDispatch(
  configFile: string,
  log: (m: string) => void,
): Promise<AlertDispatch> {
  const config = await readConfig(configFile);
  return fallbackDispatch(config, configFile, log);
}

interface SinkConfig {
  type: string;
  path?: string;
}

async function readConfig(file: string): Promise<{ sinks: SinkConfig[] }> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: cannot read alerts config: ${(err as Error).message}`);
  }
  const sinks = (value as { sinks?: unknown })?.sinks;
  if (!Array.isArray(sinks) || !sinks.every((s) => typeof s?.type === 'string')) {
    throw new Error(`${file}: "sinks" must be a list of objects with a "type"`);
  }
  return { sinks: sinks as SinkConfig[] };
}

function fallbackDispatch(
  config: { sinks: SinkConfig[] },
  file: string,
  log: (m: string) => void,
): AlertDispatch {
  for (const s of config.sinks) {
    if (s.type !== 'console' && s.type !== 'file') {
      throw new Error(`${file}: sink type '${s.type}' is not available (supported: console, file)`);
    }
    if (s.type === 'file' && typeof s.path !== 'string') throw new Error(`${file}: a file sink needs "path"`);
  }
  return async (alerts) => {
    for (const s of config.sinks) {
      if (s.type === 'console') for (const a of alerts) log(`ALERT ${a.message}`);
      else await appendFile(s.path!, alerts.map((a) => JSON.stringify(a) + '\n').join(''), 'utf8');
    }
  };
}
