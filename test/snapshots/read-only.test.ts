import type { DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { balanceFromEvents, balanceFromSnapshots, settledBuild } from '../../src/snapshots/query.js';
import { participantRangesSql } from '../../src/store/ddl.js';
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

const stores = fileStores('snap-read-only-');
/** A file store with `events` and their snapshots built; returns its path. */
const builtStore = (events: TestEvent[], after?: (conn: DuckDBConnection) => Promise<void>) =>
  stores.built(events, { after });

/** Both answers for every participant and date, on the store opened read-only. */
async function answers(path: string, dates: string[]) {
  const store = await openStore({ path, readOnly: true });
  try {
    const settled = await settledBuild(store.connection, 'S1');
    const built = await store.connection.runAndReadAll(
      "SELECT end_date FROM snapshot_builds WHERE scenario_id = 'S1'",
    );
    const out = [];
    for (const p of await participantsOf(store.connection))
      for (const d of dates)
        out.push({
          viaSnapshot: await balanceFromSnapshots(store.connection, p, d),
          viaEvents: await balanceFromEvents(store.connection, p, d),
        });
    return { settled, built: (built.getRowsJson()[0]?.[0] ?? null) as string | null, out };
  } finally {
    store.close();
  }
}

describe('balance on a read-only store', () => {
  it('the settled lookup equals the replay for random streams and dates', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArb, { minLength: 1, maxLength: 40 }),
        fc.array(dayArb, { minLength: 1, maxLength: 6 }),
        async (events, dates) => {
          const { settled, built, out } = await answers(await builtStore(events), dates);
          // Settled whenever the build has a Friday (no event is stored after it here).
          expect(settled === null).toBe(built === null);
          for (const { viaSnapshot, viaEvents } of out) {
            expect(figures(viaSnapshot)).toEqual(figures(viaEvents));
            if (viaSnapshot.path === 'events') expect(viaSnapshot.snapshot_date).toBeNull();
          }
        },
      ),
      { numRuns: 12 },
    );
  });

  const fixed: TestEvent[] = [
    {
      employee_id: 'E1',
      plan_id: 'P',
      effective_date: '2024-03-13', // a Wednesday
      event_type: 'contribution',
      source: 'employee_pre_tax',
      amount: 100_000_000n,
      vested_percentage: null,
    },
    {
      employee_id: 'E1',
      plan_id: 'P',
      effective_date: '2024-03-27',
      event_type: 'contribution',
      source: 'employer_match',
      amount: 50_000_000n,
      vested_percentage: null,
    },
    {
      employee_id: 'E1',
      plan_id: 'P',
      effective_date: '2024-03-27',
      event_type: 'vesting',
      source: null,
      amount: null,
      vested_percentage: 400_000n,
    },
  ];

  it('answers each kind of date: before the first plan event, in its week, on a Friday, after a pay day', async () => {
    const path = await builtStore(fixed);
    const dates = [
      '2024-01-02',
      '2024-03-12',
      '2024-03-14',
      '2024-03-15',
      '2024-03-28',
      '2024-03-26',
      '2024-04-10',
    ];
    const { settled, out } = await answers(path, dates);
    expect(settled).toEqual({ end_date: '2024-03-22', firstPlanDate: true });
    const byDate = Object.fromEntries(out.map((o, i) => [dates[i], o]));
    for (const { viaSnapshot, viaEvents } of out) expect(figures(viaSnapshot)).toEqual(figures(viaEvents));
    // Before the first plan event: zero, from events (no snapshot row on that Friday).
    expect(byDate['2024-01-02'].viaSnapshot).toMatchObject({
      path: 'events',
      snapshot_date: null,
      vested_balance: '0',
    });
    // In the week of the first plan event, after it: the replay of that week's events.
    expect(byDate['2024-03-14'].viaSnapshot).toMatchObject({ path: 'events', snapshot_date: null });
    expect(byDate['2024-03-14'].viaSnapshot.balances.employee_pre_tax).toBe('100');
    // From the snapshot of the Friday, with and without the events after it.
    expect(byDate['2024-03-15'].viaSnapshot).toMatchObject({ path: 'snapshot', snapshot_date: '2024-03-15' });
    expect(byDate['2024-03-26'].viaSnapshot).toMatchObject({ path: 'snapshot', snapshot_date: '2024-03-22' });
    expect(byDate['2024-03-28'].viaSnapshot).toMatchObject({ path: 'snapshot', snapshot_date: '2024-03-22' });
    expect(byDate['2024-03-28'].viaSnapshot.vested_balance).toBe('120');
  });

  it('a writable connection never uses the settled lookup', async () => {
    const path = await builtStore(fixed);
    const store = await openStore({ path });
    try {
      expect(await settledBuild(store.connection, 'S1')).toBeNull();
    } finally {
      store.close();
    }
  });

  it('events stored after the build: the general path, still equal to the replay', async () => {
    const late: TestEvent = { ...fixed[0], effective_date: '2024-03-20', amount: 7_000_000n };
    const path = await builtStore(fixed, (conn) => insertEvents(conn, [late]));
    const { settled, out } = await answers(path, ['2024-03-22', '2024-03-28']);
    expect(settled).toBeNull();
    for (const { viaSnapshot, viaEvents } of out) expect(figures(viaSnapshot)).toEqual(figures(viaEvents));
    expect(out[0].viaSnapshot.balances.employee_pre_tax).toBe('107');
  });

  it('a store written before first_plan_date: right answers read-only, the column at the next writable open', async () => {
    // The table as such a store has it (DuckDB cannot drop a column of an indexed table).
    const path = await builtStore(fixed, async (conn) => {
      for (const sql of [
        'CREATE TABLE old_ranges AS SELECT * EXCLUDE (first_plan_date) FROM participant_event_ranges',
        'DROP INDEX participant_event_ranges_employee',
        'DROP TABLE participant_event_ranges',
        `CREATE TABLE participant_event_ranges (scenario_id VARCHAR NOT NULL, employee_id VARCHAR NOT NULL,
           first_seq BIGINT NOT NULL, last_seq BIGINT NOT NULL, event_count BIGINT NOT NULL,
           PRIMARY KEY (scenario_id, employee_id))`,
        'INSERT INTO participant_event_ranges SELECT * FROM old_ranges',
        'DROP TABLE old_ranges',
        'CREATE INDEX participant_event_ranges_employee ON participant_event_ranges (employee_id)',
      ])
        await conn.run(sql);
    });
    const dates = ['2024-01-02', '2024-03-14', '2024-03-28'];
    const { settled, out } = await answers(path, dates);
    expect(settled).toEqual({ end_date: '2024-03-22', firstPlanDate: false });
    for (const { viaSnapshot, viaEvents } of out) expect(figures(viaSnapshot)).toEqual(figures(viaEvents));
    expect(out[0].viaSnapshot.path).toBe('events');

    const store = await openStore({ path }); // writable: the migration fills the column
    try {
      const stored = await store.connection.runAndReadAll(
        'SELECT * FROM participant_event_ranges ORDER BY ALL',
      );
      const derived = await store.connection.runAndReadAll(`${participantRangesSql()} ORDER BY ALL`);
      expect(stored.getRowsJson()).toEqual(derived.getRowsJson());
      expect(stored.getRowObjectsJson()[0].first_plan_date).toBe('2024-03-13');
    } finally {
      store.close();
    }
  });
});
