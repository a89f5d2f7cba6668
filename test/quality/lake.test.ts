/** The rules over a Parquet lake (views), and `dq --lake` recording into the --db given. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { runDataQuality } from '../../src/quality/run.js';
import { exportToLake } from '../../src/store/export.js';
import { openLake } from '../../src/store/lake.js';
import { runCli } from '../support/cli.js';
import { cleanStore } from './fixture.js';

describe('data quality over a lake', () => {
  it('passes on the exported clean store and catches a fault exported with it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pl-dq-lake-'));
    const clean = await cleanStore();
    await exportToLake(clean.conn, join(dir, 'clean'));
    clean.close();
    const faulty = await cleanStore();
    await faulty.conn.run(
      "UPDATE fct_yearly_events_stored SET created_at = TIMESTAMP '2099-01-01' WHERE seq = 7",
    );
    await exportToLake(faulty.conn, join(dir, 'faulty'));
    faulty.close();

    const lake = await openLake(join(dir, 'clean'));
    try {
      const report = await runDataQuality(lake, { record: false });
      expect(report.results.filter((r) => r.status !== 'pass')).toEqual([]);
      expect(report.results.find((r) => r.rule_id === 'ytd_not_running_sum')?.rows_checked).toBe(185);
    } finally {
      lake.close();
    }

    const db = join(dir, 'results.duckdb');
    const r = runCli(['dq', '--lake', join(dir, 'faulty'), '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^created_at_in_future +error +FAIL +1 +203/m);
    const inst = await DuckDBInstance.create(db);
    const conn = await inst.connect();
    const runs = (await conn.runAndReadAll('SELECT status, errors_failed FROM dq_runs')).getRowObjectsJson();
    conn.closeSync();
    inst.closeSync();
    expect(runs).toEqual([{ status: 'failed', errors_failed: 1 }]);
  });
});
