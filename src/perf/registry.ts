/**
 * The suite: every benchmark module by name, in the order they run. Modules are imported
 * only when run (DuckDB, the engine and the simulator stay unloaded for `--help`). A module
 * whose file does not exist is skipped with a note, so the suite runs while parts of the
 * product are still being written; when every file exists, nothing is skipped.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Benchmark } from './types.js';

export interface SuiteEntry {
  /** The name `--only` selects. */
  name: string;
  /** What it measures (for `bench --list` and the docs). */
  summary: string;
  /** Loads the module's benchmarks; `undefined` when the module file does not exist. */
  load(): Promise<Benchmark[] | undefined>;
}

/** An entry whose module is src/perf/bench-<name>.ts (dist/perf/bench-<name>.js once built). */
function moduleEntry(name: string, summary: string): SuiteEntry {
  return {
    name,
    summary,
    async load() {
      const url = new URL(`./bench-${name}.js`, import.meta.url);
      const path = fileURLToPath(url);
      if (!existsSync(path) && !existsSync(path.replace(/\.js$/, '.ts'))) return undefined;
      return benchmarksOf(await import(url.href), `bench-${name}`);
    },
  };
}

/** The suite, in running order (the longest last). */
export const SUITE: readonly SuiteEntry[] = [
  moduleEntry(
    'validation',
    'validation µs/event: parsed objects and NDJSON text, next to JSON.parse and Ajv',
  ),
  moduleEntry('ingest', 'ingest events/s next to DuckDB read_json on the same file (ratio)'),
  moduleEntry('history', 'participant history latency p50/p95/p99'),
  moduleEntry('snapshots', 'snapshot build time; balance via snapshots vs replay p50/p99; plan-wide ratio'),
  moduleEntry('ndt', 'ADP/ACP tests of a 5-year scenario, set-wise in DuckDB, next to one scan (ratio)'),
  moduleEntry('simulate', 'simulation events/s and peak RSS (child process)'),
  moduleEntry('compare', 'two plan designs on one workforce ÷ one simulation (child processes, ratio)'),
];

/** Every export of a module that has the Benchmark shape (default and named exports, once each). */
export function benchmarksOf(mod: Record<string, unknown>, source: string): Benchmark[] {
  const found = new Set<Benchmark>();
  for (const value of Object.values(mod)) {
    if (isBenchmark(value)) found.add(value);
    else if (Array.isArray(value)) for (const v of value) if (isBenchmark(v)) found.add(v);
  }
  if (found.size === 0)
    throw new Error(`${source} exports no Benchmark (an object with name, description, run)`);
  return [...found];
}

function isBenchmark(value: unknown): value is Benchmark {
  const v = value as Partial<Benchmark> | null;
  return typeof v === 'object' && v !== null && typeof v.name === 'string' && typeof v.run === 'function';
}

/** The entries `--only a,b` selects; a name that is not in the suite is a usage error. */
export function selectEntries(suite: readonly SuiteEntry[], only: string[] | null): SuiteEntry[] {
  if (only === null) return [...suite];
  const unknown = only.filter((n) => !suite.some((e) => e.name === n));
  if (unknown.length > 0) {
    throw new RangeError(
      `unknown benchmark ${unknown.map((n) => `'${n}'`).join(', ')} (known: ${suite.map((e) => e.name).join(', ')})`,
    );
  }
  return suite.filter((e) => only.includes(e.name));
}
