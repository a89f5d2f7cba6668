/**
 * `bench compare --alerts FILE` sends the comparison through the alert sinks of the data
 * quality area (src/quality/alerts.ts: console, JSON-lines file, webhook, Prometheus textfile),
 * configured by the same alerts file (docs/quality.md, "Alerts"; docs/benchmarks.md, "Alerting").
 * One alert per comparison: status `failure` when a metric regressed, `ok` otherwise (sinks
 * with `notify_on: all`, like Prometheus, then reset their gauges).
 *
 * The quality module is loaded by URL at run time and used through the small interface below
 * (`AlertSinks`), so that this area builds and tests on its own.
 */

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Comparison } from './compare.js';
import { regressionLine } from './format.js';

/** The alert every sink receives (the shape of src/quality/alerts.ts `Alert`). */
export interface PerfAlert {
  source: 'bench';
  status: 'ok' | 'failure';
  title: string;
  summary: string;
  at: string;
  details: { regressions: string[]; comparison: Comparison };
  metrics: {
    name: string;
    help: string;
    type: 'gauge';
    samples: { labels?: Record<string, string>; value: number }[];
  }[];
}

/** Sends one alert to the sinks of a config file; what src/quality/alerts.ts provides. */
export interface AlertSinks {
  send(alert: PerfAlert): Promise<void>;
}

export function alertOf(c: Comparison, at: Date = new Date()): PerfAlert {
  const regressed = c.metrics.filter((m) => m.verdict === 'regressed');
  const lines = regressed.map(regressionLine);
  return {
    source: 'bench',
    status: regressed.length > 0 ? 'failure' : 'ok',
    title: 'benchmark comparison',
    summary:
      regressed.length > 0
        ? `${regressed.length} of ${c.metrics.length} metrics regressed: ${regressed.map((m) => m.name).join(', ')}`
        : `no regression in ${c.metrics.length} metrics`,
    at: at.toISOString(),
    details: { regressions: lines, comparison: c },
    metrics: [
      {
        name: 'planledger_bench_regressions',
        help: 'Number of benchmark metrics that regressed in the last comparison.',
        type: 'gauge',
        samples: [{ value: regressed.length }],
      },
      {
        name: 'planledger_bench_ratio',
        help: 'Ratio of medians new/base per metric, oriented so that > 1 is worse.',
        type: 'gauge',
        samples: c.metrics.map((m) => ({ labels: { metric: m.name }, value: m.ratio })),
      },
      {
        name: 'planledger_bench_regressed',
        help: '1 when the metric regressed (ratio past the threshold and p < alpha), else 0.',
        type: 'gauge',
        samples: c.metrics.map((m) => ({
          labels: { metric: m.name },
          value: m.verdict === 'regressed' ? 1 : 0,
        })),
      },
    ],
  };
}

interface QualityAlerts {
  loadAlertConfig(file: string): unknown;
  sendAlerts(config: unknown, alert: PerfAlert): Promise<{ sink: string; sent: boolean }[]>;
}

/** The sinks configured in `configFile`, through src/quality/alerts.ts. */
export async function loadAlertSinks(configFile: string): Promise<AlertSinks> {
  const alertsUrl = new URL('../quality/alerts.js', import.meta.url);
  const configUrl = new URL('../quality/alert-config.js', import.meta.url);
  if (!moduleExists(alertsUrl) || !moduleExists(configUrl)) {
    throw new Error('alert sinks are not available in this build (src/quality/alerts.ts is missing)');
  }
  const { sendAlerts } = (await import(alertsUrl.href)) as Pick<QualityAlerts, 'sendAlerts'>;
  const { loadAlertConfig } = (await import(configUrl.href)) as Pick<QualityAlerts, 'loadAlertConfig'>;
  const config = loadAlertConfig(configFile);
  return {
    async send(alert) {
      await sendAlerts(config, alert);
    },
  };
}

function moduleExists(url: URL): boolean {
  const path = fileURLToPath(url);
  return existsSync(path) || existsSync(path.replace(/\.js$/, '.ts'));
}
