/**
 * Snapshot + delta = full replay, for random event streams (out of order, back-dated, several
 * plans and employees) and random dates; an incremental build equals a full rebuild; the plan-wide
 * query agrees with the per-participant answers by both paths.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildSnapshots } from '../../src/snapshots/build.js';
import { planWideQuery } from '../../src/snapshots/plan-wide.js';
import { balanceFromEvents, balanceFromSnapshots, type Participant } from '../../src/snapshots/query.js';
import { dayArb, eventArb, insertEvents, memoryDb, type TestEvent } from './fixtures.js';

async function participants(conn: DuckDBConnection): Promise<Participant[]> {
  const r = await conn.runAndReadAll(
    `SELECT DISTINCT scenario_id, employee_id, plan_id FROM fct_yearly_events WHERE plan_id IS NOT NULL ORDER BY ALL`,
  );
  return r.getRowObjectsJson() as unknown as Participant[];
}

/** Every stored snapshot column except created_at and snapshot_id (both new for each row written), in a stable order, as text. */
async function snapshotTable(conn: DuckDBConnection): Promise<unknown[]> {
  const r = await conn.runAndReadAll(
    `SELECT * EXCLUDE (created_at, snapshot_id) FROM fct_participant_balance_snapshots ORDER BY scenario_id, employee_id, plan_id, snapshot_date`,
  );
  return r.getRowObjectsJson();
}

async function planWideRows(conn: DuckDBConnection, asOf: string, fromEvents: boolean) {
  const q = await planWideQuery(conn, 'S1', asOf, fromEvents);
  const r = await conn.runAndReadAll(q.sql, q.params);
  return { path: q.path, delta: q.delta, rows: r.getRowObjectsJson() };
}

describe('snapshots agree with the full replay', () => {
  it('snapshot + delta = replay for random streams and dates', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArb, { minLength: 1, maxLength: 60 }),
        fc.array(dayArb, { minLength: 1, maxLength: 5 }),
        async (events, dates) => {
          const db = await memoryDb();
          try {
            await insertEvents(db.conn, events);
            await buildSnapshots(db.conn, { now: new Date(0) });
            // A full build writes its rows in key order: date, then participant hash (docs/snapshots.md).
            const misplaced = await db.conn.runAndReadAll(
              `SELECT count(*) FROM (SELECT rowid AS r, row_number() OVER (ORDER BY snapshot_key, employee_id, plan_id) - 1 AS k,
                      snapshot_date, lag(snapshot_date) OVER (ORDER BY rowid) AS before
                 FROM fct_participant_balance_snapshots) WHERE r <> k OR snapshot_date < before`,
            );
            expect(Number(misplaced.getRows()[0][0])).toBe(0);
            for (const p of await participants(db.conn)) {
              for (const d of dates) {
                const viaEvents = await balanceFromEvents(db.conn, p, d);
                const viaSnapshot = await balanceFromSnapshots(db.conn, p, d);
                const { path: _a, snapshot_date: _b, ...figuresE } = viaEvents;
                const { path: _c, snapshot_date: _d, ...figuresS } = viaSnapshot;
                expect(figuresS).toEqual(figuresE);
              }
            }
          } finally {
            db.close();
          }
        },
      ),
      { numRuns: 15 },
    );
  });

  it('a full build in chunks of Fridays (each from the stored row before it) equals one chunk', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArb, { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 40 }),
        async (events, chunkRows) => {
          const db = await memoryDb();
          try {
            await insertEvents(db.conn, events);
            await buildSnapshots(db.conn, { now: new Date(0), chunkRows: 1e9 });
            const whole = await snapshotTable(db.conn);
            await buildSnapshots(db.conn, { now: new Date(0), rebuild: true, chunkRows });
            expect(await snapshotTable(db.conn)).toEqual(whole);
            // Still written in key order, chunk after chunk.
            const misplaced = await db.conn.runAndReadAll(
              `SELECT count(*) FROM (SELECT row_number() OVER (ORDER BY rowid) AS r,
                      row_number() OVER (ORDER BY snapshot_key, employee_id, plan_id) AS k
                 FROM fct_participant_balance_snapshots) WHERE r <> k`,
            );
            expect(Number(misplaced.getRows()[0][0])).toBe(0);
          } finally {
            db.close();
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('an incremental build after new (also back-dated) events equals a full rebuild; a second build changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArb, { minLength: 1, maxLength: 40 }),
        fc.array(eventArb, { minLength: 1, maxLength: 20 }),
        async (first, second) => {
          const db = await memoryDb();
          try {
            await insertEvents(db.conn, first);
            const before = await buildSnapshots(db.conn, { now: new Date(0) });
            await insertEvents(db.conn, second);
            const inc = await buildSnapshots(db.conn, { now: new Date(0) });
            if (before.scenarios[0].status === 'built') expect(inc.scenarios[0].mode).not.toBe('full');
            const incremental = await snapshotTable(db.conn);
            const again = await buildSnapshots(db.conn, { now: new Date(0) });
            expect(again.scenarios[0].status).toBe('current');
            expect(await snapshotTable(db.conn)).toEqual(incremental);
            await buildSnapshots(db.conn, { now: new Date(0), rebuild: true });
            expect(await snapshotTable(db.conn)).toEqual(incremental);
          } finally {
            db.close();
          }
        },
      ),
      { numRuns: 15 },
    );
  });

  it('before the next build, a back-dated event is still counted (per participant and plan-wide)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArb, { minLength: 1, maxLength: 40 }),
        fc.array(eventArb, { minLength: 1, maxLength: 10 }),
        dayArb,
        async (first, later, d) => {
          const db = await memoryDb();
          try {
            await insertEvents(db.conn, first);
            await buildSnapshots(db.conn, { now: new Date(0) });
            await insertEvents(db.conn, later);
            for (const p of await participants(db.conn)) {
              const { path: _a, snapshot_date: _b, ...e } = await balanceFromEvents(db.conn, p, d);
              const { path: _c, snapshot_date: _d, ...s } = await balanceFromSnapshots(db.conn, p, d);
              expect(s).toEqual(e);
            }
            // Plan-wide, plan events stored after the build send the question to the replay.
            const viaSnapshots = await planWideRows(db.conn, d, false);
            const newer = later.some((e) => e.plan_id !== null);
            const built = first.some((e) => e.plan_id !== null);
            expect(viaSnapshots.path).toBe(built && !newer ? 'snapshot' : 'events');
            expect(viaSnapshots.rows).toEqual((await planWideRows(db.conn, d, true)).rows);
          } finally {
            db.close();
          }
        },
      ),
      { numRuns: 15 },
    );
  });

  it('plan-wide: the Friday rows alone answer when nothing happens between the Friday and the date', async () => {
    // Pay on Fridays (2024-01-05, 19; 2024-02-02): E1 from the first, E2 from the second; E3's
    // first plan event is an eligibility on Tuesday 2024-01-16, E4 a contribution on Wednesday 2024-01-24.
    const c = (employee_id: string, effective_date: string, amount: bigint | null): TestEvent => ({
      employee_id,
      plan_id: 'P',
      effective_date,
      event_type: amount === null ? 'eligibility' : 'contribution',
      source: amount === null ? null : 'employee_pre_tax',
      amount,
      vested_percentage: null,
    });
    const events: TestEvent[] = [
      c('E1', '2024-01-05', 100_000_000n),
      c('E1', '2024-01-19', 100_000_000n),
      c('E2', '2024-01-19', 50_000_000n),
      c('E1', '2024-02-02', 100_000_000n),
      c('E2', '2024-02-02', 50_000_000n),
      c('E3', '2024-01-16', null),
      c('E4', '2024-01-24', 20_000_000n),
    ];
    const db = await memoryDb();
    try {
      await insertEvents(db.conn, events);
      await buildSnapshots(db.conn, { now: new Date(0) });
      const cases: Array<[string, boolean]> = [
        ['2024-01-05', false], // the Friday itself
        ['2024-01-09', false], // Tuesday: nothing until the next Friday, nobody new
        ['2024-01-12', false],
        ['2024-01-15', true], // E3 appears in the week after (its first event, Tuesday)
        ['2024-01-23', true], // E4 appears in the week after
        ['2024-01-29', false],
        ['2024-02-05', true], // after the last Friday built
      ];
      for (const [d, delta] of cases) {
        const viaSnapshots = await planWideRows(db.conn, d, false);
        expect([d, viaSnapshots.path, viaSnapshots.delta]).toEqual([d, 'snapshot', delta]);
        expect(viaSnapshots.rows).toEqual((await planWideRows(db.conn, d, true)).rows);
      }
    } finally {
      db.close();
    }
  });

  it('plan-wide: snapshot path = replay = per-participant answers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(eventArb, { minLength: 1, maxLength: 60 }), dayArb, async (events, d) => {
        const db = await memoryDb();
        try {
          await insertEvents(db.conn, events);
          await buildSnapshots(db.conn, { now: new Date(0) });
          const viaSnapshots = await planWideRows(db.conn, d, false);
          const viaEvents = await planWideRows(db.conn, d, true);
          const planEvents = events.some((e) => e.plan_id !== null);
          expect(viaSnapshots.path).toBe(planEvents ? 'snapshot' : 'events');
          expect(viaEvents.path).toBe('events');
          expect(viaSnapshots.rows).toEqual(viaEvents.rows);
          for (const row of viaEvents.rows as Array<Record<string, string>>) {
            const p = { scenario_id: 'S1', employee_id: row.employee_id, plan_id: row.plan_id };
            const one = await balanceFromEvents(db.conn, p, d);
            expect(Object.values(one.balances).map((x) => Number(x).toFixed(6))).toEqual(
              [
                'employee_pre_tax',
                'employee_roth',
                'employee_after_tax',
                'employer_match',
                'employer_nonelective',
                'employer_profit_sharing',
              ].map((b) => row[b]),
            );
            expect(one.vested_balance).toBe(row.vested_balance.replace(/\.?0+$/, '') || '0');
          }
        } finally {
          db.close();
        }
      }),
      { numRuns: 15 },
    );
  });
});
