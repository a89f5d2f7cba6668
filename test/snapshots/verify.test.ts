/**
 * verify recomputes snapshots with the ledger core and names a corrupted figure; a ledger version
 * change makes the stored snapshots unusable until an explicit rebuild.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildSnapshots } from '../../src/snapshots/build.js';
import { BUCKETS, EMPLOYER_BUCKETS, LEDGER_VERSION } from '../../src/snapshots/ledger.js';
import { balanceFromSnapshots } from '../../src/snapshots/query.js';
import { grossColumn } from '../../src/snapshots/sql.js';
import { SnapshotsStale } from '../../src/snapshots/state.js';
import { verifySnapshots } from '../../src/snapshots/verify.js';
import { insertEvents, memoryDb, type TestEvent } from './fixtures.js';

const ev = (
  employee_id: string,
  effective_date: string,
  event_type: string,
  source: string | null,
  dollars: string | null,
  pct: string | null = null,
): TestEvent => ({
  employee_id,
  plan_id: 'P1',
  effective_date,
  event_type,
  source,
  amount: dollars === null ? null : BigInt(Math.round(Number(dollars) * 100)) * 10_000n,
  vested_percentage: pct === null ? null : BigInt(Math.round(Number(pct) * 10_000)) * 100n,
});

/**
 * `people` employees (`prefix` and a number as wide as the largest), each with a pre-tax
 * contribution of (number + 1) dollars every week for `weeks` weeks from 2025-01-06, on a weekday
 * that depends on the number.
 */
function weeklyContributions(prefix: string, people: number, weeks: number): TestEvent[] {
  const width = String(people - 1).length;
  const events: TestEvent[] = [];
  for (let i = 0; i < people; i++)
    for (let w = 0; w < weeks; w++) {
      const day = new Date(Date.UTC(2025, 0, 6 + 7 * w + (i % 5))).toISOString().slice(0, 10);
      events.push(
        ev(
          `${prefix}${String(i).padStart(width, '0')}`,
          day,
          'contribution',
          'employee_pre_tax',
          String(1 + i),
        ),
      );
    }
  return events;
}

const STREAM: TestEvent[] = [
  ev('E1', '2025-01-10', 'contribution', 'employee_pre_tax', '100'),
  ev('E1', '2025-01-10', 'contribution', 'employer_match', '50'),
  ev('E1', '2025-01-24', 'contribution', 'employer_match', '50.55'),
  ev('E1', '2025-02-03', 'vesting', null, null, '0.2'),
  ev('E1', '2025-03-03', 'forfeiture', 'employer_match', '80.44', '0.2'),
  ev('E2', '2025-01-17', 'contribution', 'employee_roth', '75'),
  ev('E2', '2025-02-21', 'contribution', 'employer_nonelective', '12.34'),
];

describe('snapshots verify', () => {
  let db: Awaited<ReturnType<typeof memoryDb>>;
  beforeEach(async () => {
    db = await memoryDb();
    await insertEvents(db.conn, STREAM);
    await buildSnapshots(db.conn);
  });
  afterEach(() => db.close());

  it('passes on freshly built snapshots', async () => {
    const r = await verifySnapshots(db.conn, { all: true });
    expect(r.ok).toBe(true);
    expect(r.participants_checked).toBe(2);
    expect(r.rows_checked).toBeGreaterThan(10);
  });

  it('names a corrupted stored figure', async () => {
    await db.conn.run(
      `UPDATE fct_participant_balance_snapshots SET employer_match = employer_match + 0.01
        WHERE employee_id = 'E1' AND snapshot_date = DATE '2025-02-07'`,
    );
    const r = await verifySnapshots(db.conn, { all: true });
    expect(r.ok).toBe(false);
    expect(r.mismatches).toEqual([
      {
        scenario_id: 'S1',
        employee_id: 'E1',
        plan_id: 'P1',
        snapshot_date: '2025-02-07',
        column: 'employer_match',
        stored: '100.56',
        recomputed: '100.55',
      },
    ]);
  });

  it('names each stored column that differs, and that column alone', async () => {
    const columns: Array<[string, string]> = [
      ...[...BUCKETS, 'vested_balance', 'outstanding_loan_balance', ...EMPLOYER_BUCKETS.map(grossColumn)].map(
        (c): [string, string] => [c, `${c} + 0.01`],
      ),
      ['vested_percentage', 'vested_percentage + 0.0001'],
      ['event_count_since_last_snapshot', 'event_count_since_last_snapshot + 1'],
      ['ledger_version', "ledger_version || 'x'"],
      ['snapshot_key', 'snapshot_key + 1'],
      ['next_ledger_date', 'next_ledger_date + 1'],
    ];
    for (const [column, changed] of columns) {
      const where = `employee_id = 'E1' AND snapshot_date = DATE '2025-01-17'`;
      await db.conn.run(
        `CREATE OR REPLACE TEMP TABLE kept AS SELECT * FROM fct_participant_balance_snapshots WHERE ${where}`,
      );
      await db.conn.run(`UPDATE fct_participant_balance_snapshots SET ${column} = ${changed} WHERE ${where}`);
      const r = await verifySnapshots(db.conn, { all: true });
      expect(r.mismatches.map((m) => [m.snapshot_date, m.column])).toEqual([['2025-01-17', column]]);
      await db.conn.run(`DELETE FROM fct_participant_balance_snapshots WHERE ${where}`);
      await db.conn.run('INSERT INTO fct_participant_balance_snapshots SELECT * FROM kept');
    }
    expect((await verifySnapshots(db.conn, { all: true })).ok).toBe(true);
  });

  it('names a wrong lookup column; rows without them (a store built before them) still answer from snapshots', async () => {
    // E1's week after Friday 2025-01-17 holds the match of 2025-01-24.
    await db.conn.run(
      `UPDATE fct_participant_balance_snapshots SET next_ledger_date = NULL
        WHERE employee_id = 'E1' AND snapshot_date = DATE '2025-01-17'`,
    );
    const r = await verifySnapshots(db.conn, { all: true });
    expect(r.mismatches).toEqual([
      {
        scenario_id: 'S1',
        employee_id: 'E1',
        plan_id: 'P1',
        snapshot_date: '2025-01-17',
        column: 'next_ledger_date',
        stored: null,
        recomputed: '2025-01-24',
      },
    ]);
    const p = { scenario_id: 'S1', employee_id: 'E1', plan_id: 'P1' };
    const before = await balanceFromSnapshots(db.conn, p, '2025-01-28');
    await db.conn.run(
      'UPDATE fct_participant_balance_snapshots SET snapshot_key = NULL, next_ledger_date = NULL',
    );
    await db.conn.run('UPDATE snapshot_builds SET keyed = NULL');
    expect((await verifySnapshots(db.conn, { all: true })).ok).toBe(true);
    const unkeyed = await balanceFromSnapshots(db.conn, p, '2025-01-28');
    expect(unkeyed).toEqual({ ...before, snapshot_date: '2025-01-24' });
    expect(unkeyed.balances.employer_match).toBe('100.55');
  });

  it('names a missing row', async () => {
    await db.conn.run(
      `DELETE FROM fct_participant_balance_snapshots WHERE employee_id = 'E2' AND snapshot_date = DATE '2025-01-31'`,
    );
    const r = await verifySnapshots(db.conn, { sample: 10 });
    expect(r.mismatches.map((m) => [m.employee_id, m.snapshot_date, m.column, m.stored])).toEqual([
      ['E2', '2025-01-31', 'row', null],
    ]);
  });

  it('names extra, missing and lookup mismatches of one participant in date order', async () => {
    const copyOf17 = (date: string) =>
      `INSERT INTO fct_participant_balance_snapshots
         SELECT * REPLACE (gen_random_uuid() AS snapshot_id, DATE '${date}' AS snapshot_date)
           FROM fct_participant_balance_snapshots WHERE employee_id = 'E1' AND snapshot_date = DATE '2025-01-17'`;
    await db.conn.run(
      `UPDATE fct_participant_balance_snapshots SET next_ledger_date = NULL
        WHERE employee_id = 'E1' AND snapshot_date = DATE '2025-01-17'`,
    );
    await db.conn.run(copyOf17('2025-01-21')); // a Tuesday
    await db.conn.run(copyOf17('2025-03-07')); // after the last Friday built
    await db.conn.run(copyOf17('2025-01-03')); // before the first event
    await db.conn.run(
      `DELETE FROM fct_participant_balance_snapshots WHERE employee_id = 'E1' AND snapshot_date = DATE '2025-01-31'`,
    );
    const r = await verifySnapshots(db.conn, { all: true });
    expect(
      r.mismatches.map((m) => [m.employee_id, m.snapshot_date, m.column, m.stored, m.recomputed]),
    ).toEqual([
      ['E1', '2025-01-03', 'row', 'present', null],
      ['E1', '2025-01-17', 'next_ledger_date', null, '2025-01-24'],
      ['E1', '2025-01-21', 'row', 'present', null],
      ['E1', '2025-01-31', 'row', null, 'present'],
      ['E1', '2025-03-07', 'row', 'present', null],
    ]);
    expect(r.participants_checked).toBe(2);
  });

  it('reads participants across many DuckDB chunks, each row once', async () => {
    const many = weeklyContributions('N', 120, 20);
    await insertEvents(db.conn, many);
    await buildSnapshots(db.conn);
    const total = Number(
      (await db.conn.runAndReadAll('SELECT count(*) FROM fct_participant_balance_snapshots')).getRows()[0][0],
    );
    expect(total).toBeGreaterThan(2048);
    expect(await verifySnapshots(db.conn, { all: true })).toMatchObject({
      ok: true,
      participants_checked: 122,
      rows_checked: total,
    });
    await db.conn.run(
      `UPDATE fct_participant_balance_snapshots SET employee_pre_tax = employee_pre_tax + 1
        WHERE employee_id = 'N119' AND snapshot_date = DATE '2025-04-04'`,
    );
    const r = await verifySnapshots(db.conn, { all: true });
    expect(r.mismatches.map((m) => [m.employee_id, m.snapshot_date, m.column])).toEqual([
      ['N119', '2025-04-04', 'employee_pre_tax'],
    ]);
  });

  it('verifies every participant in passes of a few participants, with the same result as one pass', async () => {
    const many = weeklyContributions('K', 40, 6);
    // A second plan of one employee: a pass ends between the participants of one employee too.
    many.push({ ...ev('K07', '2025-01-08', 'contribution', 'employer_match', '5'), plan_id: 'P2' });
    await insertEvents(db.conn, many);
    await buildSnapshots(db.conn);
    await db.conn.run(
      `UPDATE fct_participant_balance_snapshots SET employee_pre_tax = employee_pre_tax + 1
        WHERE employee_id IN ('K00', 'K07', 'K13', 'K39', 'E2') AND snapshot_date = DATE '2025-01-31'`,
    );
    await db.conn.run(
      `DELETE FROM fct_participant_balance_snapshots WHERE employee_id = 'K14' AND snapshot_date = DATE '2025-02-07'`,
    );
    const one = await verifySnapshots(db.conn, { all: true });
    expect(one.mismatches.map((m) => [m.employee_id, m.plan_id, m.snapshot_date, m.column])).toEqual([
      ['E2', 'P1', '2025-01-31', 'employee_pre_tax'],
      ['K00', 'P1', '2025-01-31', 'employee_pre_tax'],
      ['K07', 'P1', '2025-01-31', 'employee_pre_tax'],
      ['K07', 'P2', '2025-01-31', 'employee_pre_tax'],
      ['K13', 'P1', '2025-01-31', 'employee_pre_tax'],
      ['K14', 'P1', '2025-02-07', 'row'],
      ['K39', 'P1', '2025-01-31', 'employee_pre_tax'],
    ]);
    expect(one.participants_checked).toBe(43);
    for (const passEvents of [1, 6, 7, 13, 50]) {
      const seen: number[][] = [];
      const progress = (done: number, total: number) => seen.push([done, total]);
      expect(await verifySnapshots(db.conn, { all: true, passEvents, progress })).toEqual(one);
      // Once at the end of each pass: the participants verified so far, of the scenario's 43.
      expect(seen.at(-1)).toEqual([43, 43]);
      expect(seen.every(([done], i) => i === 0 || done > seen[i - 1][0])).toBe(true);
      expect(seen.length).toBeGreaterThan(passEvents <= 13 ? 5 : 1);
    }
  });

  it('a sample checks every row of every sampled participant', async () => {
    const many = Array.from({ length: 30 }, (_, i) =>
      ev(`M${String(i).padStart(2, '0')}`, '2025-01-06', 'contribution', 'employee_roth', String(10 + i)),
    );
    await insertEvents(db.conn, many);
    await buildSnapshots(db.conn);
    await db.conn.run(
      `UPDATE fct_participant_balance_snapshots SET employee_roth = employee_roth + 0.01
        WHERE employee_id LIKE 'M%' AND snapshot_date = DATE '2025-02-28'`,
    );
    const total = await db.conn.runAndReadAll(`SELECT count(*) FROM fct_participant_balance_snapshots`);
    const r = await verifySnapshots(db.conn, { sample: 100, seed: 3 });
    expect(r.participants_checked).toBe(32);
    expect(r.rows_checked).toBe(Number(total.getRows()[0][0]));
    expect(r.mismatch_count).toBe(30);
    expect(new Set(r.mismatches.map((m) => m.column))).toEqual(new Set(['employee_roth']));
  });

  it('a sample of more employees than the scans name (SAMPLE_LIST_MAX) is verified the same', async () => {
    const many = Array.from({ length: 5_100 }, (_, i) =>
      ev(`L${String(i).padStart(4, '0')}`, '2025-01-06', 'contribution', 'employee_pre_tax', '1'),
    );
    await insertEvents(db.conn, many);
    await buildSnapshots(db.conn);
    await db.conn.run(
      `UPDATE fct_participant_balance_snapshots SET employee_pre_tax = employee_pre_tax + 0.01
        WHERE employee_id = 'L4321' AND snapshot_date = DATE '2025-01-10'`,
    );
    const all = await verifySnapshots(db.conn, { all: true });
    const sample = await verifySnapshots(db.conn, { sample: 6_000 });
    expect(sample).toEqual(all);
    expect(sample.participants_checked).toBe(5_102);
    expect(sample.mismatches.map((m) => [m.employee_id, m.column])).toEqual([['L4321', 'employee_pre_tax']]);
  });

  it('a ledger version change forces an explicit rebuild', async () => {
    await db.conn.run(`UPDATE fct_participant_balance_snapshots SET ledger_version = 'ledger-0'`);
    await db.conn.run(`UPDATE snapshot_builds SET ledger_version = 'ledger-0'`);
    const p = { scenario_id: 'S1', employee_id: 'E1', plan_id: 'P1' };
    await expect(balanceFromSnapshots(db.conn, p, '2025-03-31')).rejects.toThrow(SnapshotsStale);
    await expect(balanceFromSnapshots(db.conn, p, '2025-03-31')).rejects.toThrow(/snapshots build --rebuild/);
    await expect(verifySnapshots(db.conn)).rejects.toThrow(SnapshotsStale);
    const inc = await buildSnapshots(db.conn);
    expect(inc.scenarios[0]).toMatchObject({ status: 'stale', stored_version: 'ledger-0' });
    const full = await buildSnapshots(db.conn, { rebuild: true });
    expect(full.scenarios[0]).toMatchObject({
      status: 'built',
      mode: 'full',
      ledger_version: LEDGER_VERSION,
    });
    const versions = await db.conn.runAndReadAll(
      'SELECT DISTINCT ledger_version FROM fct_participant_balance_snapshots',
    );
    expect(versions.getRowObjectsJson()).toEqual([{ ledger_version: LEDGER_VERSION }]);
    expect((await balanceFromSnapshots(db.conn, p, '2025-03-31')).path).toBe('snapshot');
    expect((await verifySnapshots(db.conn, { all: true })).ok).toBe(true);
  });

  it('stale rows without a build state are refused by the build too', async () => {
    await db.conn.run(
      `UPDATE fct_participant_balance_snapshots SET ledger_version = 'ledger-0' WHERE employee_id = 'E2'`,
    );
    await db.conn.run(`DELETE FROM snapshot_builds`);
    const r = await buildSnapshots(db.conn);
    expect(r.scenarios[0].status).toBe('stale');
  });
});
