/**
 * One transaction around a piece of work: BEGIN, the work, COMMIT; on any error ROLLBACK (its
 * own failure ignored: the first error is the one to report) and the error again. Every writer
 * whose rows must land together uses it (docs/store.md, "Crash safety").
 */
import type { DuckDBConnection } from '@duckdb/node-api';

export async function inTransaction<T>(
  conn: DuckDBConnection,
  work: () => Promise<T>,
  /** Run after the work, just before COMMIT (fault injection's commit points). */
  beforeCommit?: () => Promise<void> | undefined,
): Promise<T> {
  await conn.run('BEGIN TRANSACTION');
  try {
    const r = await work();
    if (beforeCommit) await beforeCommit();
    await conn.run('COMMIT');
    return r;
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
