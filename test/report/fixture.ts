/**
 * A small, deterministic store for the report and lake tests, built in SQL: 240 people over
 * 2023–2025 with hires, terminations, biweekly contributions from five sources, yearly
 * hce_status and vesting, forfeitures at termination, weekly snapshots, and one run each of
 * data quality (with a failure), golden and drift. It is shaped like the engine's output, not
 * computed by the engine (the report only reads tables).
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { CORE_DDL } from '../../src/store/ddl.js';

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
   SELECT p.employee_id, d.pay_date, 'contribution', s.source,
     round(p.comp * s.rate / 26, 2), s.ord,
     json_object('event_type', 'contribution', 'source', s.source)
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
  `INSERT INTO fct_yearly_events
   SELECT row_number() OVER (ORDER BY employee_id, effective_date, ord, source),
     uuid(), 'baseline', 'standard-2025', employee_id, effective_date, year(effective_date),
     TIMESTAMP '2025-11-20 10:00:00', 'plan_engine', NULL, event_type,
     CASE WHEN event_type IN ('contribution', 'forfeiture', 'hce_status') THEN 'P401K' END,
     source, amount, NULL, NULL, payload
   FROM raw WHERE year(effective_date) BETWEEN 2023 AND 2025`,
  `UPDATE fct_yearly_events SET event_id = md5(employee_id || seq)::UUID`,
  `CREATE TABLE fct_participant_balance_snapshots (
     snapshot_id VARCHAR, employee_id VARCHAR, plan_id VARCHAR, scenario_id VARCHAR, snapshot_date DATE,
     employee_pre_tax_balance DECIMAL(18,6), employee_roth_balance DECIMAL(18,6),
     employee_after_tax_balance DECIMAL(18,6), employer_match_balance DECIMAL(18,6),
     employer_nonelective_balance DECIMAL(18,6), employer_profit_sharing_balance DECIMAL(18,6),
     vested_percentage DECIMAL(5,4), vested_balance DECIMAL(18,6), outstanding_loan_balance DECIMAL(18,6),
     event_count_since_last_snapshot INTEGER, created_at TIMESTAMP, ledger_version VARCHAR)`,
  `INSERT INTO fct_participant_balance_snapshots
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
   SELECT employee_id || '/' || snapshot_date, employee_id, 'P401K', 'baseline', snapshot_date,
     pre_tax, roth, 0, match, nonelective, 0, 0.6,
     pre_tax + roth + round((match + nonelective) * 0.6, 2), 0, 0, TIMESTAMP '2025-11-20 10:00:00', 'ledger-1'
   FROM sums`,
  `CREATE TABLE dq_runs (run_id VARCHAR, scenario_id VARCHAR, started_at TIMESTAMP, finished_at TIMESTAMP,
     rules_run INTEGER, errors INTEGER, warnings INTEGER, passed BOOLEAN, planledger_version VARCHAR)`,
  `INSERT INTO dq_runs VALUES
     ('dq-1', 'baseline', TIMESTAMP '2025-11-20 10:05:00', TIMESTAMP '2025-11-20 10:05:02', 3, 0, 0, true, '0.1.0'),
     ('dq-2', 'baseline', TIMESTAMP '2025-11-21 09:00:00', TIMESTAMP '2025-11-21 09:00:03', 3, 1, 1, false, '0.1.0')`,
  `CREATE TABLE dq_results (run_id VARCHAR, rule_id VARCHAR, description VARCHAR, severity VARCHAR,
     rows_checked BIGINT, rows_failed BIGINT, mostly DOUBLE, passed BOOLEAN, sample VARCHAR)`,
  `INSERT INTO dq_results VALUES
     ('dq-1', 'duplicate_event_id', 'Each event_id is stored once', 'error', 48000, 0, 1.0, true, '[]'),
     ('dq-1', 'ytd_running_sum', 'ytd_amount equals the running sum', 'error', 40000, 0, 1.0, true, '[]'),
     ('dq-1', 'created_at_future', 'created_at is not in the future', 'warn', 48000, 0, 1.0, true, '[]'),
     ('dq-2', 'duplicate_event_id', 'Each event_id is stored once', 'error', 48000, 0, 1.0, true, '[]'),
     ('dq-2', 'ytd_running_sum', 'ytd_amount equals the running sum', 'error', 40000, 12, 1.0, false, '[{"employee_id":"E00012"}]'),
     ('dq-2', 'created_at_future', 'created_at is not in the future', 'warn', 48000, 3, 0.99, true, '[]')`,
  `CREATE TABLE golden_runs (run_id VARCHAR, started_at TIMESTAMP, case_name VARCHAR, rows_checked INTEGER,
     rows_matched INTEGER, max_variance DECIMAL(18,6), all_matched BOOLEAN, planledger_version VARCHAR)`,
  `INSERT INTO golden_runs VALUES
     ('g-1', TIMESTAMP '2025-11-20 11:00:00', 'biweekly_basic', 42, 42, 0, true, '0.1.0'),
     ('g-1', TIMESTAMP '2025-11-20 11:00:00', 'catch_up_60_63', 18, 18, 0, true, '0.1.0'),
     ('g-1', TIMESTAMP '2025-11-20 11:00:00', 'forfeiture_graded', 25, 24, 0.01, false, '0.1.0')`,
  `CREATE TABLE drift_runs (run_id VARCHAR, scenario_id VARCHAR, checked_at TIMESTAMP, baseline VARCHAR,
     metrics_checked INTEGER, metrics_drifted INTEGER, drifted BOOLEAN, details VARCHAR)`,
  `INSERT INTO drift_runs VALUES
     ('d-1', 'baseline', TIMESTAMP '2025-11-21 09:10:00', 'baseline-2025.json', 64, 0, false, '[]')`,
];

/** Builds the fixture store in a DuckDB file at `path` (it must not exist). */
export async function buildFixtureStore(path: string): Promise<void> {
  const instance = await DuckDBInstance.create(path);
  const conn = await instance.connect();
  try {
    for (const ddl of CORE_DDL) await conn.run(ddl);
    for (const statement of sql) await conn.run(statement);
    await conn.run('DROP TABLE people; DROP TABLE paydays; DROP TABLE raw');
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
