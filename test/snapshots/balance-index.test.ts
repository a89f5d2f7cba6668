/**
 * The balance index (src/snapshots/balance-index.ts; docs/snapshots.md, "The balance index"):
 * whenever it answers, its answer is the store's read-only lookup's, field for field, on random
 * streams and dates; it answers the common dates; it is not used once the store file changes, nor
 * for a question it cannot settle (another scenario, an employee it does not hold, two plans).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromDay, toDay } from '../../src/schema/dates.js';
import {
  balanceFromIndex,
  balanceIndexDir,
  decodeBlock,
  hasBalanceIndex,
  stateAsOf,
  weekEvents,
} from '../../src/snapshots/balance-index.js';
import {
  sealBalanceIndex,
  tryWriteBalanceIndex,
  writeBalanceIndex,
} from '../../src/snapshots/balance-index-write.js';
import { balanceFromEvents, balanceFromSnapshots } from '../../src/snapshots/query.js';
import { openStore } from '../../src/store/open.js';
import {
  dayArb,
  eventArb,
  figures,
  fileStores,
  insertEvents,
  participantsOf,
  type TestEvent,
} from './fixtures.js';

const stores = fileStores('snap-index-');
/** A file store with `events`, its snapshots and its sealed balance index. */
async function indexedStore(events: TestEvent[], more?: (conn: DuckDBConnection) => Promise<void>) {
  let written: Awaited<ReturnType<typeof writeBalanceIndex>> = null;
  const path = await stores.built(events, {
    before: more,
    after: async (conn, at) => {
      written = await writeBalanceIndex(conn, at);
    },
  });
  return { path, written, sealed: sealBalanceIndex(path) };
}

/** For every participant and date: the index's answer (or null) and the store's two. */
async function compare(path: string, dates: string[]) {
  const store = await openStore({ path, readOnly: true });
  try {
    const out = [];
    for (const p of await participantsOf(store.connection))
      for (const d of dates)
        out.push({
          p,
          d,
          viaIndex: balanceFromIndex(path, { employee_id: p.employee_id, as_of: d, plan: p.plan_id }),
          viaSnapshot: await balanceFromSnapshots(store.connection, p, d),
          viaEvents: await balanceFromEvents(store.connection, p, d),
        });
    return out;
  } finally {
    store.close();
  }
}

/** An event of participant E1 in plan P. */
const e1 = (
  effective_date: string,
  event_type: string,
  source: string | null,
  amount: bigint | null,
  vested_percentage: bigint | null = null,
): TestEvent => ({
  employee_id: 'E1',
  plan_id: 'P',
  effective_date,
  event_type,
  source,
  amount,
  vested_percentage,
});

const fixed: TestEvent[] = [
  e1('2024-03-13', 'contribution', 'employee_pre_tax', 100_000_000n), // a Wednesday
  e1('2024-03-27', 'contribution', 'employer_match', 50_001_234n), // not whole cents: micro-units
  e1('2024-03-27', 'vesting', null, null, 400_000n),
  // two ledger dates in the week to Friday 2024-04-05
  e1('2024-04-02', 'contribution', 'employee_pre_tax', 10_000_000n),
  e1('2024-04-04', 'contribution', 'employee_pre_tax', 20_000_000n),
  e1('2024-04-19', 'contribution', 'employee_pre_tax', 1_000_000n),
];

describe('the balance index', () => {
  it('answers as the store does, field for field, for random streams and dates', async () => {
    let answered = 0;
    let asked = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArb, { minLength: 1, maxLength: 40 }),
        fc.array(dayArb, { minLength: 1, maxLength: 6 }),
        async (events, dates) => {
          const { path, sealed } = await indexedStore(events);
          for (const { viaIndex, viaSnapshot, viaEvents } of await compare(path, dates)) {
            expect(figures(viaSnapshot)).toEqual(figures(viaEvents));
            asked++;
            if (viaIndex === null) continue;
            expect(sealed).toBe(true);
            answered++;
            expect(viaIndex).toEqual(viaSnapshot);
          }
        },
      ),
      { numRuns: 15 },
    );
    // Each participant with its plan, on any date: the index answers every question.
    expect(answered).toBe(asked);
  });

  it('answers each kind of date of a fixed ledger, including a date between two ledger dates of a week', async () => {
    const { path, written, sealed } = await indexedStore(fixed);
    expect(sealed).toBe(true);
    expect(written).toMatchObject({ scenario_id: 'S1', participants: 1 });
    const dates = [
      '2024-01-02', // before the first plan event: zero, from events
      '2024-03-14', // in the week of the first plan event
      '2024-03-15', // its Friday
      '2024-03-26', // before the next pay day
      '2024-03-28', // after it (the next Friday's figures)
      '2024-04-03', // between 04-02 and 04-04: the week's events folded
      '2024-04-04',
      '2024-04-12',
    ];
    const out = await compare(path, dates);
    const byDate = Object.fromEntries(out.map((o) => [o.d, o]));
    for (const o of out) {
      expect(o.viaIndex).toEqual(o.viaSnapshot);
    }
    expect(byDate['2024-01-02'].viaIndex).toMatchObject({
      path: 'events',
      snapshot_date: null,
      vested_balance: '0',
    });
    expect(byDate['2024-03-14'].viaIndex?.balances.employee_pre_tax).toBe('100');
    expect(byDate['2024-03-28'].viaIndex).toMatchObject({ path: 'snapshot', snapshot_date: '2024-03-22' });
    expect(byDate['2024-03-28'].viaIndex?.balances.employer_match).toBe('50.001234');
    expect(byDate['2024-04-12'].viaIndex?.balances.employee_pre_tax).toBe('130');
    // After the last Friday built (2024-04-19), with no ledger event after it: that Friday's.
    expect(balanceFromIndex(path, { employee_id: 'E1', as_of: '2024-04-20' })).toMatchObject({
      path: 'snapshot',
      snapshot_date: '2024-04-19',
    });
    expect(
      balanceFromIndex(path, { employee_id: 'E1', as_of: '2024-04-19' })?.balances.employee_pre_tax,
    ).toBe('131');
  });

  it('is not used once the store file changes, and is used again after a read-only open', async () => {
    const { path } = await indexedStore(fixed);
    const q = { employee_id: 'E1', as_of: '2024-03-28' };
    const reader = await openStore({ path, readOnly: true });
    reader.close();
    expect(balanceFromIndex(path, q)).not.toBeNull();
    const store = await openStore({ path });
    try {
      await insertEvents(store.connection, [
        { ...fixed[0], effective_date: '2024-03-20', amount: 7_000_000n },
      ]);
    } finally {
      store.close();
    }
    expect(hasBalanceIndex(path)).toBe(true);
    expect(balanceFromIndex(path, q)).toBeNull();
  });

  it('does not answer what the store must: another scenario, an unknown employee, two plans without --plan', async () => {
    const twoPlans = [...fixed, { ...fixed[0], plan_id: 'Q', effective_date: '2024-03-20' }];
    const { path } = await indexedStore(twoPlans);
    const q = { employee_id: 'E1', as_of: '2024-03-28' };
    expect(balanceFromIndex(path, q)).toBeNull();
    expect(balanceFromIndex(path, { ...q, plan: 'P' })?.plan_id).toBe('P');
    expect(balanceFromIndex(path, { ...q, plan: 'Q' })?.plan_id).toBe('Q');
    expect(balanceFromIndex(path, { ...q, plan: 'P', scenario: 'S2' })).toBeNull();
    expect(balanceFromIndex(path, { ...q, plan: 'P', scenario: 'S1' })).not.toBeNull();
    expect(balanceFromIndex(path, { ...q, employee_id: 'E9' })).toBeNull();
  });

  it('a failure to write it does not fail the writer: the partial index is removed, the log says so', async () => {
    await stores.built(fixed, {
      after: async (conn, path) => {
        const messages: string[] = [];
        // A path under a file: the index's folder cannot be made.
        const db = join(path, 'store.duckdb');
        // Not an out-of-memory error: not tried again at the second limit.
        expect(await tryWriteBalanceIndex(conn, db, (m) => messages.push(m), ['256MB', '512MB'])).toBeNull();
        expect(messages).toHaveLength(1);
        expect(messages[0]).toMatch(/balance index not written .*snapshots build --index/);
        expect(existsSync(balanceIndexDir(db))).toBe(false);
      },
    });
  });

  it('is not written for a store of two scenarios', async () => {
    const { path, written, sealed } = await indexedStore(fixed, (conn) =>
      insertEvents(conn, [{ ...fixed[0], scenario_id: 'S2' }]),
    );
    expect(written).toBeNull();
    expect(sealed).toBe(false);
    expect(existsSync(balanceIndexDir(path))).toBe(false);
  });
});

/** A rows.txt row line and its week line (lo and hi: days before the Friday). */
const line = (day: number, lo: string, hi: string, figs: Record<number, string>, vp = '') =>
  decodeBlock(
    `${lo === '' ? '' : `w${lo}:${hi}\n`}${[day, ...Array.from({ length: 9 }, (_, i) => figs[i] ?? ''), vp].join(':')}\n`,
    day,
  ).rows[0];

describe('the balance index rows', () => {
  it('decodes empty figures as zero, cents, and micro-units', () => {
    const row = line(toDay('2024-03-22'), '2', '2', { 0: '12345', 2: 'u1234567' }, '2500');
    expect(row.lo).toBe(toDay('2024-03-20'));
    expect(row.balances.employee_pre_tax).toBe(123_450_000n);
    expect(row.balances.employee_after_tax).toBe(1_234_567n);
    expect(row.vestedFraction).toBe(250_000n);
  });

  it('a date after the last Friday built, or between two ledger dates of a week, is not answered', () => {
    const f = toDay('2024-03-22');
    const rows = [line(f, '', '', { 0: '100' }), line(f + 7, '4', '1', { 0: '300' })];
    expect(stateAsOf(rows, f + 5, f + 7)).toBeNull(); // between f+3 and f+6
    expect(stateAsOf(rows, f + 2, f + 7)?.state.balance('employee_pre_tax')).toBe(1_000_000n);
    expect(stateAsOf(rows, f + 6, f + 7)?.state.balance('employee_pre_tax')).toBe(3_000_000n);
    // After the last Friday built (f + 7): its figures, unless the partial week after it has a
    // ledger event on or before the date.
    expect(stateAsOf(rows, f + 8, f + 7)?.state.balance('employee_pre_tax')).toBe(3_000_000n);
    const tail = { lo: f + 9, hi: f + 11 };
    expect(stateAsOf(rows, f + 8, f + 7, tail)?.friday).toBe(f + 7);
    expect(stateAsOf(rows, f + 9, f + 7, tail)).toBeNull(); // without the week's events
    const events = weekEvents(['5,c,employee_pre_tax,2000000', '3,v,,500000'], f + 14);
    expect(events.map((e) => e.effective_date)).toEqual([fromDay(f + 9), fromDay(f + 11)]);
    const folded = stateAsOf(rows, f + 30, f + 7, { ...tail, events });
    expect(folded?.state.balance('employee_pre_tax')).toBe(5_000_000n);
    expect(folded?.state.vestedFraction).toBe(500_000n);
    expect(stateAsOf(rows, f + 10, f + 7, { ...tail, events })?.state.vestedFraction).toBe(0n);
    expect(stateAsOf(rows, f - 1, f + 7)).toMatchObject({ path: 'events' });
  });
});
