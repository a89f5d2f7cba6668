/** Human-readable tables for `bench`, `bench compare` and `bench trend` (pure: text in, text out). */
import type { Comparison } from './compare.js';
import type { MetricTrend } from './history.js';
import type { ResultsFile } from './results.js';
import type { TargetResult } from './targets.js';

/** A number with about four significant digits, without exponent for everyday sizes. */
export function fmt(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  const a = Math.abs(x);
  if (a >= 1e5) return Math.round(x).toLocaleString('en-US');
  if (a >= 100) return x.toFixed(1);
  if (a >= 1) return x.toFixed(3);
  if (a === 0) return '0';
  return x.toPrecision(3);
}

/** Left-aligned first column, right-aligned others; a header and a rule. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function formatResults(r: ResultsFile): string {
  const env = r.environment;
  const head = [
    `planledger ${env.planledger} · ${r.suite.quick ? 'quick' : 'full'} suite · ${r.suite.repetitions} repetitions · ${r.suite.seconds.toFixed(1)} s`,
    `${env.cpu_model}, ${env.cores} cores, ${(env.memory_mb / 1024).toFixed(1)} GB · Node ${env.node} · DuckDB ${env.duckdb ?? 'n/a'} · ${env.git_commit?.slice(0, 12) ?? 'no git'}`,
    `calibration ${fmt(env.calibration.score)} ${env.calibration.unit} (MAD ${fmt(env.calibration.mad)})`,
  ];
  const rows = r.metrics.map((m) => [
    m.name,
    fmt(m.median),
    fmt(m.mad),
    m.unit,
    m.direction === 'higher' ? '↑ better' : '↓ better',
    String(m.samples.length),
  ]);
  const notes = r.suite.benchmarks
    .filter((b) => b.status !== 'ok')
    .map((b) => `${b.status}: ${b.name}${b.note ? ` (${b.note})` : ''}`);
  return [
    ...head,
    '',
    table(['metric', 'median', 'MAD', 'unit', '', 'n'], rows),
    ...(notes.length ? ['', ...notes] : []),
  ]
    .join('\n')
    .concat('\n');
}

export function formatTargets(results: TargetResult[]): string {
  const rows = results.map((t) => [
    t.description,
    t.figure === null ? '—' : `${fmt(t.figure)} ${t.unit}`,
    `${t.comparator} ${fmt(t.limit)}`,
    t.status === 'pass' ? 'PASS' : t.status === 'fail' ? 'FAIL' : t.status,
  ]);
  return 'Targets\n' + table(['target', 'measured', 'required', 'status'], rows) + '\n';
}

export function formatComparison(c: Comparison): string {
  const head = [
    `base: ${c.base.date} ${c.base.git_commit?.slice(0, 12) ?? ''} (${c.base.cpu_model}, calibration ${fmt(c.base.calibration)})`,
    `new:  ${c.new.date} ${c.new.git_commit?.slice(0, 12) ?? ''} (${c.new.cpu_model}, calibration ${fmt(c.new.calibration)})`,
    c.normalized
      ? `different machines: CPU-bound figures scaled by calibration factor ${fmt(c.calibration_factor)}`
      : `same machine: no calibration scaling (factor would be ${fmt(c.calibration_factor)})`,
    `regressed = ratio > ${fmt(1 + c.threshold)} and p < ${c.alpha} (ratio > 1 is worse)`,
  ];
  const rows = c.metrics.map((m) => [
    m.name,
    fmt(m.base_median),
    fmt(m.new_median),
    m.unit,
    fmt(m.ratio),
    m.p_value === null ? 'ratio-only' : m.p_value.toPrecision(2),
    m.verdict === 'regressed' ? 'REGRESSED' : m.gated ? m.verdict : 'not gated',
  ]);
  const tail = [
    ...(c.missing.length ? [`not in the new run (${c.missing.length}): ${c.missing.join(', ')}`] : []),
    ...(c.added.length ? [`no baseline for (${c.added.length}): ${c.added.join(', ')}`] : []),
    ...c.metrics.filter((m) => m.verdict === 'regressed').map(regressionLine),
    `${c.regressions} regressed, ${c.improvements} improved, ${c.metrics.length - c.regressions - c.improvements} unchanged`,
  ];
  return [...head, '', table(['metric', 'base', 'new', 'unit', 'ratio', 'p', 'verdict'], rows), '', ...tail]
    .join('\n')
    .concat('\n');
}

/** "REGRESSION ingest.events_per_s: 1.32× worse (p = 0.00058, mann-whitney)". */
export function regressionLine(m: Comparison['metrics'][number]): string {
  const p = m.p_value === null ? 'ratio only' : `p = ${m.p_value.toPrecision(2)}`;
  return `REGRESSION ${m.name}: ${fmt(m.ratio)}× worse (${fmt(m.base_median)} → ${fmt(m.new_median)} ${m.unit}, ${p})`;
}

export function formatTrend(trends: MetricTrend[]): string {
  if (trends.length === 0) return 'no benchmark history yet (run `planledger bench`)\n';
  const blocks = trends.map((t) => {
    const rows = t.points.map((p) => [
      p.date.replace(/\.\d+Z$/, 'Z'),
      p.git_commit?.slice(0, 10) ?? '—',
      p.quick ? 'quick' : 'full',
      fmt(p.median),
      fmt(p.mad),
      String(p.n),
      fmt(p.calibration),
    ]);
    const best = t.direction === 'higher' ? 'higher is better' : 'lower is better';
    return (
      `${t.name} (${t.unit}, ${best}) ${sparkline(t.points.map((p) => p.median))}\n` +
      table(['date', 'commit', 'suite', 'median', 'MAD', 'n', 'calibration'], rows)
    );
  });
  return blocks.join('\n\n') + '\n';
}

const BARS = '▁▂▃▄▅▆▇█';

/** A one-line chart of the values (scaled between their minimum and maximum). */
export function sparkline(values: number[]): string {
  const finite = values.filter(Number.isFinite);
  if (finite.length < 2) return '';
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  return values
    .map((v) => (Number.isFinite(v) ? BARS[hi === lo ? 3 : Math.round(((v - lo) / (hi - lo)) * 7)] : ' '))
    .join('');
}
