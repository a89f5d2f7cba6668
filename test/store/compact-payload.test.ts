/**
 * The compact contribution payload (src/store/compact-payload.ts): every event written through
 * the writer's row batches reads back, through the view's `payload` column, as the canonical
 * text of its payload, whether the contribution was stored compact or as text. A store written
 * before the compact form is migrated on open, its rows and payloads unchanged. Real DuckDB.
 */
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../src/schema/contract.js';
import { exampleEvent } from '../../src/schema/examples.js';
import { validateEvent } from '../../src/schema/index.js';
import {
  COMPACT_COLUMNS,
  COMPACT_TYPED_COLUMNS,
  DEFAULT_PAYROLL_PREFIX,
  isCompactContribution,
  PAYLOAD_SQL,
  storedContributionFieldSql,
} from '../../src/store/compact-payload.js';
import type { CanonicalEvent } from '../../src/store/contract-adapter.js';
import { EVENT_BASE_COLUMNS, EVENTS_STORED } from '../../src/store/ddl.js';
import { FACT_COLUMN_DDL, factsSql } from '../../src/store/fact-columns.js';
import { openStore, type Store } from '../../src/store/open.js';
import { RowBatchBuilder } from '../../src/store/row-batch.js';
import { validEvent } from '../schema/arbitraries.js';
import { commitBatch, tempDir } from './helpers.js';

let store: Store;
beforeAll(async () => {
  store = await openStore({ path: ':memory:', threads: 1 });
});
afterAll(() => store.close());

function canonical(ev: Record<string, unknown>): CanonicalEvent {
  const r = validateEvent(ev);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.event as CanonicalEvent;
}

/** The canonical event, with the payroll id the engine gives a pay date when `asEngine`. */
function withDefaultPayrollId([ev, asEngine]: [Record<string, unknown>, boolean]): CanonicalEvent {
  const e = canonical(ev);
  const p = e.payload as Record<string, unknown>;
  if (asEngine) p.payroll_id = `${DEFAULT_PAYROLL_PREFIX}${p.pay_period_end}`;
  return e;
}

/** Writes `events` as the only rows, through row batches and the writer; reads them back in order. */
async function roundTrip(events: CanonicalEvent[]): Promise<{ payload: string; compact: boolean }[]> {
  await store.connection.run(`DELETE FROM ${EVENTS_STORED}`);
  const b = new RowBatchBuilder(16, undefined, undefined, true);
  for (const e of events) b.add(e);
  await commitBatch(store, b.finish(), events.length);
  const rows = (
    await store.connection.runAndReadAll(
      `SELECT v.payload, s.payload_text IS NULL FROM fct_yearly_events v JOIN ${EVENTS_STORED} s USING (seq) ORDER BY seq`,
    )
  ).getRows();
  return rows.map(([payload, compact]) => ({ payload: payload as string, compact: compact as boolean }));
}

describe('the compact contribution payload', () => {
  it('reads back the canonical payload of random contributions, compact or as text, and each typed field', async () => {
    let compactSeen = 0;
    let textSeen = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.tuple(validEvent('contribution'), fc.boolean()).map(withDefaultPayrollId), {
          minLength: 1,
          maxLength: 40,
          selector: (e) => e.event_id.toLowerCase(),
        }),
        async (events) => {
          const back = await roundTrip(events);
          expect(back).toHaveLength(events.length);
          // Each typed field read from the stored table, compact or text, is the payload's.
          const fields = (
            await store.connection.runAndReadAll(
              `SELECT ${COMPACT_TYPED_COLUMNS.map((c) => `CAST(${storedContributionFieldSql(c.key)} AS VARCHAR)`).join(', ')}
                 FROM ${EVENTS_STORED} ORDER BY seq`,
            )
          ).getRows();
          fields.forEach((row, i) => {
            const p = events[i].payload as Record<string, unknown>;
            expect(row).toEqual(COMPACT_TYPED_COLUMNS.map((c) => String(p[c.key])));
          });
          back.forEach((r, i) => {
            const p = events[i].payload as Record<string, unknown>;
            expect(r.payload).toBe(JSON.stringify(p));
            expect(r.compact).toBe(isCompactContribution(p));
            if (r.compact) compactSeen++;
            else textSeen++;
          });
        },
      ),
      { numRuns: 60, seed: 20261207 },
    );
    // Both forms were exercised: ids with quotes, backslashes or control characters, and dates
    // before the year 1000, are kept as text.
    expect(compactSeen).toBeGreaterThan(0);
    expect(textSeen).toBeGreaterThan(0);
  });

  it('keeps the text of every other kind, and of a contribution whose ids JSON escapes', async () => {
    const events = EVENT_TYPES.map((k, i) => canonical(exampleEvent(k, i)));
    const quoted = canonical(exampleEvent('contribution', 99));
    (quoted.payload as Record<string, unknown>).payroll_id = 'PR "7" \\ x';
    const old = canonical(exampleEvent('contribution', 98));
    (old.payload as Record<string, unknown>).pay_period_end = '0999-12-31';
    const back = await roundTrip([...events, quoted, old]);
    [...events, quoted, old].forEach((e, i) => {
      expect(back[i].payload).toBe(JSON.stringify(e.payload));
      expect(back[i].compact).toBe(e === events[EVENT_TYPES.indexOf('contribution')]);
    });
  });

  it('is written by the writer for a contribution, with its fields in the typed columns', async () => {
    const e = canonical(exampleEvent('contribution', 3));
    await roundTrip([e]);
    const cols = ['plan_id', 'source', 'amount', 'ytd_amount', ...COMPACT_COLUMNS.map((c) => c.name)];
    const [row] = (
      await store.connection.runAndReadAll(
        `SELECT ${cols.map((c) => `CAST(${c} AS VARCHAR)`).join(', ')} FROM ${EVENTS_STORED}`,
      )
    ).getRows();
    const p = e.payload as Record<string, unknown>;
    expect(row[0]).toBe(p.plan_id);
    expect(row[1]).toBe(p.source);
    expect(Number(row[2])).toBe(Number(p.amount));
    expect(Number(row[3])).toBe(Number(p.ytd_amount));
    COMPACT_COLUMNS.forEach((c, i) => {
      expect(row[4 + i]).toBe(String(p[c.key]));
    });
    // The engine's payroll id for a pay date is left to the view.
    const engine = canonical(exampleEvent('contribution', 4));
    const q = engine.payload as Record<string, unknown>;
    q.payroll_id = `${DEFAULT_PAYROLL_PREFIX}${q.pay_period_end}`;
    const [back] = await roundTrip([engine]);
    expect(back).toEqual({ payload: JSON.stringify(q), compact: true });
    const [[payroll]] = (
      await store.connection.runAndReadAll(`SELECT payload_payroll_id FROM ${EVENTS_STORED}`)
    ).getRows();
    expect(payroll).toBeNull();
  });
});

describe('a store written before the compact payload', () => {
  it('is migrated when opened for writing: same rows, same payloads, in the same order', async () => {
    const path = join(tempDir(), 'old.duckdb');
    const events = [
      ...EVENT_TYPES.map((k, i) => canonical(exampleEvent(k, i))),
      ...Array.from({ length: 20 }, (_, i) => canonical(exampleEvent('contribution', 10 + i))),
    ];
    // The layout before: `payload` a stored text column, the fact columns after it.
    const old = await DuckDBInstance.create(path);
    const c = await old.connect();
    const base = EVENT_BASE_COLUMNS.map((n) =>
      n === 'payload' ? 'payload VARCHAR NOT NULL' : `${n} ${OLD_TYPES[n] ?? 'VARCHAR'}`,
    );
    await c.run(`CREATE TABLE fct_yearly_events (${[...base, ...FACT_COLUMN_DDL].join(', ')})`);
    const values = events.map((e, i) => {
      const p = e.payload as Record<string, unknown>;
      const q = (v: unknown) =>
        v === undefined || v === null ? 'NULL' : `'${String(v).replaceAll("'", "''")}'`;
      return `(${100 - i}, '${e.event_id}', ${q(e.scenario_id)}, ${q(e.plan_design_id)}, ${q(e.employee_id)},
        DATE ${q(e.effective_date)}, ${Number(e.effective_date.slice(0, 4))}, TIMESTAMP ${q(e.created_at.replace('Z', ''))},
        ${q(e.source_system)}, ${q(e.correlation_id)}, ${q(p.event_type)}, ${q(p.plan_id)}, ${q(p.source ?? p.forfeited_from_source)},
        ${q(p.amount)}, ${q(p.ytd_amount)}, ${q(p.vested_percentage)}, ${q(JSON.stringify(p))})`;
    });
    await c.run(
      `INSERT INTO fct_yearly_events SELECT *, ${factsSql()} FROM (VALUES ${values.join(', ')}) r(${EVENT_BASE_COLUMNS.join(', ')})`,
    );
    c.closeSync();
    old.closeSync();

    const s = await openStore({ path, threads: 1 });
    try {
      const rows = (
        await s.connection.runAndReadAll(
          `SELECT seq, ${PAYLOAD_SQL}, payload_text IS NULL FROM ${EVENTS_STORED} ORDER BY rowid`,
        )
      ).getRows();
      expect(rows.map((r) => Number(r[0]))).toEqual(events.map((_, i) => 100 - i));
      expect(rows.map((r) => r[1])).toEqual(events.map((e) => JSON.stringify(e.payload)));
      expect(rows.every((r) => r[2] === false)).toBe(true);
      // The view reads the migrated rows; the stored table takes compact rows like a new one.
      const viewed = (
        await s.connection.runAndReadAll('SELECT seq, payload FROM fct_yearly_events ORDER BY seq DESC')
      ).getRows();
      expect(viewed.map((r) => r[1])).toEqual(events.map((e) => JSON.stringify(e.payload)));
      const more = canonical(exampleEvent('contribution', 77));
      const b = new RowBatchBuilder(4, undefined, undefined, true);
      b.add(more);
      await commitBatch(s, b.finish(), 1);
      const [[payload, compact]] = (
        await s.connection.runAndReadAll(
          `SELECT ${PAYLOAD_SQL}, payload_text IS NULL FROM ${EVENTS_STORED} WHERE event_id = '${more.event_id}'`,
        )
      ).getRows();
      expect(payload).toBe(JSON.stringify(more.payload));
      expect(compact).toBe(true);
    } finally {
      s.close();
    }
    // Opening it again migrates nothing.
    const again = await openStore({ path, threads: 1 });
    again.close();
  });
});

const OLD_TYPES: Record<string, string> = {
  seq: 'BIGINT NOT NULL',
  event_id: 'UUID NOT NULL',
  effective_date: 'DATE NOT NULL',
  simulation_year: 'INTEGER NOT NULL',
  created_at: 'TIMESTAMP NOT NULL',
  amount: 'DECIMAL(18,6)',
  ytd_amount: 'DECIMAL(18,6)',
  vested_percentage: 'DECIMAL(5,4)',
};
