/**
 * The performance targets, in one table: the story's absolute targets and the project's own
 * goals (the issues on validation, the store, snapshots and simulation). `bench` prints each
 * as pass/fail with the measured figure. Size-dependent targets (a 100K-employee run) are
 * judged only on a full run; `--quick` sizes say nothing about them.
 */
import type { Metric } from './results.js';

export type TargetStatus = 'pass' | 'fail' | 'not measured' | 'full run only';

export interface Target {
  id: string;
  /** `story`: the original requirement; `goal`: the project's own bar. */
  source: 'story' | 'goal';
  description: string;
  /** The figure compared, from the run's medians; undefined when its metrics are absent. */
  figure(m: MetricLookup): number | undefined;
  unit: string;
  comparator: '>=' | '<=' | '<';
  limit: number;
  /** Measured at the full suite's sizes only (100K employees × 5 years). */
  fullOnly?: boolean;
  /** For a target on one metric: that metric and the limit in the metric's own unit (charts draw it). */
  line?: { metric: string; value: number };
}

/** Median of a metric by name, undefined when the run did not measure it. */
export type MetricLookup = (name: string) => number | undefined;

/**
 * The ratio of two medians: the fallback when a benchmark does not report the ratio itself (a
 * ratio measured per repetition, interleaved, is steadier on a busy machine).
 */
const ratio = (m: MetricLookup, a: string, b: string): number | undefined => {
  const x = m(a);
  const y = m(b);
  return x === undefined || y === undefined || y === 0 ? undefined : x / y;
};

export const TARGETS: readonly Target[] = [
  {
    id: 'story.ingest_throughput',
    source: 'story',
    description: 'ingest ≥ 100K events/s (story: 16 cores; here 2)',
    figure: (m) => m('ingest.events_per_s'),
    unit: 'events/s',
    comparator: '>=',
    limit: 100_000,
    line: { metric: 'ingest.events_per_s', value: 100_000 },
  },
  {
    id: 'story.history_latency',
    source: 'story',
    description: 'participant history ≤ 5 s (p99)',
    figure: (m) => m('history.p99_ms'),
    unit: 'ms',
    comparator: '<=',
    limit: 5000,
    line: { metric: 'history.p99_ms', value: 5000 },
  },
  {
    id: 'story.validation_latency',
    source: 'story',
    description: 'validation of an event < 10 ms',
    figure: (m) => scale(m('validation.ndjson_us_per_event'), 1 / 1000),
    unit: 'ms/event',
    comparator: '<',
    limit: 10,
    line: { metric: 'validation.ndjson_us_per_event', value: 10_000 },
  },
  {
    id: 'story.memory_100k',
    source: 'story',
    description: '100K employees in < 8 GB (peak RSS of the simulation)',
    figure: (m) => m('simulate.peak_rss_mb'),
    unit: 'MB',
    comparator: '<',
    limit: 8192,
    fullOnly: true,
    line: { metric: 'simulate.peak_rss_mb', value: 8192 },
  },
  {
    id: 'goal.validation_objects',
    source: 'goal',
    description: 'validation of parsed objects ≤ 1.2 µs/event (10× Pydantic v2)',
    figure: (m) => m('validation.object_us_per_event'),
    unit: 'µs/event',
    comparator: '<=',
    limit: 1.2,
    line: { metric: 'validation.object_us_per_event', value: 1.2 },
  },
  {
    id: 'goal.validation_ndjson',
    source: 'goal',
    description: 'NDJSON validation ≤ 1.5× JSON.parse alone',
    figure: (m) =>
      m('validation.ndjson_to_json_parse_ratio') ??
      ratio(m, 'validation.ndjson_us_per_event', 'validation.json_parse_us_per_event'),
    unit: '×',
    comparator: '<=',
    limit: 1.5,
  },
  {
    id: 'goal.ingest_vs_read_json_required',
    source: 'goal',
    description: 'ingest ≥ 0.5× DuckDB read_json (required)',
    figure: (m) =>
      m('ingest.ratio_vs_read_json') ?? ratio(m, 'ingest.events_per_s', 'ingest.read_json_events_per_s'),
    unit: '×',
    comparator: '>=',
    limit: 0.5,
  },
  {
    id: 'goal.ingest_vs_read_json',
    source: 'goal',
    description: 'ingest ≥ 1.0× DuckDB read_json (goal)',
    figure: (m) =>
      m('ingest.ratio_vs_read_json') ?? ratio(m, 'ingest.events_per_s', 'ingest.read_json_events_per_s'),
    unit: '×',
    comparator: '>=',
    limit: 1.0,
  },
  ...(['upstream', 'hand', 'mixed'] as const).flatMap((style): Target[] => [
    {
      id: `goal.ingest_${style}_vs_read_json_required`,
      source: 'goal',
      description: `ingest of the ${style} style ≥ 0.5× DuckDB read_json of the same file (required; ratio of medians)`,
      figure: (m) => ratio(m, `ingest.${style}.events_per_s`, `ingest.${style}.read_json_events_per_s`),
      unit: '×',
      comparator: '>=',
      limit: 0.5,
    },
    {
      id: `goal.ingest_${style}_throughput`,
      source: 'goal',
      description: `ingest of the ${style} style ≥ 100K events/s`,
      figure: (m) => m(`ingest.${style}.events_per_s`),
      unit: 'events/s',
      comparator: '>=',
      limit: 100_000,
      line: { metric: `ingest.${style}.events_per_s`, value: 100_000 },
    },
  ]),
  {
    id: 'goal.ingest_mixed_no_cliff',
    source: 'goal',
    description: 'ingest of the mixed file (every 50th line hand-written) within 20% of the canonical file',
    figure: (m) =>
      m('ingest.mixed_vs_canonical') ?? ratio(m, 'ingest.mixed.events_per_s', 'ingest.events_per_s'),
    unit: '×',
    comparator: '>=',
    limit: 0.8,
  },
  {
    id: 'goal.balance_snapshot_p99',
    source: 'goal',
    description: 'balance via snapshots p99 ≤ 5 ms (all pairs)',
    // The p99 of every pair when the run reports it, else the median of the repetitions' p99.
    figure: (m) => m('snapshots.balance_snapshot_p99_all_ms') ?? m('snapshots.balance_snapshot_p99_ms'),
    unit: 'ms',
    comparator: '<=',
    limit: 5,
    line: { metric: 'snapshots.balance_snapshot_p99_ms', value: 5 },
  },
  {
    id: 'goal.balance_snapshot_vs_replay',
    source: 'goal',
    description: 'balance via snapshots faster than replay at p50 and p99 (the smaller ratio)',
    figure: (m) => {
      const p50 = ratio(m, 'snapshots.balance_replay_p50_ms', 'snapshots.balance_snapshot_p50_ms');
      const p99 = ratio(m, 'snapshots.balance_replay_p99_ms', 'snapshots.balance_snapshot_p99_ms');
      return p50 === undefined || p99 === undefined ? undefined : Math.min(p50, p99);
    },
    unit: '×',
    comparator: '>=',
    limit: 1,
  },
  {
    id: 'goal.balance_command',
    source: 'goal',
    description: 'the whole `balance` command at 100K × 5 years ≤ 250 ms (median of 20)',
    figure: (m) => m('snapshots.command_balance_snapshot_ms'),
    unit: 'ms',
    comparator: '<=',
    limit: 250,
    fullOnly: true,
  },
  {
    id: 'goal.plan_wide_speedup',
    source: 'goal',
    description: 'plan-wide balances via snapshots ≥ 10× faster than replay',
    figure: (m) =>
      m('snapshots.plan_wide_speedup') ??
      ratio(m, 'snapshots.plan_wide_replay_ms', 'snapshots.plan_wide_snapshot_ms'),
    unit: '×',
    comparator: '>=',
    limit: 10,
  },
  {
    id: 'goal.snapshot_build',
    source: 'goal',
    description: 'full snapshot build at 100K × 5 years ≤ 60 s',
    figure: (m) => m('snapshots.build_s'),
    unit: 's',
    comparator: '<=',
    limit: 60,
    fullOnly: true,
    line: { metric: 'snapshots.build_s', value: 60 },
  },
  {
    id: 'goal.ndt_time',
    source: 'goal',
    description: 'ADP and ACP tests at 100K × 5 years ≤ 10 s',
    figure: (m) => m('ndt.run_s'),
    unit: 's',
    comparator: '<=',
    limit: 10,
    fullOnly: true,
    line: { metric: 'ndt.run_s', value: 10 },
  },
  {
    id: 'goal.simulate_time',
    source: 'goal',
    description: 'simulate 100K employees × 5 years ≤ 180 s',
    figure: (m) => m('simulate.seconds'),
    unit: 's',
    comparator: '<=',
    limit: 180,
    fullOnly: true,
    line: { metric: 'simulate.seconds', value: 180 },
  },
  {
    id: 'goal.simulate_memory',
    source: 'goal',
    description: 'simulate 100K employees × 5 years < 1 GB peak RSS',
    figure: (m) => m('simulate.peak_rss_mb'),
    unit: 'MB',
    comparator: '<',
    limit: 1024,
    fullOnly: true,
    line: { metric: 'simulate.peak_rss_mb', value: 1024 },
  },
  {
    id: 'goal.compare_ratio',
    source: 'goal',
    description: 'compare two designs at 10K × 5 years ≤ 2.1 × one simulation',
    figure: (m) => m('compare.ratio_to_simulate'),
    unit: '×',
    comparator: '<=',
    limit: 2.1,
    fullOnly: true,
    line: { metric: 'compare.ratio_to_simulate', value: 2.1 },
  },
];

/** The limits that apply to one metric directly, for charts of that metric over time. */
export function targetLines(
  targets: readonly Target[] = TARGETS,
): { id: string; source: Target['source']; description: string; metric: string; value: number }[] {
  return targets.flatMap((t) =>
    t.line
      ? [
          {
            id: t.id,
            source: t.source,
            description: t.description,
            metric: t.line.metric,
            value: t.line.value,
          },
        ]
      : [],
  );
}

function scale(x: number | undefined, factor: number): number | undefined {
  return x === undefined ? undefined : x * factor;
}

export interface TargetResult {
  id: string;
  source: 'story' | 'goal';
  description: string;
  status: TargetStatus;
  figure: number | null;
  unit: string;
  comparator: string;
  limit: number;
}

/** Judges every target against a run's medians. */
export function checkTargets(
  metrics: readonly Metric[],
  quick: boolean,
  targets: readonly Target[] = TARGETS,
): TargetResult[] {
  const medians = new Map(metrics.map((m) => [m.name, m.median]));
  const lookup: MetricLookup = (name) => medians.get(name);
  return targets.map((t) => {
    const figure = quick && t.fullOnly ? undefined : t.figure(lookup);
    let status: TargetStatus;
    if (quick && t.fullOnly) status = 'full run only';
    else if (figure === undefined || !Number.isFinite(figure)) status = 'not measured';
    else status = meets(figure, t.comparator, t.limit) ? 'pass' : 'fail';
    return {
      id: t.id,
      source: t.source,
      description: t.description,
      status,
      figure: figure !== undefined && Number.isFinite(figure) ? figure : null,
      unit: t.unit,
      comparator: t.comparator,
      limit: t.limit,
    };
  });
}

function meets(x: number, comparator: Target['comparator'], limit: number): boolean {
  if (comparator === '>=') return x >= limit;
  if (comparator === '<=') return x <= limit;
  return x < limit;
}
