/**
 * glibc gives threads that allocate at once their own malloc arenas (up to 8 per core), and
 * memory freed in one arena is not reused by another. A simulation allocates from DuckDB's
 * threads, the worker threads and the main thread together, and that fragmentation was most of
 * its peak RSS above 1 GB: at 100,000 employees × 5 years, 1,311 MB with the default arenas and
 * 1,034 MB with one (docs/simulate.md, "Threads and memory"). The setting is read when the
 * process starts, so the commands that simulate run themselves again, once, with it.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { ARENA_CHILD_ENV } from './interrupt.js';

/** The commands whose peak memory the setting bounds. */
const SIMULATING = new Set(['simulate', 'main']);

/**
 * When `argv` runs a simulating command on Linux and MALLOC_ARENA_MAX is not set, run the same
 * command in a child process with MALLOC_ARENA_MAX=1 (same stdio, so terminals and pipes
 * behave as before) and return its exit code; otherwise null (go on in this process).
 *
 * The parent forwards SIGINT, SIGTERM and SIGHUP to the child and exits with the child's code
 * (130/143 after a clean stop). An IPC channel joins them: when the parent dies, even by
 * SIGKILL, the child sees the channel close and stops (src/cli/interrupt.ts).
 */
export async function rerunWithOneArena(argv: string[]): Promise<number | null> {
  if (process.platform !== 'linux' || process.env.MALLOC_ARENA_MAX !== undefined) return null;
  const args = argv.slice(2);
  if (!SIMULATING.has(args[0] ?? '') || args.some((a) => a === '--help' || a === '-h')) return null;
  const child = spawn(process.execPath, [...process.execArgv, ...argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, MALLOC_ARENA_MAX: '1', [ARENA_CHILD_ENV]: '1' },
  });
  const forward = (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, forward);
  const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null } | null>(
    (resolve) => {
      child.once('error', () => resolve(null));
      child.once('exit', (code, signal) => resolve({ code, signal }));
    },
  );
  for (const s of signals) process.off(s, forward);
  if (ended === null) return null; // could not start: run here, with the default arenas
  if (ended.signal) {
    process.kill(process.pid, ended.signal);
    return 128 + (constants.signals[ended.signal] ?? 0);
  }
  return ended.code ?? 1;
}
