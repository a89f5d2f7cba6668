/**
 * The SQL path's proof (src/schema/canonical-sql.ts) is sound: every line DuckDB proves is one
 * the JavaScript validator accepts AND whose canonical text is the line itself; and it is
 * useful: the canonical lines of every kind are proven. Real DuckDB, in memory.
 */
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EVENT_TYPES,
  exampleEvent,
  mixedCorpus,
  serializeEvent,
  validateLine,
} from '../../src/schema/index.js';
import { CREATE_LINES_SQL, LINES_TABLE, PROVEN_LINES_SQL } from '../../src/store/ingest-sql.js';

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

const canonical = (e: Record<string, unknown>): string => {
  const v = validateLine(JSON.stringify(e), '', 0);
  if (!v.ok) throw new Error('example is not valid');
  return serializeEvent(v.event as never);
};

describe('canonical lines in SQL', () => {
  it('proves the canonical line of every kind, and of a mixed corpus', async () => {
    const lines = [...EVENT_TYPES.map((k) => canonical(exampleEvent(k))), ...mixedCorpus(300).map(canonical)];
    const ok = await proven(lines);
    expect(ok.size).toBe(lines.length);
    expectSound(lines, ok);
  });

  it('does not prove valid but non-canonical spellings, nor invalid lines', async () => {
    const base = canonical(exampleEvent('contribution'));
    const e = JSON.parse(base) as Record<string, unknown> & { payload: Record<string, unknown> };
    const variants: string[] = [
      base.replace(/"event_id":"[^"]+"/, '"event_id":"ABCDEF00-0000-4000-8000-000000000000"'),
      base.replace(/"amount":"([^"]+)"/, '"amount":"0$1"'),
      base.replace(/"amount":"([^"]+)"/, '"amount":"$1.0"'),
      base.replace(/"amount":"([^"]+)"/, '"amount":$1'),
      base.replace(/"effective_date":"(\d{4})/, '"effective_date":"1$1'),
      base.replace(/"created_at":"([^"]+)Z"/, '"created_at":"$1+00:00"'),
      base.replace(/"employee_id":"/, '"employee_id":" '),
      base.replace(/"employee_id":"/, '"employee_id":"\u007f'),
      base.replace(/"employee_id":"/, '"employee_id":"\\u0041'),
      base.replace(/"irs_limit_applied":false/, '"irs_limit_applied":"false"'),
      base.replace(/,"inferred_value":false/, ''),
      base.replace(/\{"event_id"/, '{"extra":1,"event_id"'),
      base.replace(/\{"event_id":"[^"]+",/, (m) => `${m}${m.slice(1)}`),
      base.replace(/,"correlation_id":null/, ''),
      `${base} `,
      ` ${base}`,
      `${base}\r`,
      `\ufeff${base}`,
      base.replace(':', ': '),
      JSON.stringify({ ...e, payload: { ...e.payload, ytd_amount: '0.01', amount: '5' } }),
      canonical(exampleEvent('enrollment')).replace(
        /"pre_tax_contribution_rate":"[^"]+","roth_contribution_rate":"[^"]+"/,
        '"pre_tax_contribution_rate":"0.6","roth_contribution_rate":"0.5"',
      ),
      canonical(exampleEvent('promotion')).replace(/("payload":.*"effective_date":")\d{4}/, '$11999'),
      canonical(exampleEvent('merit')).replace(/"merit_percentage":"[^"]+"/, '"merit_percentage":"1.0"'),
      canonical(exampleEvent('hire')).replace(/"job_level":\d+/, '"job_level":1e0'),
      canonical(exampleEvent('hire')).replace(/"job_level":\d+/, '"job_level":11'),
      '{}',
      '[]',
      'null',
      '{"event_id":',
    ];
    const ok = await proven(variants);
    expectSound(variants, ok);
    expect([...ok]).toEqual([]);
  });

  it('proves nothing that JavaScript would reject or store differently (random edits)', async () => {
    const bases = [...EVENT_TYPES.map((k) => canonical(exampleEvent(k))), ...mixedCorpus(40).map(canonical)];
    const pieces = [
      '"',
      '\\',
      ' ',
      '0',
      '1',
      '9',
      'A',
      'a',
      'e',
      '.',
      '-',
      '+',
      ',',
      ':',
      '{',
      '}',
      'null',
      'é',
      '\u007f',
      '\t',
    ];
    const edit = fc
      .record({
        base: fc.integer({ min: 0, max: bases.length - 1 }),
        at: fc.nat(),
        del: fc.integer({ min: 0, max: 3 }),
        ins: fc.array(fc.constantFrom(...pieces), { maxLength: 2 }),
      })
      .map(({ base, at, del, ins }) => {
        const s = bases[base];
        const i = at % (s.length + 1);
        return s.slice(0, i) + ins.join('') + s.slice(i + del);
      });
    const lines = fc.sample(edit, { numRuns: 4000, seed: 20261126 });
    const ok = await proven(lines);
    expectSound(lines, ok);
  });
});
