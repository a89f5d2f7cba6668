/**
 * A small, deterministic store for the report and lake tests, built in SQL: 240 people over
 * 2023–2025 with hires, terminations, biweekly contributions from five sources, yearly
 * hce_status and vesting, forfeitures at termination, weekly snapshots, and one run each of
 * data quality (with a failure), golden and drift. It is shaped like the engine's output, not
 * computed by the engine (the report only reads tables).
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { NDT_DDL } from '../../src/ndt/run.js';
import type { ResultsFile } from '../../src/perf/results.js';
import { QUALITY_DDL } from '../../src/quality/ddl.js';
import { GOLDEN_DDL } from '../../src/quality/golden/ddl.js';
import { snapshotDdl } from '../../src/snapshots/ddl.js';
import { CORE_DDL, insertEventsSql, participantRangesSql } from '../../src/store/ddl.js';

const PEOPLE = 240;

const sql = [
  `CREATE TABLE people AS
   SELECT i,
     'E' || lpad(CAST(i AS VARCHAR), 5, '0') AS employee_id,
     DATE '1960-01-15' + CAST((i * 97) % 12000 AS INTEGER) AS birth_date,
     CASE WHEN i < 190 THEN DATE '2012-03-01' + CAST((i * 53) % 3600 AS INTEGER)
          ELSE DATE '2023-01-09' + CAST((i - 190) * 21 AS INTEGER) END AS hire_date,
     CAST(42000 + (i * 1973) % 150000 AS DECIMAL(18,6)) AS comp,
     1 + i % 6 AS job_level,
     ['Finance', 'Operations', 'Engineering', 'Sales'][1 + i % 4] AS department,
     CASE WHEN i % 13 = 5 THEN DATE '2023-06-30' + CAST((i * 37) % 900 AS INTEGER) END AS term_date,
     i % 5 <> 0 AS participates,
     i % 7 = 0 AS roth
   FROM range(${PEOPLE}) r(i)`,
  `INSERT INTO scenarios VALUES ('baseline', 2023, 2025, 'standard-2025',
     '{"plan_id":"P401K","match":{"tiers":[{"rate":"0.5","up_to":"0.06"}]}}', 42,
     TIMESTAMP '2025-11-20 10:00:00', '0.1.0', 'ledger-1', 'complete')`,
  `INSERT INTO dim_participants SELECT 'baseline', employee_id, birth_date, hire_date, comp, job_level, department FROM people`,
  `CREATE TABLE paydays AS SELECT CAST(d AS DATE) AS pay_date FROM range(DATE '2023-01-06', DATE '2026-01-01', INTERVAL 14 DAY) t(d)`,
  `CREATE TABLE raw AS
   SELECT employee_id, hire_date AS effective_date, 'hire' AS event_type, NULL AS source, NULL::DECIMAL(18,6) AS amount, 0 AS ord,
     json_object('event_type', 'hire', 'hire_date', hire_date, 'annual_compensation', comp) AS payload
   FROM people WHERE hire_date >= DATE '2023-01-01'
   UNION ALL
   SELECT employee_id, term_date, 'termination', NULL, NULL, 8, json_object('event_type', 'termination', 'termination_reason', 'voluntary')
   FROM people WHERE term_date IS NOT NULL
   UNION ALL
   SELECT p.employee_id, make_date(y, 1, 1), 'hce_status', NULL, NULL, 1,
     json_object('event_type', 'hce_status', 'is_hce', p.comp > 150000, 'hce_threshold', '155000')
   FROM people p, range(2023, 2026) t(y)
   WHERE p.hire_date <= make_date(y, 1, 1) AND (p.term_date IS NULL OR p.term_date > make_date(y, 1, 1))
   UNION ALL
   SELECT employee_id, greatest(hire_date, DATE '2023-01-01'), 'eligibility', NULL, NULL, 1,
     json_object('event_type', 'eligibility', 'eligible', true)
   FROM people WHERE term_date IS NULL OR term_date >= DATE '2023-01-01'
   UNION ALL
   SELECT employee_id, greatest(hire_date, DATE '2023-01-01'), 'enrollment', NULL, NULL, 1,
     json_object('event_type', 'enrollment',
       'pre_tax_contribution_rate', CASE WHEN NOT participates THEN '0' WHEN comp > 150000 THEN '0.09' ELSE '0.06' END,
       'roth_contribution_rate', CASE WHEN participates AND roth THEN '0.03' ELSE '0' END, 'auto_enrollment', false)
   FROM people WHERE term_date IS NULL OR term_date >= DATE '2023-01-01'
   UNION ALL
   SELECT p.employee_id, d.pay_date, 'contribution', s.source,
     round(p.comp * s.rate / 26, 2), s.ord,
     json_object('event_type', 'contribution', 'source', s.source,
       'irs_limit_applied', s.source = 'employee_catch_up' AND d.pay_date >= make_date(year(d.pay_date), 11, 1))
   FROM people p, paydays d,
     (VALUES ('employee_pre_tax', 0.06, 2), ('employee_roth', 0.03, 3), ('employer_match', 0.03, 4),
             ('employer_nonelective', 0.02, 5), ('employee_catch_up', 0.01, 6)) s(source, rate, ord)
   WHERE p.participates AND d.pay_date >= p.hire_date AND (p.term_date IS NULL OR d.pay_date <= p.term_date)
     AND (s.source <> 'employee_roth' OR p.roth)
     AND (s.source <> 'employee_catch_up' OR p.birth_date < DATE '1970-01-01')
   UNION ALL
   SELECT employee_id, term_date, 'forfeiture', 'employer_match', round(comp * 0.03 / 26 * 20, 2), 9,
     json_object('event_type', 'forfeiture', 'forfeited_from_source', 'employer_match')
   FROM people WHERE term_date IS NOT NULL AND participates`,
  insertEventsSql(`
   SELECT row_number() OVER (ORDER BY employee_id, effective_date, ord, source),
     uuid(), 'baseline', 'standard-2025', employee_id, effective_date, year(effective_date),
     TIMESTAMP '2025-11-20 10:00:00', 'plan_engine', NULL, event_type,
     CASE WHEN event_type IN ('contribution', 'forfeiture', 'hce_status') THEN 'P401K' END,
     source, amount, NULL, NULL, payload
   FROM raw WHERE year(effective_date) BETWEEN 2023 AND 2025`),
  `UPDATE fct_yearly_events_stored SET event_id = md5(employee_id || seq)::UUID`,
  `INSERT INTO fct_participant_balance_snapshots BY NAME
   WITH fridays AS (SELECT CAST(d AS DATE) AS snapshot_date FROM range(DATE '2023-01-06', DATE '2026-01-01', INTERVAL 7 DAY) t(d)),
   firsts AS (SELECT employee_id, min(effective_date) AS first_day FROM fct_yearly_events WHERE plan_id IS NOT NULL GROUP BY ALL),
   sums AS (
     SELECT f.employee_id, w.snapshot_date,
       sum(CASE WHEN e.source IN ('employee_pre_tax', 'employee_catch_up') THEN e.amount ELSE 0 END) AS pre_tax,
       sum(CASE WHEN e.source = 'employee_roth' THEN e.amount ELSE 0 END) AS roth,
       sum(CASE WHEN e.event_type = 'contribution' AND e.source = 'employer_match' THEN e.amount
                WHEN e.event_type = 'forfeiture' THEN -e.amount ELSE 0 END) AS match,
       sum(CASE WHEN e.source = 'employer_nonelective' THEN e.amount ELSE 0 END) AS nonelective,
       count(e.seq) AS n
     FROM firsts f JOIN fridays w ON w.snapshot_date >= f.first_day
     LEFT JOIN fct_yearly_events e ON e.employee_id = f.employee_id AND e.effective_date <= w.snapshot_date
       AND e.event_type IN ('contribution', 'forfeiture')
     GROUP BY ALL)
   SELECT md5(employee_id || snapshot_date)::UUID AS snapshot_id, employee_id, 'P401K' AS plan_id,
     'baseline' AS scenario_id, snapshot_date, pre_tax AS employee_pre_tax, roth AS employee_roth,
     0 AS employee_after_tax, match AS employer_match, nonelective AS employer_nonelective,
     0 AS employer_profit_sharing, 0.6 AS vested_percentage,
     pre_tax + roth + round((match + nonelective) * 0.6, 2) AS vested_balance, 0 AS outstanding_loan_balance,
     0 AS event_count_since_last_snapshot, TIMESTAMP '2025-11-20 10:00:00' AS created_at,
     match AS gross_employer_match, nonelective AS gross_employer_nonelective, 0 AS gross_employer_profit_sharing,
     'ledger-1' AS ledger_version
   FROM sums`,
  `INSERT INTO participant_event_ranges ${participantRangesSql()}`,
  `INSERT INTO snapshot_builds (scenario_id, ledger_version, max_seq, end_date, row_count, built_at)
   SELECT 'baseline', 'ledger-1', max(seq), DATE '2025-12-26',
     (SELECT count(*) FROM fct_participant_balance_snapshots), TIMESTAMP '2025-11-20 10:00:00'
   FROM fct_yearly_events`,
  `INSERT INTO dq_runs BY NAME
   SELECT * FROM (VALUES
     ('dq-1', 'baseline', TIMESTAMP '2025-11-20 10:05:00', TIMESTAMP '2025-11-20 10:05:02', 'defaults', 3, 0, 0, 'passed', '0.1.0'),
     ('dq-2', 'baseline', TIMESTAMP '2025-11-21 09:00:00', TIMESTAMP '2025-11-21 09:00:03', 'defaults', 3, 1, 1, 'failed', '0.1.0')
   ) t(run_id, scenario_id, started_at, finished_at, rules_source, rules_total, errors_failed, warnings_failed, status, planledger_version)`,
  // By name: the quality area may add columns (nullable ones need no value here).
  `INSERT INTO dq_results BY NAME
   SELECT * FROM (VALUES
     ('dq-1', 'duplicate_event_id', 'Each event_id is stored once', 'error', 1, 48000, 0, 1, 'pass', '[]', 12),
     ('dq-1', 'ytd_running_sum', 'ytd_amount equals the running sum', 'error', 1, 40000, 0, 1, 'pass', '[]', 40),
     ('dq-1', 'created_at_future', 'created_at is not in the future', 'warn', 1, 48000, 0, 1, 'pass', '[]', 3),
     ('dq-2', 'duplicate_event_id', 'Each event_id is stored once', 'error', 1, 48000, 0, 1, 'pass', '[]', 12),
     ('dq-2', 'ytd_running_sum', 'ytd_amount equals the running sum', 'error', 1, 40000, 12, 0.9997, 'fail', '[{"employee_id":"E00012"}]', 41),
     ('dq-2', 'created_at_future', 'created_at is not in the future', 'warn', 1, 48000, 3, 0.999938, 'warn', '[]', 2)
   ) t(run_id, rule_id, description, severity, mostly, rows_checked, rows_failed, pass_fraction, status, sample, milliseconds)`,
  `INSERT INTO golden_runs VALUES
     ('g-1', TIMESTAMP '2025-11-19 11:00:00', 'biweekly_basic', 42, 42, 0, true, '[]'),
     ('g-1', TIMESTAMP '2025-11-19 11:00:00', 'catch_up_60_63', 18, 18, 0, true, '[]'),
     ('g-2', TIMESTAMP '2025-11-20 11:00:00', 'biweekly_basic', 42, 42, 0, true, '[]'),
     ('g-2', TIMESTAMP '2025-11-20 11:00:00', 'catch_up_60_63', 18, 18, 0, true, '[]'),
     ('g-2', TIMESTAMP '2025-11-20 11:00:00', 'forfeiture_graded', 25, 24, 0.01, false,
      '[{"employee_id":"E1","date":"2025-06-30","metric":"forfeiture.employer_match","expected":"120.5","actual":"120.51","variance":"0.01"}]')`,
  `INSERT INTO drift_runs VALUES
     ('d-1', 'scenario', 'baseline', 'baseline-2025.json', TIMESTAMP '2025-11-21 09:10:00', 64, 0, '[]', '{}', 'passed'),
     ('d-2', 'scenario', 'baseline', 'baseline-2025.json', TIMESTAMP '2025-11-22 09:10:00', 64, 2,
      '["contributions.employer_match.sum", "contributions.employer_match.mean"]', '{}', 'drifted')`,
  `INSERT INTO ndt_tests VALUES
     ('baseline', 2023, 'adp', 'current_year', 40, 180, 0.0612, 0.0455, 0.0655, 'pass', 0),
     ('baseline', 2023, 'acp', 'current_year', 40, 180, 0.0300, 0.0230, 0.0430, 'pass', 0),
     ('baseline', 2024, 'adp', 'current_year', 42, 175, 0.0702, 0.0451, 0.0651, 'fail', 5120.35),
     ('baseline', 2024, 'acp', 'current_year', 42, 175, 0.0300, 0.0231, 0.0431, 'pass', 0),
     ('baseline', 2025, 'adp', 'current_year', 41, 170, 0.0640, 0.0460, 0.0660, 'pass', 0),
     ('baseline', 2025, 'acp', 'current_year', 41, 170, 0.0300, 0.0229, 0.0429, 'pass', 0)`,
];

/**
 * A second design for the comparison page: the same people and events, employer match 1.5 times
 * as large for three people in four and 0.8 times for the fourth; left `running` (a banner).
 */
const compared = [
  `INSERT INTO scenarios SELECT 'richer', first_year, last_year, 'richer-2025', plan_design, seed,
     created_at + INTERVAL 1 HOUR, engine_version, ledger_version, 'running' FROM scenarios WHERE scenario_id = 'baseline'`,
  `INSERT INTO dim_participants SELECT 'richer', employee_id, birth_date, hire_date, annual_compensation, job_level, department
   FROM dim_participants WHERE scenario_id = 'baseline'`,
  insertEventsSql(`
   SELECT seq + 10000000, md5(CAST(event_id AS VARCHAR) || 'richer')::UUID, 'richer', 'richer-2025', employee_id,
     effective_date, simulation_year, created_at, source_system, correlation_id, event_type, plan_id, source,
     CASE WHEN event_type = 'contribution' AND source = 'employer_match'
          THEN round(amount * CASE WHEN hash(employee_id) % 4 = 0 THEN 0.8 ELSE 1.5 END, 2) ELSE amount END,
     ytd_amount, vested_percentage, payload
   FROM fct_yearly_events WHERE scenario_id = 'baseline'`),
  // Its tests: the richer match fails the 2024 ACP test, the ADP test of 2024 passes.
  `INSERT INTO ndt_tests SELECT 'richer', plan_year, test, method, hce_count, nhce_count, hce_average,
     nhce_average, test_limit, result, excess FROM ndt_tests WHERE scenario_id = 'baseline'`,
  `UPDATE ndt_tests SET result = 'pass', excess = 0 WHERE scenario_id = 'richer' AND plan_year = 2024 AND test = 'adp'`,
  `UPDATE ndt_tests SET hce_average = 0.0450, nhce_average = 0.0346, test_limit = 0.0546
   WHERE scenario_id = 'richer' AND test = 'acp'`,
  `UPDATE ndt_tests SET hce_average = 0.0600, result = 'fail', excess = 2345.67
   WHERE scenario_id = 'richer' AND plan_year = 2024 AND test = 'acp'`,
];

/** Builds the fixture store in a DuckDB file at `path` (it must not exist); `compare` adds a second scenario. */
export async function buildFixtureStore(path: string, opts: { compare?: boolean } = {}): Promise<void> {
  const instance = await DuckDBInstance.create(path);
  const conn = await instance.connect();
  try {
    for (const ddl of [...CORE_DDL, ...snapshotDdl(), ...QUALITY_DDL, ...GOLDEN_DDL, ...NDT_DDL])
      await conn.run(ddl);
    for (const statement of sql) await conn.run(statement);
    if (opts.compare) for (const statement of compared) await conn.run(statement);
    await conn.run('DROP TABLE people; DROP TABLE paydays; DROP TABLE raw');
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** Five recorded benchmark runs (quick and full), shaped like `bench --json` output. */
export function benchHistory(): ResultsFile[] {
  const metric = (name: string, unit: string, direction: 'higher' | 'lower', median: number) => ({
    name,
    unit,
    direction,
    samples: [median * 0.98, median, median * 1.02, median, median * 0.99, median * 1.01, median],
    median,
    mad: median * 0.01,
    cpu_bound: true,
    benchmark: name.split('.')[0],
  });
  return [0, 1, 2, 3, 4].map((k) => {
    const quick = k % 2 === 1;
    const drift = 1 + k * 0.04;
    return {
      schema_version: 1,
      environment: {
        cpu_model: 'AMD EPYC 7B13',
        cores: 2,
        memory_mb: 7940,
        platform: 'linux 6.1.0 x64',
        node: 'v20.20.2',
        duckdb: 'v1.5.6',
        planledger: '0.1.0',
        git_commit: `${'abcdef1234567'.slice(k)}${k}`.padEnd(12, '0'),
        date: `2025-11-${String(16 + k).padStart(2, '0')}T08:00:00Z`,
        calibration: { score: 410 + k, unit: 'ops/ms', samples: [410], mad: 1, workload: 'sha256-v1' },
      },
      suite: { quick, repetitions: 7, only: null, seconds: 90, benchmarks: [] },
      metrics: [
        metric('validation.object_us_per_event', 'us/event', 'lower', 0.9 * drift),
        metric('validation.ndjson_us_per_event', 'us/event', 'lower', 2.9 * drift),
        metric('validation.json_parse_us_per_event', 'us/event', 'lower', 2.2),
        metric('ingest.events_per_s', 'events/s', 'higher', 520_000 / drift),
        metric('ingest.read_json_events_per_s', 'events/s', 'higher', 740_000),
        metric('history.p99_ms', 'ms', 'lower', 3.1 * drift),
        metric('snapshots.balance_snapshot_p99_ms', 'ms', 'lower', 2.2 * drift),
        metric('simulate.peak_rss_mb', 'MB', 'lower', 610 + k * 12),
      ],
    } satisfies ResultsFile;
  });
}
