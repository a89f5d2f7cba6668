/**
 * How a data-quality run is shown: the human table and the alert it raises (the exit code is
 * the CLI's: dqExitCode in src/cli/commands/dq.ts).
 */
import type { Alert } from './alerts.js';
import type { DqReport, RuleResult } from './run.js';

/** A plain text table: first row is the header; numeric-looking cells are right-aligned. */
export function textTable(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const numeric = /^-?[0-9][0-9.,/%]*$/;
  return rows
    .map((r, ri) =>
      r
        .map((cell, i) => (ri > 0 && numeric.test(cell) ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const STATUS_TEXT = { pass: 'pass', warn: 'WARN', fail: 'FAIL' } as const;

/** One line: how many rules passed, failed and warned (the main job prints it). */
export function formatDqSummary(report: DqReport): string {
  const total = report.results.length;
  const passed = report.results.filter((r) => r.status === 'pass').length;
  return (
    `${passed}/${total} rules passed; ${report.errors_failed} error rule(s) failed, ` +
    `${report.warnings_failed} warning(s)${report.scenario_id ? ` (scenario ${report.scenario_id})` : ''}`
  );
}

/** The human report: one row per rule, then the first failing rows of each failed rule. */
export function formatDqReport(report: DqReport): string {
  const rows = [['rule', 'severity', 'status', 'failed', 'checked', 'pass', 'mostly']];
  for (const r of report.results) {
    rows.push([
      r.rule_id,
      r.severity,
      STATUS_TEXT[r.status],
      String(r.rows_failed),
      String(r.rows_checked),
      r.pass_fraction,
      r.mostly,
    ]);
  }
  const parts = [textTable(rows), '', formatDqSummary(report)];
  for (const r of report.results.filter((x) => x.rows_failed > 0)) parts.push(sampleText(r));
  return parts.join('\n');
}

function sampleText(r: RuleResult): string {
  const lines = [``, `${r.rule_id} (${r.rows_failed} failing; first ${r.sample.length}): ${r.description}`];
  for (const row of r.sample) lines.push(`  ${JSON.stringify(row)}`);
  return lines.join('\n');
}

/** The alert of a run, with Prometheus figures per rule. */
export function dqAlert(report: DqReport): Alert {
  const status = report.errors_failed > 0 ? 'failure' : report.warnings_failed > 0 ? 'warn' : 'ok';
  const failed = report.results.filter((r) => r.status !== 'pass').map((r) => r.rule_id);
  return {
    source: 'dq',
    status,
    title: `planledger data quality${report.scenario_id ? ` (${report.scenario_id})` : ''}`,
    summary: formatDqSummary(report) + (failed.length ? `: ${failed.join(', ')}` : ''),
    at: report.finished_at,
    details: report,
    metrics: [
      {
        name: 'planledger_dq_failures',
        help: 'Failing rows of each data-quality rule in the latest run.',
        type: 'gauge',
        samples: report.results.map((r) => ({
          labels: { rule: r.rule_id, severity: r.severity },
          value: r.rows_failed,
        })),
      },
      {
        name: 'planledger_dq_rows_checked',
        help: 'Rows checked by each data-quality rule in the latest run.',
        type: 'gauge',
        samples: report.results.map((r) => ({ labels: { rule: r.rule_id }, value: r.rows_checked })),
      },
      {
        name: 'planledger_dq_rule_failed',
        help: 'Whether each data-quality rule failed its threshold (1) in the latest run.',
        type: 'gauge',
        samples: report.results.map((r) => ({
          labels: { rule: r.rule_id, severity: r.severity },
          value: r.status === 'pass' ? 0 : 1,
        })),
      },
    ],
  };
}
