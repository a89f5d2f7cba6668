/**
 * `resolveParticipant` (the balance command's two-query reading of the scenario and the plan)
 * gives the answers and the errors of `resolveScenario` then `resolvePlan`, on stores where the
 * question is easy and where it is not: several scenarios, a pending run, an incomplete scenario,
 * an employee in two plans or in none, events interleaved in the sequence, an unknown employee,
 * plan or scenario, a store without the ranges table.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveParticipant, resolvePlan, resolveScenario } from '../../src/snapshots/resolve.js';
import { insertEvents, memoryDb, type TestEvent } from './fixtures.js';

const ev = (
  employee_id: string,
  plan_id: string | null,
  effective_date: string,
  scenario_id?: string,
): TestEvent => ({
  employee_id,
  plan_id,
  effective_date,
  event_type: plan_id === null ? 'hire' : 'contribution',
  source: plan_id === null ? null : 'employee_pre_tax',
  amount: plan_id === null ? null : 100_000_000n,
  vested_percentage: null,
  scenario_id,
});

/** What resolveScenario then resolvePlan answer, or the error they throw (class and message). */
async function general(
  conn: DuckDBConnection,
  e: string,
  o: { scenario?: string; plan?: string; allowIncomplete?: boolean },
) {
  try {
    const scenario_id = await resolveScenario(conn, o.scenario, o);
    return { scenario_id, employee_id: e, plan_id: await resolvePlan(conn, scenario_id, e, o.plan) };
  } catch (err) {
    return { error: (err as Error).name, message: (err as Error).message };
  }
}

async function fast(
  conn: DuckDBConnection,
  e: string,
  o: { scenario?: string; plan?: string; allowIncomplete?: boolean },
) {
  try {
    return await resolveParticipant(conn, e, o);
  } catch (err) {
    return { error: (err as Error).name, message: (err as Error).message };
  }
}

const QUESTIONS = [
  {},
  { scenario: 'A' },
  { scenario: 'B' },
  { scenario: 'A~pending' },
  { scenario: 'nosuch' },
  { plan: 'P1' },
  { plan: 'P2' },
  { plan: 'NOPE' },
  { scenario: 'A', plan: 'P2' },
  { allowIncomplete: true },
  { scenario: 'B', allowIncomplete: true },
];
const EMPLOYEES = ['E1', 'E2', 'E3', 'E4', 'NOBODY'];

/** Scenario rows with these statuses (the other columns as a simulation writes them). */
async function scenarioRows(conn: DuckDBConnection, statuses: Record<string, string>): Promise<void> {
  for (const [id, status] of Object.entries(statuses))
    await conn.run(
      `INSERT INTO scenarios VALUES ($id, 2024, 2024, 'design', '{}', 1, TIMESTAMP '2026-01-01', 'e', 'l', $status)`,
      { id, status },
    );
}

let db: Awaited<ReturnType<typeof memoryDb>> | undefined;
afterEach(() => db?.close());

async function answersAgree(conn: DuckDBConnection): Promise<number> {
  let n = 0;
  for (const e of EMPLOYEES)
    for (const o of QUESTIONS) {
      expect([e, o, await fast(conn, e, o)]).toEqual([e, o, await general(conn, e, o)]);
      n++;
    }
  return n;
}

describe('resolveParticipant answers as resolveScenario then resolvePlan', () => {
  it('on a store with one scenario (E1 one plan, E2 two plans, E3 no plan event, E4 interleaved with E1)', async () => {
    db = await memoryDb();
    await insertEvents(
      db.conn,
      [
        ev('E1', 'P1', '2024-01-05'),
        ev('E4', 'P1', '2024-01-05'),
        ev('E1', null, '2024-01-06'),
        ev('E1', 'P1', '2024-01-19'),
        ev('E2', 'P1', '2024-01-05'),
        ev('E2', 'P2', '2024-01-19'),
        ev('E3', null, '2024-01-05'),
      ],
      'A',
    );
    await scenarioRows(db.conn, { A: 'complete' });
    expect(await resolveParticipant(db.conn, 'E1')).toEqual({
      scenario_id: 'A',
      employee_id: 'E1',
      plan_id: 'P1',
    });
    expect(await answersAgree(db.conn)).toBe(55);
  });

  it('with several scenarios, a pending run and a scenario that is not complete', async () => {
    db = await memoryDb();
    await insertEvents(
      db.conn,
      [ev('E1', 'P1', '2024-01-05', 'A'), ev('E2', 'P2', '2024-01-05', 'A~pending')],
      'A',
    );
    await insertEvents(db.conn, [ev('E1', 'P2', '2024-01-05', 'B'), ev('E3', 'P1', '2024-01-05', 'B')], 'B');
    await scenarioRows(db.conn, { A: 'complete', B: 'running' });
    expect(await answersAgree(db.conn)).toBe(55);
    // Only A and its pending run: A is the store's scenario.
    await db.conn.run(`DELETE FROM participant_event_ranges WHERE scenario_id = 'B'`);
    await db.conn.run(`DELETE FROM fct_yearly_events_stored WHERE scenario_id = 'B'`);
    expect(await answersAgree(db.conn)).toBe(55);
  });

  it('on a store without the ranges table (the events answer)', async () => {
    db = await memoryDb();
    await insertEvents(db.conn, [ev('E1', 'P1', '2024-01-05'), ev('E2', 'P2', '2024-01-05')], 'A');
    await db.conn.run('DROP TABLE participant_event_ranges');
    expect(await resolveParticipant(db.conn, 'E2')).toEqual({
      scenario_id: 'A',
      employee_id: 'E2',
      plan_id: 'P2',
    });
    expect(await answersAgree(db.conn)).toBe(55);
  });
});
