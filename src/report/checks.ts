/**
 * Report sections for the recorded checks: data quality (latest run and history), golden runs
 * and drift checks. Their tables belong to the quality area (docs/quality.md); the report reads
 * the columns it knows and shows what is there.
 */
import { chart, PALETTE } from './chart.js';
import type { QualityRuns, Row } from './data.js';
import { count, esc, money, percentText } from './format.js';
import { badge, type Cell, type Section, table } from './html.js';

const str = (v: unknown): string => (v === null || v === undefined ? '—' : String(v));
/** A timestamp to the second (the stored fraction is noise to a reader). */
const time = (v: unknown): string => str(v).replace(/\.\d+$/, '');
/** Run ids that are UUIDs shown by their first 8 digits (as git shows commits). */
const runId = (v: unknown): string => {
  const id = str(v);
  return /^[0-9a-f]{8}-[0-9a-f-]{27}$/i.test(id) ? id.slice(0, 8) : id;
};
const num = { num: true };

/** A result or run status as a tone: anything not passing is highlighted. */
export function toneOf(status: unknown): Cell['tone'] {
  const s = String(status ?? '').toLowerCase();
  if (['pass', 'passed', 'ok', 'matched', 'true', 'clean', 'no_drift'].includes(s)) return 'pass';
  if (['warn', 'warning', 'warned'].includes(s)) return 'warn';
  return 'fail';
}

function statusCell(status: unknown): Cell {
  const tone = toneOf(status);
  const symbol = tone === 'fail' ? '✗' : tone === 'warn' ? '!' : '✓';
  return { text: `${symbol} ${str(status)}`, tone };
}

/** A fraction column (DECIMAL or DOUBLE) as a percentage. */
function fraction(v: unknown): string {
  if (v === null || v === undefined) return '—';
  const text = String(v);
  const m = /^(-?\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return text;
  const micro = BigInt(m[1] + (m[2] ?? '').padEnd(6, '0').slice(0, 6));
  return percentText(micro, 2);
}

export function qualitySection(q: QualityRuns | null): Section {
  const base = {
    id: 'quality',
    title: 'Data quality',
    empty: 'No data-quality run recorded — run `planledger dq`.',
  };
  if (q === null) return { ...base, body: null };
  const run = q.runs[0];
  const failed = q.latest.filter((r) => toneOf(r.status) === 'fail').length;
  const warned = q.latest.filter((r) => toneOf(r.status) === 'warn').length;
  const headline =
    failed > 0
      ? badge('fail', `${failed} error rule${failed === 1 ? '' : 's'} failed`)
      : warned > 0
        ? badge('warn', `${warned} warning${warned === 1 ? '' : 's'}`)
        : badge('pass', 'all rules passed');
  const latest = table(
    `Latest run ${runId(run.run_id)} (${time(run.started_at)}): ${q.latest.length} rules`,
    [
      'Rule',
      'Description',
      'Severity',
      { text: 'Rows checked', ...num },
      { text: 'Rows failed', ...num },
      { text: 'Pass fraction', ...num },
      { text: 'Required (mostly)', ...num },
      'Status',
    ],
    q.latest.map((r) => [
      { text: str(r.rule_id), shape: 'ident' },
      { text: str(r.description), shape: 'prose' },
      str(r.severity),
      { text: count(str(r.rows_checked)), ...num },
      { text: count(str(r.rows_failed)), ...num },
      { text: fraction(r.pass_fraction), ...num },
      { text: fraction(r.mostly), ...num },
      statusCell(r.status),
    ]),
    { id: 'dq-latest', rowTone: (i) => toneOf(q.latest[i].status) },
  );
  const history = [...q.runs].reverse();
  const figure = (r: Row, k: string) => BigInt(str(r[k] ?? 0).replace('—', '0'));
  const historyChart = chart({
    id: 'chart-dq-history',
    title: 'Rules passed and failed per data-quality run (rules)',
    kind: 'bars',
    x: {
      labels: history.map((r) => time(r.started_at).slice(5, 16)),
      tips: history.map((r) => `run ${runId(r.run_id)} ${time(r.started_at)}`),
    },
    series: [
      {
        name: 'passed',
        values: history.map(
          (r) => figure(r, 'rules_total') - figure(r, 'errors_failed') - figure(r, 'warnings_failed'),
        ),
        color: PALETTE[2],
      },
      { name: 'warnings', values: history.map((r) => figure(r, 'warnings_failed')), color: PALETTE[1] },
      { name: 'errors failed', values: history.map((r) => figure(r, 'errors_failed')), color: PALETTE[5] },
    ],
    format: (v) => count(v),
  });
  const historyTable = table(
    'Run history (newest first)',
    [
      'Run',
      'Started',
      { text: 'Rules', ...num },
      { text: 'Errors failed', ...num },
      { text: 'Warnings', ...num },
      'Status',
    ],
    q.runs.map((r) => [
      runId(r.run_id),
      time(r.started_at),
      { text: str(r.rules_total), ...num },
      { text: str(r.errors_failed), ...num },
      { text: str(r.warnings_failed), ...num },
      statusCell(r.status),
    ]),
    { rowTone: (i) => toneOf(q.runs[i].status) },
  );
  return {
    ...base,
    body: `<p class="headline">${headline}</p>${latest}<div class="grid">${historyChart}${historyTable}</div>`,
    provenance: `planledger ${str(run.planledger_version)}, rules from ${str(run.rules_source)}, run ${time(run.started_at)}.`,
  };
}

interface GoldenCase {
  name: string;
  rows_checked: unknown;
  rows_matched: unknown;
  max_variance: unknown;
}

/** Golden results: one row per case (with a run id), or one row per run holding its JSON result. */
function goldenCases(rows: Row[]): { run: Row; cases: GoldenCase[] } {
  const run = rows[0];
  if ('case_name' in run || 'name' in run) {
    const same = rows.filter((r) => r.run_id === run.run_id);
    return { run, cases: same.map((r) => ({ ...r, name: str(r.case_name ?? r.name) }) as GoldenCase) };
  }
  const result = typeof run.result === 'string' ? JSON.parse(run.result) : run.result;
  return { run, cases: ((result as { cases?: GoldenCase[] })?.cases ?? []) as GoldenCase[] };
}

export function goldenSection(rows: Row[] | null): Section {
  const base = {
    id: 'golden',
    title: 'Golden results',
    empty: 'No golden run recorded — run `planledger golden DIR... --db PATH`.',
  };
  if (rows === null) return { ...base, body: null };
  const { run, cases } = goldenCases(rows);
  const when = time(run.run_at ?? run.started_at);
  const matched = (c: GoldenCase) => String(c.rows_checked) === String(c.rows_matched);
  const runs = new Map<string, { at: string; cases: number; failed: number }>();
  for (const r of rows) {
    const key = str(r.run_id);
    const entry = runs.get(key) ?? { at: time(r.run_at ?? r.started_at), cases: 0, failed: 0 };
    entry.cases += 1;
    if (String(r.rows_checked) !== String(r.rows_matched)) entry.failed += 1;
    runs.set(key, entry);
  }
  const history = table(
    'Golden runs (newest first)',
    ['Run', 'When', { text: 'Cases', ...num }, { text: 'Cases with discrepancies', ...num }, 'Status'],
    [...runs].map(([id, r]) => [
      runId(id),
      r.at,
      { text: String(r.cases), ...num },
      { text: String(r.failed), ...num },
      statusCell(r.failed === 0 ? 'matched' : 'discrepancies'),
    ]),
    { rowTone: (i) => ([...runs.values()][i].failed === 0 ? undefined : 'fail') },
  );
  const all = cases.every(matched);
  const body =
    `<p class="headline">${all ? badge('pass', `all ${cases.length} cases matched`) : badge('fail', `${cases.filter((c) => !matched(c)).length} case(s) with discrepancies`)}</p>` +
    table(
      `Latest golden run ${runId(run.run_id)} (${when})`,
      [
        'Case',
        { text: 'Rows checked', ...num },
        { text: 'Rows matched', ...num },
        { text: 'Max variance (USD)', ...num },
        'Status',
      ],
      cases.map((c) => [
        c.name,
        { text: count(str(c.rows_checked)), ...num },
        { text: count(str(c.rows_matched)), ...num },
        {
          text: c.max_variance === null || c.max_variance === undefined ? '—' : money(String(c.max_variance)),
          ...num,
        },
        statusCell(matched(c) ? 'matched' : 'discrepancies'),
      ]),
      { id: 'golden-cases', rowTone: (i) => (matched(cases[i]) ? undefined : 'fail') },
    ) +
    (runs.size > 1 ? history : '');
  return {
    ...base,
    body,
    provenance: `\`planledger golden --db\` run ${runId(run.run_id)} at ${when}; tolerance per case (golden.md).`,
  };
}

/** Names of drifted metrics from a JSON column (a list of names or of objects with `metric`/`name`). */
function driftedNames(v: unknown): string[] {
  const list = typeof v === 'string' ? (JSON.parse(v) as unknown) : v;
  if (!Array.isArray(list)) return [];
  return list.map((x) =>
    typeof x === 'string' ? x : str((x as Row).metric ?? (x as Row).name ?? JSON.stringify(x)),
  );
}

export function driftSection(rows: Row[] | null): Section {
  const base = {
    id: 'drift',
    title: 'Drift status',
    empty: 'No drift check recorded — run `planledger drift check --baseline BASELINE.json`.',
  };
  if (rows === null) return { ...base, body: null };
  const last = rows[0];
  const names = driftedNames(last.drifted);
  const drifted = Number(str(last.metrics_drifted ?? names.length)) > 0;
  const headline = drifted
    ? badge('fail', `${str(last.metrics_drifted)} of ${str(last.metrics_compared)} metrics drifted`)
    : badge('pass', `no drift: ${str(last.metrics_compared)} metrics within thresholds`);
  const list = names.length
    ? `<p>Drifted metrics: ${names.map((x) => `<code>${esc(x)}</code>`).join(', ')}</p>`
    : '';
  const history = table(
    'Drift checks (newest first)',
    [
      'Checked',
      'Kind',
      'Baseline',
      { text: 'Metrics compared', ...num },
      { text: 'Drifted', ...num },
      'Status',
    ],
    rows.map((r) => [
      time(r.checked_at),
      str(r.kind),
      str(r.baseline),
      { text: str(r.metrics_compared), ...num },
      { text: str(r.metrics_drifted), ...num },
      statusCell(r.status),
    ]),
    { id: 'drift-runs', rowTone: (i) => toneOf(rows[i].status) },
  );
  return {
    ...base,
    body: `<p class="headline">${headline}</p>${list}${history}`,
    provenance: `baseline ${str(last.baseline)}, checked ${time(last.checked_at)}.`,
  };
}
