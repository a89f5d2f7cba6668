/**
 * DuckDB's `memory_limit` for one step of a command (docs/store.md, "Settings"): the user's
 * overrides from the environment, running a step at a limit of its own, and trying a step again
 * at a higher limit after DuckDB ran out of memory. Loads no DuckDB until a connection is used
 * (`simulate` without a store never loads it).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { outOfMemoryOf } from '../errors/index.js';

/**
 * DuckDB memory_limit of the commands that scan the store with a small working set: `main`'s
 * follow-on steps, the commands `dq`, `report`, `ndt` and `drift`, `compare`'s tests, and
 * `export`, whose sorts are one partition each (src/store/export.ts). A fresh process reads each block once, so
 * a larger buffer pool holds blocks that are not read again: with the store's default 1GB the
 * data-quality rules took `npm start` to 1.2 GB of RSS at 10,000 employees (docs/simulate.md,
 * "Threads and memory"), and `ndt` peaked at 1.14 GB at 100,000 against 634–653 MB at this
 * limit, in less time (docs/ndt.md).
 */
export const SCAN_MEMORY_LIMIT = '384MB';

/** The limit of a scanning command: `PLANLEDGER_MEMORY_LIMIT`, else SCAN_MEMORY_LIMIT. */
export function scanMemoryLimit(): string {
  return userMemoryLimit() ?? SCAN_MEMORY_LIMIT;
}

/** The user's DuckDB limit for every command (`PLANLEDGER_MEMORY_LIMIT`), if set. */
export function userMemoryLimit(): string | undefined {
  return process.env.PLANLEDGER_MEMORY_LIMIT || undefined;
}

/** The user's DuckDB limit for the snapshot build and the balance index (`PLANLEDGER_BUILD_MEMORY_LIMIT`), if set. */
export function userBuildMemoryLimit(): string | undefined {
  return process.env.PLANLEDGER_BUILD_MEMORY_LIMIT || undefined;
}

/**
 * The limit each connection runs at, as it was written: DuckDB reads it back rounded down to
 * 0.1 MiB ('256MB' reads '244.1 MiB', which sets 244.0 MiB), so a limit restored from what it
 * reads would shrink a little at every step.
 */
const givenLimits = new WeakMap<DuckDBConnection, string>();

/** The store's connections start at the limit they were opened with (store/open.ts). */
export function rememberMemoryLimit(conn: DuckDBConnection, limit: string): void {
  givenLimits.set(conn, limit);
}

/**
 * Run `fn` with DuckDB's `memory_limit` at `limit`, then restore the connection's own; with no
 * `limit`, run it at the connection's.
 */
export async function withMemoryLimit<T>(
  conn: DuckDBConnection,
  limit: string | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  if (limit === undefined) return fn();
  const { quotedString } = await import('@duckdb/node-api');
  let before = givenLimits.get(conn);
  if (before === undefined) {
    const read = await conn.runAndReadAll("SELECT current_setting('memory_limit')");
    before = String(read.getRows()[0][0]);
  }
  await conn.run(`SET memory_limit = ${quotedString(limit)}`);
  givenLimits.set(conn, limit);
  try {
    return await fn();
  } finally {
    await conn.run(`SET memory_limit = ${quotedString(before)}`);
    givenLimits.set(conn, before);
  }
}

/** `first`, then `fallback` once (when it differs): the limits a step is tried at, in turn. */
export function thenFallback(first: string, fallback: string): string[] {
  return first === fallback ? [first] : [first, fallback];
}

/**
 * Run `step` at each limit in turn until it completes: the next limit only after DuckDB's
 * out-of-memory error (`outOfMemoryOf`), which `onRetry` is told of with its first line; any
 * other error, or one at the last limit, is thrown. The step must leave nothing behind when it
 * fails (one transaction, or files it removes).
 */
export async function atEachMemoryLimit<L, T>(
  limits: readonly L[],
  step: (limit: L) => Promise<T>,
  onRetry: (limit: L, next: L, message: string) => void,
): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await step(limits[i]);
    } catch (err) {
      if (i + 1 >= limits.length || outOfMemoryOf(err) === null) throw err;
      onRetry(limits[i], limits[i + 1], (err as Error).message.split('\n')[0]);
    }
  }
}
