/**
 * Prometheus text exposition (format 0.0.4) for node-exporter's textfile collector: the file is
 * written to a temporary name in the same directory and renamed, so the collector never reads
 * half a file.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface AlertMetric {
  /** Metric name, e.g. planledger_dq_failures. */
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  samples: { labels?: Record<string, string>; value: number }[];
}

const NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function escapeLabel(v: string): string {
  return v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}

function escapeHelp(v: string): string {
  return v.replaceAll('\\', '\\\\').replaceAll('\n', '\\n');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}

/** The exposition text of some metrics. Names and label names are checked. */
export function renderMetrics(metrics: AlertMetric[]): string {
  const lines: string[] = [];
  for (const m of metrics) {
    if (!NAME_RE.test(m.name)) throw new Error(`invalid Prometheus metric name: ${m.name}`);
    lines.push(`# HELP ${m.name} ${escapeHelp(m.help)}`, `# TYPE ${m.name} ${m.type}`);
    for (const s of m.samples) {
      const labels = Object.entries(s.labels ?? {});
      for (const [k] of labels) if (!LABEL_RE.test(k)) throw new Error(`invalid Prometheus label name: ${k}`);
      const text = labels.length ? `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}` : '';
      lines.push(`${m.name}${text} ${formatValue(s.value)}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** Standard figures of any alert: its status and the time of the check. */
export function alertMetrics(alert: { source: string; status: string; at: string }): AlertMetric[] {
  return [
    {
      name: 'planledger_check_failed',
      help: 'Whether the latest check of this source failed (1) or not (0); warnings count as 0.',
      type: 'gauge',
      samples: [{ labels: { source: alert.source }, value: alert.status === 'failure' ? 1 : 0 }],
    },
    {
      name: 'planledger_check_last_run_timestamp_seconds',
      help: 'Unix time of the latest check of this source.',
      type: 'gauge',
      samples: [{ labels: { source: alert.source }, value: Math.floor(Date.parse(alert.at) / 1000) }],
    },
  ];
}

/** Write the alert's metrics atomically (temp file + rename). */
export async function writePrometheusFile(
  path: string,
  alert: { source: string; status: string; at: string; metrics?: AlertMetric[] },
): Promise<void> {
  const text = renderMetrics([...alertMetrics(alert), ...(alert.metrics ?? [])]);
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  // node-exporter only reads *.prom, so the temporary name must not end in .prom.
  const tmp = join(dir, `.${basename(path)}.${process.pid}.tmp`);
  await writeFile(tmp, text);
  await rename(tmp, path);
}
