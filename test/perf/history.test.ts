import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatTrend, sparkline } from '../../src/perf/format.js';
import { appendBenchHistory, readBenchHistory, trendOf } from '../../src/perf/history.js';
import { metric, results } from './fixtures.js';

describe('benchmark history', () => {
  it('appends one JSON line per run and reads the runs back oldest first', async () => {
    const dir = join(await mkdtemp(join(os.tmpdir(), 'pl-hist-')), 'nested');
    expect(await readBenchHistory(dir)).toEqual([]);
    const late = results([metric('a.ms', [3]), metric('b.ms', [9])], { date: '2026-02-01T00:00:00.000Z' });
    const early = results([metric('a.ms', [1])], { date: '2026-01-01T00:00:00.000Z', git_commit: 'c0ffee' });
    const file = await appendBenchHistory(dir, late);
    await appendBenchHistory(dir, early);
    expect((await readFile(file, 'utf8')).trim().split('\n')).toHaveLength(2);
    const runs = await readBenchHistory(dir);
    expect(runs.map((r) => r.environment.date)).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-02-01T00:00:00.000Z',
    ]);

    const trend = trendOf(runs);
    expect(trend.map((t) => [t.name, t.points.map((p) => p.median)])).toEqual([
      ['a.ms', [1, 3]],
      ['b.ms', [9]],
    ]);
    expect(trend[0].points[0]).toMatchObject({ git_commit: 'c0ffee', n: 1, quick: true, calibration: 1000 });
    expect(trendOf(runs, ['b']).map((t) => t.name)).toEqual(['b.ms']);
    const text = formatTrend(trend);
    expect(text).toContain('a.ms (ms, lower is better)');
    expect(text).toContain('c0ffee');
  });

  it('names the file and line of a damaged entry', async () => {
    const dir = await mkdtemp(join(os.tmpdir(), 'pl-hist-'));
    await writeFile(join(dir, 'results.jsonl'), JSON.stringify(results([])) + '\n{"schema_version":1}\n');
    await expect(readBenchHistory(dir)).rejects.toThrow(/results\.jsonl:2: not a valid results file/);
  });

  it('draws a sparkline between the minimum and the maximum', () => {
    expect(sparkline([1, 2, 3])).toBe('▁▅█');
    expect(sparkline([5])).toBe('');
    expect(formatTrend([])).toMatch(/no benchmark history/);
  });
});
