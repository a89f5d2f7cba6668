/**
 * The store as the commands see it: the one default path (the library's DEFAULT_DB_PATH) and
 * `withStore`, which opens it, runs a command's work and maps the snapshot area's errors to the
 * CLI's exit codes. Opening is the library's openStore everywhere: a locked or missing file is
 * its InputError, exit 2.
 */
import { DEFAULT_DB_PATH } from '../store/open.js';
import { CheckFailed, UsageError } from './exit.js';

/** `--db`'s default in every command. */
export const DEFAULT_DB = DEFAULT_DB_PATH;

/**
 * Whether the process ends with the command (the `planledger` executable, not a test calling
 * main): a read-only store is then left to the process's end instead of being closed. Closing
 * frees every buffer and joins DuckDB's threads, work the process's exit does anyway; a
 * read-only store has nothing to write back. main() exits once the output is written
 * (docs/snapshots.md, "The balance command").
 */
let endsWithProcess = false;
let leftOpen = 0;

export function leaveReadOnlyStoresToExit(): void {
  endsWithProcess = true;
}

/** Read-only stores left open for the process's exit. */
export function readOnlyStoresLeftOpen(): number {
  return leftOpen;
}

interface StoreHandle {
  connection: import('@duckdb/node-api').DuckDBConnection;
}

/**
 * Open the store, run `fn`, close. Store and snapshot errors become the CLI's exit codes: a
 * locked or missing file and an ambiguous question are usage errors (2); stale snapshots and
 * an unknown participant are failed checks (1), with the message saying what to do.
 */
export async function withStore<T>(
  db: string,
  readOnly: boolean,
  fn: (s: StoreHandle) => Promise<T>,
  lake?: string,
  /** DuckDB threads (default: the store's setting). */
  threads?: number,
): Promise<T> {
  const { openStore } = await import('../store/open.js');
  const { SnapshotsStale } = await import('../snapshots/state.js');
  const { AmbiguousQuery, UnknownParticipant } = await import('../snapshots/resolve.js');
  const { VerifyUnavailable } = await import('../snapshots/verify.js');
  // A locked or missing file is the library's InputError: exit 2 (main.ts).
  const store =
    lake !== undefined
      ? await (await import('../store/lake.js')).openQueryStore({ lake })
      : await openStore({ path: db, readOnly, threads });
  try {
    return await fn(store);
  } catch (err) {
    if (err instanceof AmbiguousQuery) throw new UsageError(err.message);
    if (
      err instanceof SnapshotsStale ||
      err instanceof UnknownParticipant ||
      err instanceof VerifyUnavailable
    ) {
      throw new CheckFailed(err.message);
    }
    throw err;
  } finally {
    if (readOnly && endsWithProcess) leftOpen++;
    else store.close();
  }
}
