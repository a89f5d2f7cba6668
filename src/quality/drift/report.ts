/**
 * How drift results are shown and kept: the human text, the alert, and the drift_runs row.
 */
import { randomUUID } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Alert } from '../alerts.js';
import { QUALITY_DDL } from '../ddl.js';
import { textTable } from '../report.js';
import type { DriftReport } from './compare.js';
import type { GoldenDriftReport } from './golden.js';

const fmt = (x: number | undefined) =>
  x === undefined ? '' : Number.isInteger(x) ? String(x) : x.toPrecision(4);

export function formatDriftReport(r: DriftReport): string {
  const head =
    `drift check: scenario ${r.current.scenario_id} against the baseline of ${r.baseline.scenario_id} ` +
    `(recorded ${r.baseline.recorded_at})`;
  const counts =
    `${r.metrics_compared} metrics compared, ${r.metrics_drifted} drifted; ` +
    `${r.distributions_compared} distributions compared, ${r.distributions_drifted} drifted`;
  if (r.zero)
    return [
      head,
      counts,
      'no drift: every figure and distribution is identical (exactly zero variance)',
    ].join('\n');
  const parts = [head, counts];
  const moved = r.metrics.filter((m) => m.status !== 'same');
  if (moved.length > 0) {
    const rows = [['metric', 'base', 'current', 'absolute', 'relative', 'status']];
    for (const m of moved)
      rows.push([m.name, m.base ?? '-', m.current ?? '-', m.absolute ?? '-', m.relative ?? '-', m.status]);
    parts.push('', textTable(rows));
  }
  const dmoved = r.distributions.filter((d) => d.status !== 'same');
  if (dmoved.length > 0) {
    const rows = [['distribution', 'test', 'statistic', 'p_value', 'effect', 'status']];
    for (const d of dmoved) {
      const effect = d.test === 'ks' ? `W/sd ${fmt(d.wasserstein_normed)}` : `PSI ${fmt(d.psi)}`;
      rows.push([d.name, d.test, fmt(d.statistic), fmt(d.p_value), effect, d.status]);
    }
    parts.push('', textTable(rows));
  }
  parts.push('', r.drifted.length ? `drifted: ${r.drifted.join(', ')}` : 'no drift beyond the thresholds');
  return parts.join('\n');
}

export function formatGoldenDrift(r: GoldenDriftReport): string {
  const parts = [
    `golden drift: ${r.cases_compared} cases compared, ${r.cases_changed} changed, ${r.figures_changed} figures changed`,
  ];
  for (const c of r.cases.filter((x) => x.status !== 'same')) {
    parts.push(
      '',
      `${c.name}: ${c.status}; rows checked ${c.rows_checked.base ?? '-'} → ${c.rows_checked.current ?? '-'}, ` +
        `matched ${c.rows_matched.base ?? '-'} → ${c.rows_matched.current ?? '-'}, ` +
        `max variance ${c.max_variance.base ?? '-'} → ${c.max_variance.current ?? '-'}`,
    );
    if (c.error.base !== c.error.current)
      parts.push(`  error: ${c.error.base ?? 'none'} → ${c.error.current ?? 'none'}`);
    if (c.changes.length > 0) {
      const rows = [['employee', 'date', 'metric', 'expected', 'base', 'current', 'variance']];
      for (const x of c.changes) {
        rows.push([
          x.employee_id,
          x.date,
          x.metric,
          x.expected,
          x.base ?? 'MISSING',
          x.current ?? 'MISSING',
          x.variance ?? '-',
        ]);
      }
      parts.push(textTable(rows).replace(/^/gm, '  '));
    }
  }
  if (r.cases_changed === 0) parts.push('no golden figure changed');
  return parts.join('\n');
}

export function driftAlert(r: DriftReport | GoldenDriftReport, at: string): Alert {
  const drifted = r.drifted.length;
  const summary =
    r.kind === 'golden'
      ? `${r.figures_changed} golden figure(s) changed in ${r.cases_changed} case(s)${drifted ? `: ${r.drifted.join(', ')}` : ''}`
      : `${drifted} metric(s)/distribution(s) drifted${drifted ? `: ${r.drifted.slice(0, 20).join(', ')}${drifted > 20 ? ', …' : ''}` : ''}`;
  return {
    source: 'drift',
    status: drifted > 0 ? 'failure' : 'ok',
    title: r.kind === 'golden' ? 'planledger golden drift' : `planledger drift (${r.current.scenario_id})`,
    summary,
    at,
    details: r,
    metrics: [
      {
        name: 'planledger_drift_drifted',
        help: 'Metrics, distributions or golden cases that drifted in the latest check.',
        type: 'gauge',
        samples: [{ labels: { kind: r.kind }, value: drifted }],
      },
    ],
  };
}

/** Keep one drift check in drift_runs (creating the table when missing). */
export async function recordDriftRun(
  conn: DuckDBConnection,
  r: DriftReport | GoldenDriftReport,
  opts: { baseline: string; at: string; scenario?: string | null },
): Promise<string> {
  for (const ddl of QUALITY_DDL) await conn.run(ddl);
  const runId = randomUUID();
  const compared = r.kind === 'golden' ? r.cases_compared : r.metrics_compared + r.distributions_compared;
  await conn.run(
    `INSERT INTO drift_runs VALUES ($1, $2, $3, $4, CAST($5 AS TIMESTAMP), $6, $7, $8, $9, $10)`,
    [
      runId,
      r.kind,
      opts.scenario ?? (r.kind === 'profile' ? r.current.scenario_id : null),
      opts.baseline,
      opts.at.replace('Z', ''),
      compared,
      r.drifted.length,
      JSON.stringify(r.drifted),
      JSON.stringify(r),
      r.drifted.length > 0 ? 'drift' : 'ok',
    ],
  );
  return runId;
}
