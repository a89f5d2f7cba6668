/**
 * End to end on a small simulated scenario: simulate → store (snapshots built at the end) →
 * every event kind and the lifecycle transitions present → history, balance by both paths and the
 * plan-wide query agree → verify finds nothing → an incremental build after new events is current.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../src/schema/contract.js';
import { simulate } from '../../src/simulate/simulate.js';
import { buildSnapshots } from '../../src/snapshots/build.js';
import { planWideQuery } from '../../src/snapshots/plan-wide.js';
import { balanceFromEvents, balanceFromSnapshots } from '../../src/snapshots/query.js';
import { resolvePlan, resolveScenario, UnknownParticipant } from '../../src/snapshots/resolve.js';
import { verifySnapshots } from '../../src/snapshots/verify.js';
import { history } from '../../src/store/history.js';
import { openStore, type Store } from '../../src/store/open.js';

const SCENARIO = 'workflow';

describe('simulate → store → snapshots → history and balance → verify', () => {
  let tmp: string;
  let store: Store;
  let simulated: Awaited<ReturnType<typeof simulate>>;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'snap-workflow-'));
    const db = join(tmp, 'store.duckdb');
    simulated = await simulate({
      employees: 150,
      years: [2023, 2025],
      seed: 11,
      db,
      scenarioId: SCENARIO,
      workers: 1,
      log: () => {},
    });
    store = await openStore({ path: db });
  });

  afterAll(() => {
    store?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('builds the snapshots at the end of the simulation', async () => {
    expect(simulated.snapshots).toBe('built');
    const r = await buildSnapshots(store.connection, { scenario: SCENARIO });
    expect(r.scenarios[0].status).toBe('current');
  });

  it('stores every event kind and a participant going through the whole lifecycle', async () => {
    const kinds = (
      await store.connection.runAndReadAll(
        `SELECT DISTINCT event_type FROM fct_yearly_events WHERE scenario_id = '${SCENARIO}' ORDER BY 1`,
      )
    )
      .getRows()
      .map((r) => String(r[0]));
    expect(kinds).toEqual([...EVENT_TYPES].sort());
    // hire → eligibility → enrollment → contribution → escalation → vesting → termination → forfeiture
    const lifecycle = (
      await store.connection.runAndReadAll(
        `SELECT employee_id FROM fct_yearly_events WHERE scenario_id = '${SCENARIO}' GROUP BY employee_id
         HAVING min(effective_date) FILTER (WHERE event_type = 'hire')
                <= min(effective_date) FILTER (WHERE event_type = 'eligibility')
            AND min(effective_date) FILTER (WHERE event_type = 'eligibility')
                <= min(effective_date) FILTER (WHERE event_type = 'enrollment')
            AND min(effective_date) FILTER (WHERE event_type = 'enrollment')
                <= min(effective_date) FILTER (WHERE event_type = 'contribution')
            AND count(*) FILTER (WHERE event_type = 'enrollment') >= 2
            AND min(effective_date) FILTER (WHERE event_type = 'vesting')
                <= min(effective_date) FILTER (WHERE event_type = 'termination')
            AND min(effective_date) FILTER (WHERE event_type = 'termination')
                <= min(effective_date) FILTER (WHERE event_type = 'forfeiture')`,
      )
    ).getRows();
    const escalated = (
      await store.connection.runAndReadAll(
        `SELECT count(*) FROM fct_yearly_events WHERE scenario_id = '${SCENARIO}' AND event_type = 'enrollment'
            AND payload LIKE '%"auto_enrollment":true%' AND payload LIKE '%"opt_out_window_expires":null%'`,
      )
    ).getRows();
    expect(lifecycle.length).toBeGreaterThan(0);
    expect(Number(escalated[0][0])).toBeGreaterThan(0);
  });

  it('history, balance via snapshots, balance via replay and the plan-wide query agree', async () => {
    const people = (
      await store.connection.runAndReadAll(
        `SELECT DISTINCT employee_id, plan_id FROM fct_yearly_events
          WHERE scenario_id = '${SCENARIO}' AND plan_id IS NOT NULL ORDER BY hash(employee_id) LIMIT 25`,
      )
    ).getRows();
    const dates = ['2023-03-15', '2024-01-05', '2024-12-31', '2025-07-04', '2025-12-31'];
    for (const d of dates) {
      const q = await planWideQuery(store.connection, SCENARIO, d);
      expect(q.path).toBe('snapshot');
      const planWide = new Map(
        (await store.connection.runAndReadAll(q.sql, q.params))
          .getRowObjectsJson()
          .map((r) => [String(r.employee_id), r]),
      );
      for (const [employee, plan] of people) {
        const p = { scenario_id: SCENARIO, employee_id: String(employee), plan_id: String(plan) };
        const viaEvents = await balanceFromEvents(store.connection, p, d);
        const viaSnapshot = await balanceFromSnapshots(store.connection, p, d);
        expect({ ...viaSnapshot, path: 'x', snapshot_date: null }).toEqual({ ...viaEvents, path: 'x' });
        const h = await history(store.connection, p.employee_id, { scenario: SCENARIO, to: d });
        expect(h.state.vested_balance).toBe(viaEvents.vested_balance);
        expect(h.state.vested_fraction).toBe(viaEvents.vested_percentage);
        for (const [bucket, amount] of Object.entries(viaEvents.balances)) {
          expect(h.state.balances[bucket] ?? '0', `${employee} ${d} ${bucket}`).toBe(amount);
        }
        const row = planWide.get(p.employee_id);
        if (row !== undefined)
          expect(Number(row.vested_balance).toFixed(2)).toBe(Number(viaEvents.vested_balance).toFixed(2));
      }
    }
  });

  it('a date before the first snapshot is answered from the events, and says so; a Friday from the snapshot alone', async () => {
    // Participants whose first plan event is not on a Friday: that day is before their first snapshot.
    const late = (
      await store.connection.runAndReadAll(
        `SELECT employee_id, plan_id, CAST(min(effective_date) AS VARCHAR) AS d FROM fct_yearly_events
          WHERE scenario_id = '${SCENARIO}' AND plan_id IS NOT NULL GROUP BY employee_id, plan_id
         HAVING dayofweek(min(effective_date)) <> 5 ORDER BY hash(employee_id) LIMIT 5`,
      )
    ).getRows();
    expect(late.length).toBeGreaterThan(0);
    for (const [employee, plan, d] of late) {
      const p = { scenario_id: SCENARIO, employee_id: String(employee), plan_id: String(plan) };
      const viaSnapshot = await balanceFromSnapshots(store.connection, p, String(d));
      expect(viaSnapshot.path).toBe('events');
      expect(viaSnapshot.snapshot_date).toBeNull();
      expect(viaSnapshot).toEqual(await balanceFromEvents(store.connection, p, String(d)));
      const friday = '2025-06-27';
      const onFriday = await balanceFromSnapshots(store.connection, p, friday);
      expect(onFriday.snapshot_date).toBe(friday);
      expect({ ...onFriday, path: 'x', snapshot_date: null }).toEqual({
        ...(await balanceFromEvents(store.connection, p, friday)),
        path: 'x',
      });
    }
  });

  it('resolves the scenario and the plan from the participant ranges; an unknown employee is named', async () => {
    const conn = store.connection;
    expect(await resolveScenario(conn, undefined)).toBe(SCENARIO);
    await expect(resolveScenario(conn, 'nope')).rejects.toThrow(/unknown scenario nope/);
    const [[employee, plan]] = (
      await conn.runAndReadAll(
        `SELECT employee_id, plan_id FROM fct_yearly_events WHERE plan_id IS NOT NULL ORDER BY seq LIMIT 1`,
      )
    ).getRows();
    expect(await resolvePlan(conn, SCENARIO, String(employee), undefined)).toBe(String(plan));
    await expect(resolvePlan(conn, SCENARIO, 'NOBODY', undefined)).rejects.toThrow(UnknownParticipant);
  });

  it('verify finds every stored figure equal to the ledger’s', async () => {
    const r = await verifySnapshots(store.connection, { scenario: SCENARIO, all: true });
    expect(r.mismatches).toEqual([]);
    expect(r.participants_checked).toBeGreaterThan(100);
  });
});
