/**
 * The environment block of a results file: what machine and which versions produced the
 * figures. DuckDB is imported lazily (only `bench` needs it).
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { VERSION } from '../version.js';
import type { Calibration, Environment } from './results.js';

/** The package root: this file is src/perf/environment.ts or dist/perf/environment.js. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * `commit`: the checkout's commit when the run STARTED (gitCommit() then); the code measured is
 * the code loaded at start, whatever is committed while a long run goes on.
 */
export async function describeEnvironment(
  startedAt: Date,
  calibration: Calibration,
  commit: string | null = gitCommit(),
): Promise<Environment> {
  const cpus = os.cpus();
  return {
    cpu_model: cpus[0]?.model.trim() || 'unknown',
    cores: os.availableParallelism?.() ?? cpus.length,
    memory_mb: Math.round(os.totalmem() / (1024 * 1024)),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    duckdb: await duckdbVersion(),
    planledger: VERSION,
    git_commit: commit,
    date: startedAt.toISOString(),
    calibration,
  };
}

async function duckdbVersion(): Promise<string | null> {
  try {
    const duckdb = await import('@duckdb/node-api');
    return duckdb.version();
  } catch {
    return null;
  }
}

export function gitCommit(): string | null {
  const git = (args: string[]) =>
    execFileSync('git', args, {
      cwd: PACKAGE_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  try {
    const head = git(['rev-parse', 'HEAD']);
    const dirty = git(['status', '--porcelain', '--untracked-files=no']) !== '';
    return dirty ? `${head}+dirty` : head;
  } catch {
    return null; // not a git checkout (an installed package)
  }
}

/**
 * True when two environments are the same machine (else CPU-bound figures need normalising).
 * Memory may differ by a few MB between boots of one machine (the kernel's own reservations:
 * 24,105 and 24,106 MB on the reference machine): within 1% it is the same memory.
 */
export function sameMachine(a: Environment, b: Environment): boolean {
  const memory = Math.abs(a.memory_mb - b.memory_mb) <= 0.01 * Math.max(a.memory_mb, b.memory_mb);
  return a.cpu_model === b.cpu_model && a.cores === b.cores && memory;
}
