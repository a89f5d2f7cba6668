/**
 * Test fixtures: a real in-memory DuckDB with the store's core tables, and ledger events written
 * straight into fct_yearly_events (the columns the ledger reads), so that the snapshot logic is
 * tested on any event stream, including ones no engine would produce.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance, quotedString } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll } from 'vitest';
import { fromDay, toDay } from '../../src/schema/dates.js';
import { formatDecimal } from '../../src/schema/decimal.js';
import { buildSnapshots } from '../../src/snapshots/build.js';
import type { BalanceResult, Participant } from '../../src/snapshots/query.js';
import { CORE_DDL, insertEventsSql, participantRangesSql } from '../../src/store/ddl.js';
import { openStore } from '../../src/store/open.js';

export interface TestEvent {
  employee_id: string;
  plan_id: string | null;
  effective_date: string;
  event_type: string;
  source: string | null;
  /** micro-units */
  amount: bigint | null;
  /** micro-units, 4 places */
  vested_percentage: bigint | null;
  scenario_id?: string;
}

export async function memoryDb(): Promise<{ conn: DuckDBConnection; close(): void }> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  for (const ddl of CORE_DDL) await conn.run(ddl);
  return {
    conn,
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

const lit = (v: string | null) => (v === null ? 'NULL' : quotedString(v));
const num = (v: bigint | null) => (v === null ? 'NULL' : formatDecimal(v));

/** Append events with consecutive seq numbers after the current maximum. */
export async function insertEvents(
  conn: DuckDBConnection,
  events: TestEvent[],
  scenario = 'S1',
): Promise<void> {
  if (events.length === 0) return;
  const r = await conn.runAndReadAll('SELECT coalesce(max(seq), 0) AS m FROM fct_yearly_events');
  let seq = Number(r.getRowObjects()[0].m);
  for (let i = 0; i < events.length; i += 500) {
    const values = events.slice(i, i + 500).map((e) => {
      seq += 1;
      const sc = e.scenario_id ?? scenario;
      return `(${seq}, uuid(), ${lit(sc)}, 'design', ${lit(e.employee_id)}, DATE ${lit(e.effective_date)}, ${e.effective_date.slice(0, 4)},
        TIMESTAMP '2026-01-01 00:00:00', 'test', NULL, ${lit(e.event_type)}, ${lit(e.plan_id)}, ${lit(e.source)},
        ${num(e.amount)}, NULL, ${num(e.vested_percentage)}, ${lit(JSON.stringify(payloadOf(e)))})`;
    });
    await conn.run(insertEventsSql(`VALUES ${values.join(',\n')}`));
  }
  // As the store's writer keeps it: where each participant's events sit in the sequence.
  await conn.run('DELETE FROM participant_event_ranges');
  await conn.run(`INSERT INTO participant_event_ranges ${participantRangesSql()}`);
}

/** The canonical payload of a test event (the fields the ledger reads, and the rest of the contract's). */
export function payloadOf(e: TestEvent): Record<string, unknown> {
  const money = (v: bigint | null) => formatDecimal(v ?? 0n);
  switch (e.event_type) {
    case 'contribution':
      return {
        event_type: 'contribution',
        plan_id: e.plan_id,
        source: e.source,
        amount: money(e.amount),
        pay_period_end: e.effective_date,
        contribution_date: e.effective_date,
        ytd_amount: money(e.amount),
        payroll_id: `PR-${e.effective_date}`,
        irs_limit_applied: false,
        inferred_value: false,
      };
    case 'forfeiture':
      return {
        event_type: 'forfeiture',
        plan_id: e.plan_id,
        forfeited_from_source: e.source,
        amount: money(e.amount),
        reason: 'unvested_termination',
        vested_percentage: money(e.vested_percentage),
      };
    case 'vesting':
      return {
        event_type: 'vesting',
        plan_id: e.plan_id,
        vested_percentage: money(e.vested_percentage),
        source_balances_vested: {},
        vesting_schedule_type: 'graded',
        service_computation_date: '2020-01-01',
        service_credited_hours: 0,
        service_period_end_date: e.effective_date,
      };
    case 'eligibility':
      return {
        event_type: 'eligibility',
        plan_id: e.plan_id,
        eligible: true,
        eligibility_date: e.effective_date,
        reason: 'immediate',
      };
    default:
      return { event_type: 'merit', plan_id: null, new_compensation: '50000', merit_percentage: '0.03' };
  }
}

const CONTRIBUTION_SOURCES = [
  'employee_pre_tax',
  'employee_roth',
  'employee_after_tax',
  'employee_catch_up',
  'employer_match',
  'employer_match_true_up',
  'employer_nonelective',
  'employer_profit_sharing',
  'forfeiture_allocation',
];
const EMPLOYER = ['employer_match', 'employer_nonelective', 'employer_profit_sharing'];

const FIRST_DAY = toDay('2024-01-01');
const LAST_DAY = toDay('2025-06-30');

export const dayArb = fc.integer({ min: FIRST_DAY, max: LAST_DAY }).map(fromDay);

/** Any ledger-relevant or other event of a small population over 18 months, in random order. */
export const eventArb: fc.Arbitrary<TestEvent> = fc
  .record({
    employee_id: fc.constantFrom('E1', 'E2', 'E3'),
    plan_id: fc.constantFrom<string | null>('P1', 'P1', 'P1', 'P2', null),
    effective_date: dayArb,
    kind: fc.constantFrom(
      'contribution',
      'contribution',
      'contribution',
      'forfeiture',
      'vesting',
      'eligibility',
    ),
    source: fc.constantFrom(...CONTRIBUTION_SOURCES),
    employer: fc.constantFrom(...EMPLOYER),
    cents: fc.bigInt({ min: 1n, max: 500_000n }),
    // Fully vested and not vested often: the vested balance has a short path for each (src/snapshots/sql.ts).
    pct: fc.oneof(fc.constantFrom(0, 10_000), fc.integer({ min: 0, max: 10_000 })),
  })
  .map((r) => {
    const base = { employee_id: r.employee_id, effective_date: r.effective_date };
    if (r.plan_id === null) {
      return {
        ...base,
        plan_id: null,
        event_type: 'merit',
        source: null,
        amount: null,
        vested_percentage: null,
      };
    }
    switch (r.kind) {
      case 'contribution':
        return {
          ...base,
          plan_id: r.plan_id,
          event_type: 'contribution',
          source: r.source,
          amount: r.cents * 10_000n,
          vested_percentage: null,
        };
      case 'forfeiture':
        return {
          ...base,
          plan_id: r.plan_id,
          event_type: 'forfeiture',
          source: r.employer,
          amount: r.cents * 10_000n,
          vested_percentage: BigInt(Math.min(r.pct, 9999)) * 100n,
        };
      case 'vesting':
        return {
          ...base,
          plan_id: r.plan_id,
          event_type: 'vesting',
          source: null,
          amount: null,
          vested_percentage: BigInt(r.pct) * 100n,
        };
      default:
        return {
          ...base,
          plan_id: r.plan_id,
          event_type: 'eligibility',
          source: null,
          amount: null,
          vested_percentage: null,
        };
    }
  });

/** Every participant (scenario, employee, plan) of a store's events. */
export async function participantsOf(conn: DuckDBConnection): Promise<Participant[]> {
  const r = await conn.runAndReadAll(
    `SELECT DISTINCT scenario_id, employee_id, plan_id FROM fct_yearly_events WHERE plan_id IS NOT NULL ORDER BY ALL`,
  );
  return r.getRowObjectsJson() as unknown as Participant[];
}

/** A balance without how it was found: what both paths must agree on. */
export function figures(r: BalanceResult) {
  const { path: _p, snapshot_date: _s, ...rest } = r;
  return rest;
}

/**
 * File stores in a temporary folder of this test file (removed after it): `built(events)` writes
 * the events (then `before`), builds the snapshots (then `after`) and closes the store; returns
 * its path.
 */
export function fileStores(prefix: string) {
  let dir = '';
  let n = 0;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    async built(
      events: TestEvent[],
      hooks: {
        before?: (conn: DuckDBConnection, path: string) => Promise<unknown>;
        after?: (conn: DuckDBConnection, path: string) => Promise<unknown>;
      } = {},
    ): Promise<string> {
      const path = join(dir, `s${n++}.duckdb`);
      const store = await openStore({ path });
      try {
        await insertEvents(store.connection, events);
        await hooks.before?.(store.connection, path);
        await buildSnapshots(store.connection, { now: new Date(0) });
        await hooks.after?.(store.connection, path);
      } finally {
        store.close();
      }
      return path;
    },
  };
}
