/**
 * Stopping a run cleanly (docs/simulate.md, "Interrupting a run"). While a simulation runs, SIGINT
 * and SIGTERM do not kill the process: they abort the run's AbortSignal, the run undoes what is
 * not complete (rolls back the open transaction, removes its pending rows and a partial --out
 * file), prints one line saying what was kept, and the command exits 130 (SIGINT) or 143
 * (SIGTERM). Repeated signals are ignored; SIGKILL always works.
 *
 * A process started by the one-arena re-run (malloc-arena.ts) also watches its parent through
 * the IPC channel: when the parent dies, even by SIGKILL, the channel closes and Node emits
 * 'disconnect' at once (measured: 46 ms; an unref'd channel never reports it, so main() keeps it
 * referenced until the command ends). That is used rather than polling process.ppid (which lags
 * by the poll interval). Nobody waits for the child's answer then, and a clean stop can take
 * seconds on a loaded machine (a rollback, the worker threads), so the child removes its
 * temporary files (`cleanup`) and kills itself at once: the store is safe at any point (the
 * run's rows are under a pending id that the next run removes: docs/store.md).
 */

const EXIT_CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143, 'parent gone': 143 };

/** The environment variable that tells the one-arena child it was started by the re-run. */
export const ARENA_CHILD_ENV = 'PLANLEDGER_ARENA_CHILD';

/**
 * True in a process started by the one-arena re-run (read once; the variable is removed so that
 * nothing this process starts inherits it). Only then is the IPC channel the parent's: a process
 * started by anything else (a test runner's fork) leaves its channel alone.
 */
export const startedByRerun: boolean = (() => {
  const set = process.env[ARENA_CHILD_ENV] === '1';
  delete process.env[ARENA_CHILD_ENV];
  return set;
})();

export interface RunInterrupt {
  signal: AbortSignal;
  /** The exit code for the way the run was stopped (130 for SIGINT, 143 for SIGTERM). */
  exitCode(): number;
  /** Restore the default signal behaviour. */
  dispose(): void;
}

export function watchInterrupts(cleanup: () => void = () => undefined): RunInterrupt {
  const controller = new AbortController();
  const stop = (why: string) => {
    if (!controller.signal.aborted) controller.abort(why);
  };
  const onInt = () => stop('SIGINT');
  const onTerm = () => stop('SIGTERM');
  const onParentGone = () => {
    stop('parent gone');
    try {
      cleanup();
    } finally {
      process.kill(process.pid, 'SIGKILL');
    }
  };
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  if (startedByRerun && process.channel) {
    if (!process.connected) onParentGone();
    else process.on('disconnect', onParentGone);
  }
  return {
    signal: controller.signal,
    exitCode: () => EXIT_CODES[String(controller.signal.reason)] ?? 130,
    dispose() {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      process.off('disconnect', onParentGone);
    },
  };
}

/** A run stopped by a signal: one line, and the signal's exit code. */
export class Interrupted extends Error {
  override name = 'Interrupted';
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}
