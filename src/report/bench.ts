/**
 * Report section: benchmark trend per metric from the bench history (src/perf/history.ts), with
 * the targets (src/perf/targets.ts) drawn as lines. Benchmark figures are measurements, not
 * money: they are plotted as micro-unit integers only to share the chart code.
 */
import type { ResultsFile } from '../perf/results.js';
import { checkTargets, type MetricLookup, type Target } from '../perf/targets.js';
import { chart, PALETTE } from './chart.js';
import { count, figure } from './format.js';
import { type Cell, type Section, table } from './html.js';

const micro = (x: number): bigint => BigInt(Math.round(x * 1_000_000));
const fromMicro = (v: bigint): number => Number(v) / 1_000_000;

function lookupOf(run: ResultsFile): MetricLookup {
  const medians = new Map(run.metrics.map((m) => [m.name, m.median]));
  return (name) => medians.get(name);
}

/** The one metric a target's figure depends on, with its factor (figure = factor × metric). */
function singleMetric(t: Target, names: string[]): { name: string; factor: number } | null {
  for (const name of names) {
    const probe = t.figure((n) => (n === name ? 1 : undefined));
    if (probe !== undefined && Number.isFinite(probe) && probe !== 0) return { name, factor: probe };
  }
  return null;
}

function runLabel(run: ResultsFile): string {
  return `${run.environment.date.slice(0, 10)} ${run.environment.git_commit?.slice(0, 7) ?? ''}`.trim();
}

/** Axis label of a run: its date (month-day; the tooltip adds the commit). */
function runTick(run: ResultsFile): string {
  return run.environment.date.slice(5, 10);
}

const SYMBOL: Record<string, string> = { '>=': '≥', '<=': '≤', '<': '<' };

/** Tick text: 0 as "0", otherwise the figure. */
const tick = (v: bigint): string => (v === 0n ? '0' : figure(fromMicro(v)));

export function benchSection(runs: ResultsFile[], targets: readonly Target[], historyDir: string): Section {
  const base = {
    id: 'bench',
    title: 'Benchmarks',
    empty: `No benchmark history in ${historyDir} — run \`planledger bench\` (each run is appended there).`,
  };
  if (runs.length === 0) return { ...base, body: null };
  const labels = runs.map(runLabel);
  const ticks = runs.map(runTick);
  const hollow = runs.map((r) => r.suite.quick);
  const names = [...new Set(runs.flatMap((r) => r.metrics.map((m) => m.name)))];
  const charts: string[] = [];
  const covered = new Set<string>();
  for (const t of targets) {
    const values = runs.map((r) => {
      if (r.suite.quick && t.fullOnly) return null;
      const f = t.figure(lookupOf(r));
      return f === undefined || !Number.isFinite(f) ? null : micro(f);
    });
    if (values.every((v) => v === null)) continue;
    const single = singleMetric(t, names);
    if (single && single.factor === 1) covered.add(single.name);
    charts.push(
      chart({
        id: `chart-target-${t.id.replace(/[^a-z0-9]+/gi, '-')}`,
        title: `${t.description} (${t.unit})`,
        kind: 'lines',
        x: { labels: ticks, tips: labels },
        series: [
          { name: single?.factor === 1 ? single.name : `measured (${t.unit})`, values, color: PALETTE[0] },
        ],
        refLines: [
          {
            value: micro(t.limit),
            label: `${t.source} target ${SYMBOL[t.comparator]} ${figure(t.limit)} ${t.unit}`,
          },
        ],
        format: tick,
        tip: (v) => `${figure(fromMicro(v))} ${t.unit}`,
        hollow,
      }),
    );
  }
  for (const name of names) {
    if (covered.has(name)) continue;
    const unit = runs.flatMap((r) => r.metrics).find((m) => m.name === name)?.unit ?? '';
    const values = runs.map((r) => {
      const m = r.metrics.find((x) => x.name === name);
      return m ? micro(m.median) : null;
    });
    charts.push(
      chart({
        id: `chart-metric-${name.replace(/[^a-z0-9]+/gi, '-')}`,
        title: `${name} (${unit}, median)`,
        kind: 'lines',
        x: { labels: ticks, tips: labels },
        series: [{ name, values, color: PALETTE[4] }],
        format: tick,
        tip: (v) => `${figure(fromMicro(v))} ${unit}`,
        hollow,
      }),
    );
  }
  const last = runs[runs.length - 1];
  const results = checkTargets(last.metrics, last.suite.quick, targets);
  const tone = (s: string): Cell['tone'] => (s === 'pass' ? 'pass' : s === 'fail' ? 'fail' : undefined);
  const targetTable = table(
    `Targets in the latest run (${runLabel(last)}, ${last.suite.quick ? 'quick sizes' : 'full sizes'})`,
    ['Target', 'Source', { text: 'Measured', num: true }, { text: 'Limit', num: true }, 'Status'],
    results.map((r) => [
      r.description,
      r.source,
      { text: r.figure === null ? '—' : `${figure(r.figure)} ${r.unit}`, num: true },
      { text: `${SYMBOL[r.comparator] ?? r.comparator} ${figure(r.limit)} ${r.unit}`, num: true },
      { text: r.status, tone: tone(r.status) },
    ]),
    { id: 'bench-targets', rowTone: (i) => (results[i].status === 'fail' ? 'fail' : undefined) },
  );
  const envTable = table(
    'Machines and versions of each run',
    [
      'Run',
      'Sizes',
      'CPU',
      { text: 'Cores', num: true },
      'Memory',
      'Node',
      'DuckDB',
      'planledger',
      { text: 'Calibration', num: true },
    ],
    runs.map((r, i) => [
      labels[i],
      r.suite.quick ? 'quick' : 'full',
      r.environment.cpu_model,
      { text: String(r.environment.cores), num: true },
      `${count(Math.round(r.environment.memory_mb))} MB`,
      r.environment.node,
      r.environment.duckdb ?? '—',
      r.environment.planledger,
      { text: `${figure(r.environment.calibration.score)} ${r.environment.calibration.unit}`, num: true },
    ]),
  );
  return {
    ...base,
    body:
      `${targetTable}<p class="note">Trend of each metric's median over the recorded runs (oldest first); ` +
      `hollow points are quick runs (small sizes: not comparable with full runs). Dashed lines are targets.</p>` +
      `<div class="grid">${charts.join('')}</div>${envTable}`,
    provenance: `${runs.length} run(s) from ${historyDir}; the latest on ${last.environment.cpu_model}, ${last.environment.cores} cores, commit ${last.environment.git_commit ?? 'unknown'}.`,
  };
}
