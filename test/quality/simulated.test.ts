/**
 * On stores written by the simulator (engine → ingest): a clean store passes every rule (exit 0);
 * each rule catches its own injected fault with its severity and exit code; an identical re-run
 * shows exactly zero drift; a richer match (4% → 6% of pay) drifts on the match figures only.
 */

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dqExitCode } from '../../src/cli/commands/dq.js';
import { IRS_LIMITS } from '../../src/engine/irs-limits.js';
import { NDT_DDL } from '../../src/ndt/run.js';
import { compareProfiles } from '../../src/quality/drift/compare.js';
import { type Profile, recordProfile } from '../../src/quality/drift/profile.js';
import { DEFAULT_THRESHOLDS } from '../../src/quality/drift/thresholds.js';
import { loadRules } from '../../src/quality/rules.js';
import { runDataQuality } from '../../src/quality/run.js';
import { simulate } from '../../src/simulate/simulate.js';
import { openStore, type Store } from '../../src/store/open.js';

const dir = mkdtempSync(join(tmpdir(), 'pl-quality-sim-'));
const YEARS: [number, number] = [2023, 2025];
const LAST_DAY = `DATE '${YEARS[1]}-12-31'`;

function planWithMatch(upTo: string): string {
  const plan = JSON.parse(readFileSync(new URL('../../config/plan-default.json', import.meta.url), 'utf8'));
  plan.match = { tiers: [{ rate: '1', up_to: upTo }], true_up: true };
  const file = join(dir, `plan-match-${upTo}.json`);
  writeFileSync(file, JSON.stringify(plan));
  return file;
}

async function simulated(name: string, planFile: string): Promise<string> {
  const db = join(dir, `${name}.duckdb`);
  await simulate({
    employees: 120,
    years: YEARS,
    seed: 11,
    planFile,
    db,
    scenarioId: 'sim',
    createdAt: '2025-06-01T00:00:00Z',
    snapshots: false,
  });
  return db;
}

let match4: string;
let rerun: string;
let match6: string;
beforeAll(async () => {
  const plan4 = planWithMatch('0.04');
  match4 = await simulated('match4', plan4);
  rerun = await simulated('match4-rerun', plan4);
  match6 = await simulated('match6', planWithMatch('0.06'));
}, 600_000);

/** Inject with SQL inside a transaction, run the rules, roll back. */
const nextSeq = '(SELECT max(seq) + 1 FROM fct_yearly_events)';
const FAULTS: { rule: string; sql: string[]; alsoFails?: string[] }[] = [
  {
    rule: 'duplicate_event_id',
    sql: [
      `INSERT INTO fct_yearly_events_stored SELECT * REPLACE (${nextSeq} AS seq) FROM fct_yearly_events_stored WHERE seq = (SELECT min(seq) FROM fct_yearly_events)`,
    ],
  },
  {
    rule: 'event_after_termination',
    // A second termination the day after the first.
    sql: [
      `INSERT INTO fct_yearly_events_stored SELECT * REPLACE (${nextSeq} AS seq, uuid() AS event_id, effective_date + 1 AS effective_date)
       FROM fct_yearly_events_stored WHERE seq = (SELECT min(seq) FROM fct_yearly_events WHERE event_type = 'termination' AND effective_date < ${LAST_DAY})`,
    ],
  },
  {
    rule: 'employee_contribution_without_eligibility_or_election',
    // An after-tax contribution from someone who never elected after-tax money.
    sql: [
      `INSERT INTO fct_yearly_events_stored SELECT * REPLACE (${nextSeq} AS seq, uuid() AS event_id, 'employee_after_tax' AS source, 1 AS amount, 1 AS ytd_amount)
       FROM fct_yearly_events_stored WHERE seq = (SELECT min(seq) FROM fct_yearly_events c WHERE source = 'employee_pre_tax'
         AND NOT EXISTS (SELECT 1 FROM fct_yearly_events a WHERE a.employee_id = c.employee_id AND a.source = 'employee_after_tax'))`,
    ],
  },
  {
    rule: 'ytd_not_running_sum',
    sql: [
      `UPDATE fct_yearly_events_stored SET ytd_amount = ytd_amount + 0.01 WHERE seq = (SELECT min(seq) FROM fct_yearly_events WHERE source = 'employee_pre_tax')`,
    ],
  },
  {
    rule: 'limit_402g_exceeded',
    // $30,000 more on one pre-tax contribution (and its year-to-date figures from there on).
    sql: [
      `CREATE TEMP TABLE target AS SELECT seq, employee_id, effective_date FROM fct_yearly_events
         WHERE seq = (SELECT min(seq) FROM fct_yearly_events WHERE source = 'employee_pre_tax')`,
      `UPDATE fct_yearly_events_stored e SET amount = amount + CASE WHEN e.seq = t.seq THEN 30000 ELSE 0 END, ytd_amount = ytd_amount + 30000
         FROM target t WHERE e.employee_id = t.employee_id AND e.source = 'employee_pre_tax'
         AND year(e.effective_date) = year(t.effective_date) AND (e.effective_date, e.seq) >= (t.effective_date, t.seq)`,
      'DROP TABLE target',
    ],
    alsoFails: ['limit_415c_exceeded'],
  },
  {
    rule: 'catch_up_exceeded',
    sql: [
      `INSERT INTO fct_yearly_events_stored SELECT * REPLACE (${nextSeq} AS seq, uuid() AS event_id, 'employee_catch_up' AS source, 20000 AS amount, 20000 AS ytd_amount)
       FROM fct_yearly_events_stored WHERE seq = (SELECT min(seq) FROM fct_yearly_events c WHERE source = 'employee_pre_tax'
         AND NOT EXISTS (SELECT 1 FROM fct_yearly_events a WHERE a.employee_id = c.employee_id AND a.source = 'employee_catch_up'))`,
    ],
  },
  {
    rule: 'catch_up_not_roth_for_roth_earner',
    // 2025 given a §603 Roth catch-up wage figure of $1, and $1 of pre-tax catch-up for someone
    // aged 50+ with a 2025 hce_status (look-back wages above $1): it should have been Roth.
    sql: [
      `UPDATE scenarios SET plan_design = json_merge_patch(plan_design, '${JSON.stringify({
        irs_limits: {
          2025: { ...IRS_LIMITS['2025'], roth_catch_up_wages: '1' },
        },
      })}')`,
      `INSERT INTO fct_yearly_events_stored SELECT * REPLACE (${nextSeq} AS seq, uuid() AS event_id, 'employee_catch_up' AS source, 1 AS amount, 1 AS ytd_amount)
       FROM fct_yearly_events_stored WHERE seq = (SELECT min(c.seq) FROM fct_yearly_events c JOIN dim_participants p USING (scenario_id, employee_id)
         WHERE c.source = 'employee_pre_tax' AND year(c.effective_date) = 2025 AND year(p.birth_date) <= 1975
         AND EXISTS (SELECT 1 FROM fct_yearly_events h WHERE h.employee_id = c.employee_id AND h.event_type = 'hce_status'
           AND year(h.effective_date) = 2025 AND payload NOT LIKE '%"ytd_compensation":"0"%')
         AND NOT EXISTS (SELECT 1 FROM fct_yearly_events a WHERE a.employee_id = c.employee_id AND a.source = 'employee_catch_up'
           AND year(a.effective_date) = 2025))`,
    ],
  },
  {
    rule: 'limit_415c_exceeded',
    sql: [
      `INSERT INTO fct_yearly_events_stored SELECT * REPLACE (${nextSeq} AS seq, uuid() AS event_id, 'employer_profit_sharing' AS source, 100000 AS amount, 100000 AS ytd_amount)
       FROM fct_yearly_events_stored WHERE seq = (SELECT min(seq) FROM fct_yearly_events WHERE source = 'employer_match')`,
    ],
  },
  {
    rule: 'forfeiture_exceeds_unvested',
    // One cent more than the unvested part, from a partly vested participant (still within the balance).
    sql: [
      `UPDATE fct_yearly_events_stored SET amount = amount + 0.01 WHERE seq = (SELECT min(seq) FROM fct_yearly_events
         WHERE event_type = 'forfeiture' AND vested_percentage > 0)`,
    ],
  },
  {
    rule: 'negative_bucket_balance',
    sql: [
      `INSERT INTO fct_yearly_events_stored SELECT * REPLACE (${nextSeq} AS seq, uuid() AS event_id,
         replace(payload_text, '"forfeited_from_source":"' || json_extract_string(payload_text, '$.forfeited_from_source') || '"', '"forfeited_from_source":"employer_profit_sharing"') AS payload_text)
       FROM fct_yearly_events_stored WHERE seq = (SELECT min(seq) FROM fct_yearly_events WHERE event_type = 'forfeiture')`,
    ],
    alsoFails: ['forfeiture_exceeds_unvested'],
  },
  {
    rule: 'vested_fraction_decreased',
    sql: [
      `UPDATE fct_yearly_events_stored SET vested_percentage = 0 WHERE seq = (SELECT max(v.seq) FROM fct_yearly_events v
         WHERE v.event_type = 'vesting' AND v.vested_percentage > 0
         AND NOT EXISTS (SELECT 1 FROM fct_yearly_events t WHERE t.employee_id = v.employee_id AND t.event_type = 'termination'))`,
    ],
  },
  {
    rule: 'hce_status_inconsistent',
    sql: [
      `UPDATE fct_yearly_events_stored SET payload_text = replace(payload_text, '"is_hce":false', '"is_hce":true')
       WHERE seq = (SELECT min(seq) FROM fct_yearly_events WHERE event_type = 'hce_status' AND payload LIKE '%"is_hce":false%')`,
    ],
  },
  {
    rule: 'hce_threshold_not_lookback',
    // A threshold of $1 for an HCE: consistent with itself, but not the look-back year's figure.
    sql: [
      `UPDATE fct_yearly_events_stored SET payload_text = regexp_replace(payload_text, '"hce_threshold":"[0-9.]+"', '"hce_threshold":"1"')
       WHERE seq = (SELECT min(seq) FROM fct_yearly_events WHERE event_type = 'hce_status' AND payload LIKE '%"is_hce":true%')`,
    ],
  },
  {
    rule: 'effective_date_outside_scenario',
    sql: [
      `INSERT INTO fct_yearly_events_stored SELECT * REPLACE (${nextSeq} AS seq, uuid() AS event_id, DATE '1999-01-04' AS effective_date)
       FROM fct_yearly_events_stored WHERE seq = (SELECT min(seq) FROM fct_yearly_events WHERE event_type = 'merit')`,
    ],
  },
  {
    rule: 'created_at_in_future',
    sql: [
      `UPDATE fct_yearly_events_stored SET created_at = TIMESTAMP '2199-01-01' WHERE seq = (SELECT max(seq) FROM fct_yearly_events)`,
    ],
  },
  {
    rule: 'contributions_without_participant',
    sql: [
      `DELETE FROM dim_participants WHERE employee_id = (SELECT min(c.employee_id) FROM fct_yearly_events c WHERE c.event_type = 'contribution'
         AND NOT EXISTS (SELECT 1 FROM fct_yearly_events h WHERE h.employee_id = c.employee_id AND h.event_type = 'hire'))`,
    ],
  },
  {
    rule: 'ndt_test_failed',
    // A stored ACP result that failed (as `planledger ndt` writes one).
    sql: [
      ...NDT_DDL,
      `INSERT INTO ndt_tests SELECT scenario_id, first_year, 'acp', 'current_year', 3, 90, 0.05, 0.03, 0.045, 'fail', 812.4 FROM scenarios`,
    ],
  },
];

describe('data quality on a simulated store', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore({ path: match4 });
  });
  afterAll(() => store?.close());

  it('a clean simulated store passes every rule: exit 0', async () => {
    const report = await runDataQuality(store, { record: false });
    expect(report.results.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(dqExitCode(report)).toBe(0);
    // The opening population's eligibility and hire dates before 2023 are in payloads; they trip nothing.
    const checked = Object.fromEntries(report.results.map((r) => [r.rule_id, r.rows_checked]));
    expect(checked.ytd_not_running_sum).toBeGreaterThan(1000);
    expect(checked.forfeiture_exceeds_unvested).toBeGreaterThan(0);
  });

  it('ships a simulated-store fault for every default rule', () => {
    expect(FAULTS.map((f) => f.rule).sort()).toEqual(
      loadRules()
        .rules.map((r) => r.id)
        .sort(),
    );
  });

  const severities = new Map(loadRules().rules.map((r) => [r.id, r.severity]));
  for (const fault of FAULTS) {
    it(`catches its fault: ${fault.rule}`, async () => {
      const conn = store.connection;
      await conn.run('BEGIN TRANSACTION');
      try {
        for (const sql of fault.sql) await conn.run(sql);
        const report = await runDataQuality(store, { record: false });
        const severity = severities.get(fault.rule)!;
        const target = report.results.find((r) => r.rule_id === fault.rule)!;
        expect(target.status).toBe(severity === 'error' ? 'fail' : 'warn');
        expect(target.rows_failed).toBeGreaterThan(0);
        const failing = report.results.filter((r) => r.status !== 'pass').map((r) => r.rule_id);
        expect(failing).toContain(fault.rule);
        expect(failing.filter((id) => id !== fault.rule && !(fault.alsoFails ?? []).includes(id))).toEqual(
          [],
        );
        expect(dqExitCode(report)).toBe(severity === 'error' ? 1 : 0);
      } finally {
        await conn.run('ROLLBACK');
      }
    });
  }
});

describe('drift on simulated stores', () => {
  const profile = async (db: string): Promise<Profile> => {
    const s = await openStore({ path: db, readOnly: true });
    try {
      return await recordProfile(s, { now: '2025-06-01T00:00:00Z' });
    } finally {
      s.close();
    }
  };

  it('an identical re-run (same seed, same code) is exactly zero drift', async () => {
    const a = await profile(match4);
    const b = await profile(rerun);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const r = compareProfiles(a, b, DEFAULT_THRESHOLDS);
    expect(r.zero).toBe(true);
    expect(r.drifted).toEqual([]);
  });

  it('match 4% → 6% of pay is flagged on the match and deferral figures, not on the workforce', async () => {
    const r = compareProfiles(await profile(match4), await profile(match6), DEFAULT_THRESHOLDS);
    // Elections respond to the match's cap (docs/simulate.md, Elections): deferrals move with it;
    // the workforce (hires, merits, promotions, terminations) is the same under both designs.
    const workforce =
      /headcount|\.hires|\.terminations|events\.(hire|merit|promotion|termination|hce_status)\.|hce\.share|termination\.reason/;
    expect(r.drifted).toEqual(
      expect.arrayContaining(['2025.contribution.employer_match.sum', '2025.employer_cost']),
    );
    expect(r.drifted.filter((n) => workforce.test(n))).toEqual([]);
    for (const unrelated of [
      '2025.contribution.employer_nonelective.sum',
      '2025.headcount.active',
      '2025.hce.share',
      '2025.events.vesting.count',
    ]) {
      expect(r.metrics.find((m) => m.name === unrelated)?.drifted).toBe(false);
    }
  });
});
