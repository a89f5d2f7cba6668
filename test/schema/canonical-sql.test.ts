/**
 * The SQL path's proof (src/schema/canonical-sql.ts) is sound: every line DuckDB proves is one
 * the JavaScript validator accepts AND whose canonical text is the line itself; and it is
 * useful: the canonical lines of every kind are proven. Real DuckDB, in memory.
 */
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREATE_LINES_SQL, LINES_TABLE, PROVEN_LINES_SQL } from '../../src/ingest/sql.js';
import { serializeEvent, validateLine } from '../../src/schema/index.js';
import { canonicalLines, notCanonicalLines, randomEdits } from './canonical-corpus.js';

let instance: DuckDBInstance;
let conn: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  conn = await instance.connect();
});
afterAll(() => {
  conn.closeSync();
  instance.closeSync();
});

/** The subset of `lines` DuckDB proves canonical and valid. */
async function proven(lines: string[]): Promise<Set<number>> {
  await conn.run(CREATE_LINES_SQL);
  const a = await conn.createAppender(LINES_TABLE, 'main', 'temp');
  lines.forEach((l, i) => {
    a.appendBigInt(BigInt(i));
    a.appendVarchar(l);
    a.endRow();
  });
  a.flushSync();
  a.closeSync();
  const rows = (await conn.runAndReadAll(PROVEN_LINES_SQL)).getRows();
  return new Set(rows.map(([n]) => Number(n)));
}

/** Proven ⇒ valid and already canonical. */
function expectSound(lines: string[], ok: Set<number>): void {
  for (const i of ok) {
    const v = validateLine(lines[i], '', 0);
    expect(v.ok, lines[i]).toBe(true);
    if (v.ok) expect(serializeEvent(v.event as never), lines[i]).toBe(lines[i]);
  }
}

describe('canonical lines in SQL', () => {
  it('proves the canonical line of every kind, and of a mixed corpus', async () => {
    const lines = canonicalLines(300);
    const ok = await proven(lines);
    expect(ok.size).toBe(lines.length);
    expectSound(lines, ok);
  });

  it('does not prove valid but non-canonical spellings, nor invalid lines', async () => {
    const variants = notCanonicalLines();
    const ok = await proven(variants);
    expectSound(variants, ok);
    expect([...ok]).toEqual([]);
  });

  it('proves nothing that JavaScript would reject or store differently (random edits)', async () => {
    const lines = randomEdits(4000);
    const ok = await proven(lines);
    expectSound(lines, ok);
  });
});
