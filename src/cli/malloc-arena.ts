/**
 * glibc gives threads that allocate at once their own malloc arenas (up to 8 per core), and
 * memory freed in one arena is not reused by another. A simulation allocates from DuckDB's
 * threads, the worker threads and the main thread together, and that fragmentation was most of
 * its peak RSS above 1 GB: at 100,000 employees × 5 years, 1,311 MB with the default arenas and
 * 1,034 MB with one (docs/simulate.md, "Threads and memory"). The setting is read when the
 * process starts, so the commands that simulate run themselves again, once, with it.
 */
import { spawnSync } from 'node:child_process';

/** The commands whose peak memory the setting bounds. */
const SIMULATING = new Set(['simulate', 'main']);

/**
 * When `argv` runs a simulating command on Linux and MALLOC_ARENA_MAX is not set, run the same
 * command in a child process with MALLOC_ARENA_MAX=1 (same stdio, so terminals and pipes
 * behave as before) and return its exit code; otherwise null (go on in this process).
 */
export function rerunWithOneArena(argv: string[]): number | null {
  if (process.platform !== 'linux' || process.env.MALLOC_ARENA_MAX !== undefined) return null;
  const args = argv.slice(2);
  if (!SIMULATING.has(args[0] ?? '') || args.some((a) => a === '--help' || a === '-h')) return null;
  const child = spawnSync(process.execPath, [...process.execArgv, ...argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, MALLOC_ARENA_MAX: '1' },
  });
  if (child.error) return null; // could not start: run here, with the default arenas
  if (child.signal) {
    process.kill(process.pid, child.signal);
    return 1;
  }
  return child.status ?? 1;
}
