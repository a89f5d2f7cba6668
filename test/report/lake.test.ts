import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quotedString } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportRefused, exportToLake } from '../../src/store/export.js';
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
});
