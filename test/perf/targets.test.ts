import { describe, expect, it } from 'vitest';
import { formatTargets } from '../../src/perf/format.js';
import { checkTargets, TARGETS, targetLines } from '../../src/perf/targets.js';
import { metric } from './fixtures.js';

describe('targets', () => {
  it('holds the story targets and the project goals in one table', () => {
    expect(TARGETS.filter((t) => t.source === 'story')).toHaveLength(4);
    expect(new Set(TARGETS.map((t) => t.id)).size).toBe(TARGETS.length);
  });

  it('judges measured figures, ratios of two metrics, and says what was not measured', () => {
    const metrics = [
      metric('validation.object_us_per_event', [0.9]),
      metric('validation.ndjson_us_per_event', [5]),
      metric('validation.json_parse_us_per_event', [3]),
      metric('ingest.events_per_s', [300_000], 'higher'),
      metric('ingest.read_json_events_per_s', [500_000], 'higher'),
      metric('simulate.peak_rss_mb', [700]),
    ];
    const byId = new Map(checkTargets(metrics, false).map((r) => [r.id, r]));
    expect(byId.get('goal.validation_objects')).toMatchObject({ status: 'pass', figure: 0.9 });
    expect(byId.get('goal.validation_ndjson')?.status).toBe('fail'); // 5 / 3 > 1.5
    expect(byId.get('goal.validation_ndjson')?.figure).toBeCloseTo(5 / 3, 10);
    expect(byId.get('story.validation_latency')).toMatchObject({ status: 'pass', figure: 0.005 });
    expect(byId.get('goal.ingest_vs_read_json_required')).toMatchObject({ status: 'pass', figure: 0.6 });
    expect(byId.get('goal.ingest_vs_read_json')?.status).toBe('fail');
    expect(byId.get('story.ingest_throughput')?.status).toBe('pass');
    expect(byId.get('goal.simulate_memory')?.status).toBe('pass');
    expect(byId.get('story.history_latency')).toMatchObject({ status: 'not measured', figure: null });

    const quick = new Map(checkTargets(metrics, true).map((r) => [r.id, r]));
    expect(quick.get('goal.simulate_memory')).toMatchObject({ status: 'full run only', figure: null });
    const text = formatTargets(checkTargets(metrics, true));
    expect(text).toContain('PASS');
    expect(text).toContain('FAIL');
    expect(text).toContain('full run only');
  });
});

describe('target lines for charts', () => {
  it('gives the limit of each single-metric target in the metric’s own unit', () => {
    const lines = targetLines();
    expect(lines.find((l) => l.id === 'story.validation_latency')).toMatchObject({
      metric: 'validation.ndjson_us_per_event',
      value: 10_000,
    });
    expect(lines.some((l) => l.id === 'goal.validation_ndjson')).toBe(false); // a ratio of two metrics
  });
});
