/** Record a golden report into the store's `golden_runs` table (one row per case). */
import { randomUUID } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { inTransaction } from '../../store/transaction.js';
import { GOLDEN_DDL } from './ddl.js';
import type { GoldenReport } from './run.js';

export async function recordGoldenRun(
  conn: DuckDBConnection,
  report: GoldenReport,
  runAt: Date = new Date(),
): Promise<string> {
  for (const ddl of GOLDEN_DDL) await conn.run(ddl);
  const runId = randomUUID();
  const at = runAt.toISOString().replace('T', ' ').replace('Z', '');
  await inTransaction(conn, async () => {
    for (const c of report.cases) {
      const matched = c.error === undefined && c.rows_matched === c.rows_checked;
      const details =
        c.error === undefined ? c.discrepancies : { error: c.error, discrepancies: c.discrepancies };
      await conn.run(
        `INSERT INTO golden_runs VALUES ($1, CAST($2 AS TIMESTAMP), $3, $4, $5, CAST($6 AS DECIMAL(18,6)), $7, CAST($8 AS JSON))`,
        [runId, at, c.name, c.rows_checked, c.rows_matched, c.max_variance, matched, JSON.stringify(details)],
      );
    }
  });
  return runId;
}
