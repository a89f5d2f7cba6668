/**
 * Benchmark history: every `bench` run appends its results file as one line of
 * `<dir>/results.jsonl` (default dir `bench/history`). JSON lines rather than a DuckDB table:
 * a text file diffs and merges in git, needs no database to read, and the report reads it
 * with `readBenchHistory`. docs/benchmarks.md, "History".
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseResults, type ResultsFile } from './results.js';

export const DEFAULT_HISTORY_DIR = 'bench/history';
export const HISTORY_FILE = 'results.jsonl';

/** Appends one run to the history in `dir` (created when missing). Returns the file path. */
export async function appendBenchHistory(dir: string, results: ResultsFile): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, HISTORY_FILE);
  await appendFile(file, JSON.stringify(results) + '\n', 'utf8');
  return file;
}

/**
 * Every run recorded in `dir`, oldest first (by environment date). A missing history is
 * empty; a line that is not a valid results file is an error naming file and line.
 */
export async function readBenchHistory(dir: string = DEFAULT_HISTORY_DIR): Promise<ResultsFile[]> {
  const file = join(dir, HISTORY_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const runs: ResultsFile[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() !== '') runs.push(parseResults(line, `${file}:${i + 1}`));
  });
  return runs.sort((a, b) => a.environment.date.localeCompare(b.environment.date));
}

export interface TrendPoint {
  date: string;
  git_commit: string | null;
  quick: boolean;
  median: number;
  mad: number;
  n: number;
  /** The run's calibration score (machine speed at the time). */
  calibration: number;
}

export interface MetricTrend {
  name: string;
  unit: string;
  direction: 'higher' | 'lower';
  points: TrendPoint[];
}

/** Each metric over time (those starting with one of `only`), in first-seen order; points oldest first. */
export function trendOf(runs: readonly ResultsFile[], only: string[] | null = null): MetricTrend[] {
  const trends = new Map<string, MetricTrend>();
  for (const run of runs) {
    for (const m of run.metrics) {
      if (only !== null && !only.some((prefix) => m.name.startsWith(prefix))) continue;
      let t = trends.get(m.name);
      if (t === undefined) {
        t = { name: m.name, unit: m.unit, direction: m.direction, points: [] };
        trends.set(m.name, t);
      }
      t.points.push({
        date: run.environment.date,
        git_commit: run.environment.git_commit,
        quick: run.suite.quick,
        median: m.median,
        mad: m.mad,
        n: m.samples.length,
        calibration: run.environment.calibration.score,
      });
    }
  }
  return [...trends.values()];
}
