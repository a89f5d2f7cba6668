import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestEvents, ingestFiles } from '../../src/ingest/ingest.js';
import { validateEvent } from '../../src/schema/index.js';
import { RANGES_OF_EMPLOYEE } from '../../src/snapshots/query.js';
import {
  AmbiguousScenarioError,
  history,
  LOCATE_SQL,
  UnknownEmployeeError,
} from '../../src/store/history.js';
import {
  deleteScenario,
  listScenarios,
  writeParticipants,
  writeScenario,
} from '../../src/store/scenarios.js';
import { count, newStore, tempDir, validEvents, writeLines } from './helpers.js';

function ev(over: Record<string, unknown>, payload: Record<string, unknown>, i: number) {
  const base = validEvents(1)[0];
  const e = { ...base, ...over, event_id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, payload };
  const v = validateEvent(e);
  if (!v.ok) throw new Error(JSON.stringify(v.problems));
  return v.event;
}

/** One participant's life: hire, eligibility, enrollment, contributions, vesting, termination, forfeiture. */
function life(scenario: string, employee: string, offset = 0) {
  const env = (date: string) => ({ employee_id: employee, scenario_id: scenario, effective_date: date });
  const c = (date: string, source: string, amount: string, ytd: string) => ({
    event_type: 'contribution',
    plan_id: 'P1',
    source,
    amount,
    pay_period_end: date,
    contribution_date: date,
    ytd_amount: ytd,
    payroll_id: `PR-${date}`,
  });
  return [
    // Out of date order on purpose: history sorts by effective date, then sequence.
    ev(env('2025-01-17'), c('2025-01-17', 'employee_pre_tax', '100', '100'), offset + 4),
    ev(
      env('2025-01-01'),
      {
        event_type: 'hire',
        hire_date: '2025-01-01',
        department: 'ENG',
        job_level: 3,
        annual_compensation: '52000',
      },
      offset + 1,
    ),
    ev(
      env('2025-01-01'),
      {
        event_type: 'eligibility',
        plan_id: 'P1',
        eligible: true,
        eligibility_date: '2025-01-01',
        reason: 'immediate',
      },
      offset + 2,
    ),
    ev(
      env('2025-01-01'),
      {
        event_type: 'enrollment',
        plan_id: 'P1',
        enrollment_date: '2025-01-01',
        pre_tax_contribution_rate: '0.05',
        roth_contribution_rate: '0.01',
      },
      offset + 3,
    ),
    ev(env('2025-01-17'), c('2025-01-17', 'employer_match', '80', '80'), offset + 5),
    ev(env('2025-01-31'), c('2025-01-31', 'employee_pre_tax', '100', '200'), offset + 6),
    ev(env('2025-01-31'), c('2025-01-31', 'employer_match', '80', '160'), offset + 7),
    ev(
      env('2025-06-30'),
      { event_type: 'merit', new_compensation: '54000', merit_percentage: '0.0385' },
      offset + 8,
    ),
    ev(
      env('2025-09-30'),
      { event_type: 'termination', termination_reason: 'voluntary', final_pay_date: '2025-09-30' },
      offset + 9,
    ),
    ev(
      env('2025-09-30'),
      {
        event_type: 'vesting',
        plan_id: 'P1',
        vested_percentage: '0.25',
        source_balances_vested: { employer_match: '160' },
        vesting_schedule_type: 'graded',
        service_computation_date: '2025-01-01',
        service_credited_hours: 1400,
        service_period_end_date: '2025-09-30',
      },
      offset + 10,
    ),
    ev(
      env('2025-09-30'),
      {
        event_type: 'forfeiture',
        plan_id: 'P1',
        forfeited_from_source: 'employer_match',
        amount: '120',
        reason: 'unvested_termination',
        vested_percentage: '0.25',
      },
      offset + 11,
    ),
  ];
}

describe('history', () => {
  it('orders by effective date then sequence and derives the end state through the ledger', async () => {
    const store = await newStore();
    await ingestEvents(store, life('s1', 'E1'), { source: 'test' });
    const h = await history(store.connection, 'E1');
    expect(h.scenario_id).toBe('s1');
    expect(h.events.map((e) => e.payload.event_type)).toEqual([
      'hire',
      'eligibility',
      'enrollment',
      'contribution',
      'contribution',
      'contribution',
      'contribution',
      'merit',
      'termination',
      'vesting',
      'forfeiture',
    ]);
    const seqs = h.seqs.map(Number);
    // Same-day events keep their production order.
    expect(seqs.slice(0, 3)).toEqual([...seqs.slice(0, 3)].sort((a, b) => a - b));
    expect(h.state).toMatchObject({
      employment: { status: 'terminated', hire_date: '2025-01-01', termination_date: '2025-09-30' },
      compensation: '54000',
      job_level: 3,
      eligibility: { eligible: true, since: '2025-01-01' },
      election: { pre_tax_rate: '0.05', roth_rate: '0.01', after_tax_rate: '0', auto_enrollment: false },
      vested_fraction: '0.25',
    });
    expect(h.state.balances.employee_pre_tax).toBe('200');
    expect(h.state.balances.employer_match).toBe('40');
    expect(h.state.vested_balance).toBe('240');
  });

  it('filters shown events by --from/--to; the state is as of --to', async () => {
    const store = await newStore();
    await ingestEvents(store, life('s1', 'E1'), { source: 'test' });
    const h = await history(store.connection, 'E1', { from: '2025-01-17', to: '2025-01-31' });
    expect(h.events.map((e) => e.effective_date)).toEqual([
      '2025-01-17',
      '2025-01-17',
      '2025-01-31',
      '2025-01-31',
    ]);
    expect(h.state.as_of).toBe('2025-01-31');
    expect(h.state.employment.status).toBe('employed');
    expect(h.state.balances.employer_match).toBe('160');
  });

  it('unknown employees, ambiguous scenarios and census-only participants', async () => {
    const store = await newStore();
    await ingestEvents(store, [...life('s1', 'E1'), ...life('s2', 'E1', 100)], { source: 'test' });
    await expect(history(store.connection, 'NOBODY')).rejects.toBeInstanceOf(UnknownEmployeeError);
    const err = await history(store.connection, 'E1').catch((e) => e);
    expect(err).toBeInstanceOf(AmbiguousScenarioError);
    expect((err as AmbiguousScenarioError).scenarios).toEqual(['s1', 's2']);
    await expect(history(store.connection, 'E1', { scenario: 's3' })).rejects.toBeInstanceOf(
      UnknownEmployeeError,
    );
    await writeParticipants(store.connection, [
      {
        scenario_id: 's1',
        employee_id: 'C9',
        birth_date: '1980-02-29',
        hire_date: '2010-05-01',
        annual_compensation: '61000.5',
        job_level: 4,
        department: 'OPS',
      },
    ]);
    const c = await history(store.connection, 'C9');
    expect(c.events).toEqual([]);
    expect(c.state).toMatchObject({
      compensation: '61000.5',
      job_level: 4,
      employment: { status: 'employed' },
    });
    expect(c.state.census).toMatchObject({ birth_date: '1980-02-29', department: 'OPS' });
  });

  it('two scenarios in one store stay isolated', async () => {
    const store = await newStore();
    await ingestEvents(store, life('a', 'E1'), { source: 'test' });
    await ingestEvents(store, life('b', 'E1', 100).slice(0, 3), { source: 'test' });
    const a = await history(store.connection, 'E1', { scenario: 'a' });
    const b = await history(store.connection, 'E1', { scenario: 'b' });
    expect(a.events).toHaveLength(11);
    expect(b.events).toHaveLength(3);
    expect(a.events.every((e) => e.scenario_id === 'a')).toBe(true);
    expect(b.events.every((e) => e.scenario_id === 'b')).toBe(true);
  });

  it('locates a participant through the employee_id indexes', async () => {
    // A plan check, not a timing: DuckDB reads an ART index only for a lone equality on its
    // column, so a scenario filter pushed into these scans would silently cost a full scan.
    const store = await newStore();
    await ingestEvents(store, [...life('s1', 'E1'), ...life('s2', 'E1', 100), ...life('s1', 'E2', 200)], {
      source: 'test',
    });
    const census = {
      birth_date: '1980-01-01',
      hire_date: '2025-01-01',
      annual_compensation: '52000',
      job_level: 3,
    };
    await writeParticipants(store.connection, [
      { scenario_id: 's1', employee_id: 'E1', department: 'ENG', ...census },
      { scenario_id: 's2', employee_id: 'E1', department: 'ENG', ...census },
      { scenario_id: 's1', employee_id: 'E2', department: 'ENG', ...census },
    ]);
    /** How each of the two tables was scanned, from DuckDB's JSON profile of the query. */
    const scans = async (sql: string, params: Record<string, string>) => {
      const r = await store.connection.runAndReadAll(`EXPLAIN (ANALYZE, FORMAT json) ${sql}`, params);
      const found: string[] = [];
      const walk = (n: { extra_info?: Record<string, unknown>; children?: unknown[] }) => {
        const table = String(n.extra_info?.Table ?? '');
        if (/participant_event_ranges|dim_participants/.test(table))
          found.push(`${table.split('.').pop()}: ${String(n.extra_info?.Type)}`);
        for (const c of n.children ?? []) walk(c as typeof n);
      };
      walk(JSON.parse(String(r.getRows()[0][1])));
      return found.sort();
    };
    for (const employee of ['E1', 'E2']) {
      expect(await scans(LOCATE_SQL, { employee })).toEqual([
        'dim_participants: Index Scan',
        'participant_event_ranges: Index Scan',
      ]);
    }
    const ranges = `WITH r AS MATERIALIZED (${RANGES_OF_EMPLOYEE}) SELECT * FROM r WHERE scenario_id = $s`;
    expect(await scans(ranges, { e: 'E1', s: 's1' })).toEqual(['participant_event_ranges: Index Scan']);
    expect((await history(store.connection, 'E1', { scenario: 's2' })).scenario_id).toBe('s2');
    expect((await history(store.connection, 'E2')).events).toHaveLength(11);
  });

  it('history queries on their own connections while an ingest runs', async () => {
    const dir = tempDir();
    const store = await newStore(dir);
    await ingestEvents(store, life('s1', 'E1'), { source: 'test' });
    const lines = validEvents(3000).map((e) => JSON.stringify(e));
    const file = writeLines(join(dir, 'big.ndjson'), lines);
    const ingest = ingestFiles(store, [file], { workers: 0, chunkBytes: 32 << 10, batchBytes: 64 << 10 });
    let done = false;
    ingest.finally(() => {
      done = true;
    });
    const readers = await Promise.all([store.connect(), store.connect()]);
    let queries = 0;
    while (!done) {
      const results = await Promise.all(readers.map((c) => history(c, 'E1')));
      for (const r of results) expect(r.events).toHaveLength(11);
      queries++;
    }
    const counts = await ingest;
    expect(counts.accepted).toBe(3000);
    expect(queries).toBeGreaterThan(0);
  });
});

describe('scenarios', () => {
  it('lists scenarios and deletes one with its events, participants and other areas’ rows, in one transaction', async () => {
    const store = await newStore();
    await writeScenario(store.connection, {
      scenario_id: 'a',
      first_year: 2025,
      last_year: 2025,
      plan_design_id: 'd',
      plan_design: '{"x":1}',
      seed: 7,
      created_at: '2026-01-01T00:00:00Z',
      engine_version: 'e',
      ledger_version: 'l',
      status: 'complete',
    });
    await ingestEvents(store, life('a', 'E1'), { source: 'test' });
    await ingestEvents(store, life('b', 'E1', 100), { source: 'test' });
    await writeParticipants(store.connection, [
      {
        scenario_id: 'a',
        employee_id: 'E1',
        birth_date: '1990-01-01',
        hire_date: '2025-01-01',
        annual_compensation: '52000',
        job_level: 3,
        department: 'ENG',
      },
    ]);
    // Another area's table with per-scenario rows.
    await store.connection.run('CREATE TABLE dq_results (scenario_id VARCHAR, rule VARCHAR)');
    await store.connection.run("INSERT INTO dq_results VALUES ('a', 'r1'), ('b', 'r1')");
    const list = await listScenarios(store.connection);
    expect(list.map((s) => [s.scenario_id, s.status, s.events, s.participants])).toEqual([
      ['a', 'complete', 11, 1],
      ['b', 'ingested', 11, 0],
    ]);
    const r = await deleteScenario(store, 'a');
    expect(r?.deleted).toMatchObject({
      fct_yearly_events: 11,
      dim_participants: 1,
      dq_results: 1,
      scenarios: 1,
    });
    expect(await count(store, "SELECT count(*) FROM fct_yearly_events WHERE scenario_id = 'a'")).toBe(0);
    expect(await count(store, "SELECT count(*) FROM fct_yearly_events WHERE scenario_id = 'b'")).toBe(11);
    expect(await count(store, 'SELECT count(*) FROM dq_results')).toBe(1);
    expect(await deleteScenario(store, 'a')).toBeUndefined();
  });
});
