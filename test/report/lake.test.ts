import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, quotedString } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotRowsInKeyOrder } from '../../src/snapshots/query.js';
import { insertEventsSql } from '../../src/store/ddl.js';
import { EXPORT_ROW_GROUP_ROWS, ExportRefused, exportToLake } from '../../src/store/export.js';
import { LAKE_TABLES, openLake, openQueryStore } from '../../src/store/lake.js';
import { buildFixtureStore } from './fixture.js';

let dir: string;
let db: string;

async function rows(
  conn: { runAndReadAll(sql: string): Promise<{ getRowObjectsJson(): unknown[] }> },
  sql: string,
) {
  return (await conn.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'planledger-lake-'));
  db = join(dir, 'store.duckdb');
  await buildFixtureStore(db);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('export to a Parquet lake', () => {
  it('writes Hive partitions with unique file names and reads back identical tables with the store types', async () => {
    const lakeDir = join(dir, 'lake');
    const store = await openQueryStore({ db });
    const result = await exportToLake(store.connection, lakeDir).finally(() => store.close());
    expect(result.tables.map((t) => [t.table, t.present])).toEqual(LAKE_TABLES.map((t) => [t.name, true]));

    expect(readdirSync(join(lakeDir, 'fct_yearly_events')).sort()).toEqual([
      '_columns.json',
      'scenario_id=baseline',
    ]);
    expect(readdirSync(join(lakeDir, 'fct_yearly_events', 'scenario_id=baseline')).sort()).toEqual([
      'year=2023',
      'year=2024',
      'year=2025',
    ]);
    const files = readdirSync(join(lakeDir, 'fct_yearly_events', 'scenario_id=baseline', 'year=2024'));
    expect(files.every((f) => /^part-[0-9a-f-]{36}\.parquet$/.test(f))).toBe(true);

    const lake = await openLake(lakeDir);
    try {
      await lake.connection.run(`ATTACH ${quotedString(db)} AS src (READ_ONLY)`);
      for (const t of LAKE_TABLES) {
        const types = (schema: string) =>
          rows(
            lake.connection,
            `SELECT column_name, data_type FROM information_schema.columns
             WHERE table_catalog = '${schema}' AND table_name = '${t.name}' ORDER BY ordinal_position`,
          );
        expect(await types('memory'), t.name).toEqual(await types('src'));
        const [diff] = await rows(
          lake.connection,
          `SELECT (SELECT count(*) FROM (FROM src.${t.name} EXCEPT ALL FROM memory.${t.name})) AS missing,
                  (SELECT count(*) FROM (FROM memory.${t.name} EXCEPT ALL FROM src.${t.name})) AS extra,
                  (SELECT count(*) FROM memory.${t.name}) AS n`,
        );
        expect(diff, t.name).toMatchObject({ missing: '0', extra: '0' });
        expect(Number(diff.n), t.name).toBeGreaterThan(0);
      }
    } finally {
      lake.close();
    }
  });

  it('looks snapshot rows up by key in the store, by participant and Friday in the lake (its files are not in key order)', async () => {
    const store = await openQueryStore({ db });
    const lake = await openQueryStore({ lake: join(dir, 'lake') });
    try {
      expect(await snapshotRowsInKeyOrder(store.connection)).toBe(true);
      expect(await snapshotRowsInKeyOrder(lake.connection)).toBe(false);
    } finally {
      lake.close();
      store.close();
    }
  });

  it('is readable with plain read_parquet(…, hive_partitioning = true)', async () => {
    const lake = await openLake(join(dir, 'lake'));
    try {
      const [r] = await rows(
        lake.connection,
        `SELECT count(*) AS n, count(DISTINCT year) AS years, any_value(typeof(amount)) AS amount_type
         FROM read_parquet('${join(dir, 'lake')}/fct_yearly_events/**/*.parquet', hive_partitioning = true)
         WHERE scenario_id = 'baseline'`,
      );
      expect(r).toMatchObject({ years: '3', amount_type: 'DECIMAL(18,6)' });
    } finally {
      lake.close();
    }
  });

  it('refuses to export the same rows twice, and an unknown scenario', async () => {
    const store = await openQueryStore({ db });
    try {
      await expect(exportToLake(store.connection, join(dir, 'lake'))).rejects.toThrow(ExportRefused);
      await expect(exportToLake(store.connection, join(dir, 'lake'))).rejects.toThrow(/already in the lake/);
      await expect(exportToLake(store.connection, join(dir, 'other'), { scenario: 'nope' })).rejects.toThrow(
        /scenario nope is not in the database/,
      );
    } finally {
      store.close();
    }
  });

  it('names a missing lake or database clearly', async () => {
    await expect(openLake(join(dir, 'absent'))).rejects.toThrow(/no such directory/);
    await expect(openQueryStore({ db: join(dir, 'absent.duckdb') })).rejects.toThrow(/no store at/);
  });

  it('writes each (scenario, year) in a sorted pass of its own: one file per partition, in participant order, row groups of at most EXPORT_ROW_GROUP_ROWS', async () => {
    // Two scenarios, and a third whose 2024 holds more rows than one row group: every baseline
    // event of 2024 repeated under new ids and sequence numbers.
    const bulkDb = join(dir, 'bulk.duckdb');
    await buildFixtureStore(bulkDb, { compare: true });
    const instance = await DuckDBInstance.create(bulkDb);
    const conn = await instance.connect();
    try {
      const [{ n }] = await rows(
        conn,
        "SELECT count(*) AS n FROM fct_yearly_events WHERE scenario_id = 'baseline' AND simulation_year = 2024",
      );
      const copies = Math.ceil((2.5 * EXPORT_ROW_GROUP_ROWS) / Number(n));
      await conn.run(`INSERT INTO scenarios SELECT 'bulk', first_year, last_year, plan_design_id, plan_design, seed,
        created_at, engine_version, ledger_version, status FROM scenarios WHERE scenario_id = 'baseline'`);
      await conn.run(
        insertEventsSql(`
        SELECT seq + 20000000 + r.range * 1000000, md5(CAST(event_id AS VARCHAR) || 'bulk' || r.range)::UUID, 'bulk',
          plan_design_id, employee_id, effective_date, simulation_year, created_at, source_system, correlation_id,
          event_type, plan_id, source, amount, ytd_amount, vested_percentage, payload
        FROM fct_yearly_events, range(${copies}) r WHERE scenario_id = 'baseline' AND simulation_year = 2024`),
      );
    } finally {
      conn.closeSync();
      instance.closeSync();
    }

    const lakeDir = join(dir, 'bulk-lake');
    const store = await openQueryStore({ db: bulkDb });
    await exportToLake(store.connection, lakeDir, { allowIncomplete: true }).finally(() => store.close());

    const lake = await openLake(lakeDir);
    try {
      const events = `${lakeDir}/fct_yearly_events/**/*.parquet`;
      const files = await rows(
        lake.connection,
        `SELECT regexp_extract(file_name, 'scenario_id=([^/]*)/year=([0-9]+)/', ['s', 'y']) AS part,
                count(*) AS row_groups, max(num_rows) AS largest, sum(num_rows) AS n
         FROM (SELECT DISTINCT file_name, row_group_id, row_group_num_rows AS num_rows FROM parquet_metadata('${events}'))
         GROUP BY file_name ORDER BY file_name`,
      );
      const parts = files.map((f) => JSON.stringify(f.part));
      expect(new Set(parts).size, 'one file per partition').toBe(parts.length);
      expect(parts.length).toBe(7); // baseline and richer: 2023-2025; bulk: 2024
      for (const f of files) expect(Number(f.largest)).toBeLessThanOrEqual(EXPORT_ROW_GROUP_ROWS);
      const bulk2024 = files.find((f) => JSON.stringify(f.part) === JSON.stringify({ s: 'bulk', y: '2024' }));
      expect(Number(bulk2024?.row_groups)).toBeGreaterThan(2);

      // In each file, rows follow (employee_id, effective_date, seq).
      const [order] = await rows(
        lake.connection,
        `SELECT count(*) FILTER (WHERE pe IS NOT NULL AND (employee_id, effective_date, seq) < (pe, pd, ps)) AS out_of_order
         FROM (SELECT employee_id, effective_date, seq,
                 lag(employee_id) OVER w AS pe, lag(effective_date) OVER w AS pd, lag(seq) OVER w AS ps
               FROM read_parquet('${events}', filename = true, file_row_number = true)
               WINDOW w AS (PARTITION BY filename ORDER BY file_row_number))`,
      );
      expect(order.out_of_order).toBe('0');

      await lake.connection.run(`ATTACH ${quotedString(bulkDb)} AS src (READ_ONLY)`);
      for (const t of ['fct_yearly_events', 'fct_participant_balance_snapshots']) {
        const [diff] = await rows(
          lake.connection,
          `SELECT (SELECT count(*) FROM (FROM src.${t} EXCEPT ALL FROM memory.${t})) AS missing,
                  (SELECT count(*) FROM (FROM memory.${t} EXCEPT ALL FROM src.${t})) AS extra`,
        );
        expect(diff, t).toEqual({ missing: '0', extra: '0' });
      }
    } finally {
      lake.close();
    }
  });
});
