/**
 * The fact columns of fct_yearly_events (src/store/fact-columns.ts, docs/store.md "Fact columns"):
 * a store written before them gains them, filled from each event's payload, when it is opened to
 * write — once, in one transaction, with the rows a store written with them has.
 */
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { ingestFiles } from '../../src/ingest/ingest.js';
import { EVENT_BASE_COLUMNS, EVENTS_STORED, migrateFactColumns } from '../../src/store/ddl.js';
import { FACT_COLUMNS } from '../../src/store/fact-columns.js';
import { openStore } from '../../src/store/open.js';
import { canonicalLines } from '../schema/canonical-corpus.js';
import { tempDir, writeLines } from './helpers.js';

const ALL_ROWS = 'SELECT * FROM fct_yearly_events ORDER BY seq';

async function rowsOf(path: string): Promise<{ columns: string[]; rows: string }> {
  const s = await openStore({ path, threads: 1 });
  try {
    const r = await s.connection.runAndReadAll(ALL_ROWS);
    return { columns: r.columnNames(), rows: JSON.stringify(r.getRows(), (_k, v) => String(v)) };
  } finally {
    s.close();
  }
}

/**
 * The store's file as an older planledger left it: a table fct_yearly_events without the fact
 * columns (and so from before the stored table and its view: `payload` a stored text column).
 */
async function dropFactColumns(path: string): Promise<void> {
  const instance = await DuckDBInstance.create(path);
  const c = await instance.connect();
  const cols = EVENT_BASE_COLUMNS.map((n) => (n === 'payload' ? 'payload_text AS payload' : n));
  await c.run(`CREATE TABLE older_events AS SELECT ${cols.join(', ')} FROM ${EVENTS_STORED} ORDER BY seq`);
  await c.run('DROP VIEW fct_yearly_events');
  await c.run(`DROP TABLE ${EVENTS_STORED}`);
  await c.run('ALTER TABLE older_events RENAME TO fct_yearly_events');
  c.closeSync();
  instance.closeSync();
}

describe('fact columns', () => {
  it('are added to an older store and filled from the payloads, as a new store writes them; once', async () => {
    const dir = tempDir();
    const path = join(dir, 'store.duckdb');
    const store = await openStore({ path, threads: 1 });
    const file = writeLines(join(dir, 'events.ndjson'), canonicalLines(150));
    await ingestFiles(store, [file], { workers: 0 });
    store.close();
    const written = await rowsOf(path);
    expect(written.columns.slice(-FACT_COLUMNS.length)).toEqual(FACT_COLUMNS.map((c) => c.name));

    await dropFactColumns(path);
    const migrated = await rowsOf(path);
    expect(migrated).toEqual(written);

    const again = await openStore({ path, threads: 1 });
    try {
      expect(await migrateFactColumns(again.connection)).toBe(0);
      const filled = await again.connection.runAndReadAll(
        `SELECT count(payload_is_hce), count(payload_eligible), count(payload_eligibility_date),
           count(payload_new_compensation) FROM fct_yearly_events`,
      );
      for (const n of filled.getRows()[0]) expect(Number(n)).toBeGreaterThan(0);
    } finally {
      again.close();
    }
  });

  it('leave an older store as it was when the migration fails', async () => {
    const dir = tempDir();
    const path = join(dir, 'store.duckdb');
    const store = await openStore({ path, threads: 1 });
    await ingestFiles(store, [writeLines(join(dir, 'e.ndjson'), canonicalLines(40))], { workers: 0 });
    store.close();
    await dropFactColumns(path);
    // A payload whose fact cannot be cast (a store damaged by hand) stops the migration.
    const instance = await DuckDBInstance.create(path);
    const c = await instance.connect();
    await c.run(
      `UPDATE fct_yearly_events SET payload = replace(payload, '"is_hce":', '"is_hce":"maybe","x":')
       WHERE event_type = 'hce_status'`,
    );
    const before = JSON.stringify((await c.runAndReadAll(ALL_ROWS)).getRows(), (_k, v) => String(v));
    await expect(migrateFactColumns(c)).rejects.toThrow();
    const after = await c.runAndReadAll(ALL_ROWS);
    expect(after.columnNames()).not.toContain('payload_is_hce');
    expect(JSON.stringify(after.getRows(), (_k, v) => String(v))).toBe(before);
    c.closeSync();
    instance.closeSync();
  });
});
