/**
 * Run the data-quality rules inside DuckDB, and keep every run in dq_runs / dq_results
 * (docs/quality.md). Library entry point: runDataQuality(store, opts).
 */
import { randomUUID } from 'node:crypto';
import { type DuckDBConnection, quotedString } from '@duckdb/node-api';
import { InputError } from '../errors/index.js';
import { formatDecimal, ONE } from '../schema/decimal.js';
import { isPendingScenarioId } from '../store/scenario-runs.js';
import { requireReadableScenario } from '../store/scenarios.js';
import { inTransaction } from '../store/transaction.js';
import { VERSION } from '../version.js';
import { type ConnectionSource, connectionOf } from './connection.js';
import { createRuleContext } from './context.js';
import { QUALITY_DDL } from './ddl.js';
import { loadRules, type Rule, type Severity } from './rules.js';

export type RuleStatus = 'pass' | 'warn' | 'fail';

export interface RuleResult {
  rule_id: string;
  description: string;
  severity: Severity;
  /** Required pass fraction, as a decimal string. */
  mostly: string;
  rows_checked: number;
  rows_failed: number;
  /** (checked - failed) / checked, rounded down to 6 places; "1" when nothing was checked. */
  pass_fraction: string;
  status: RuleStatus;
  /** The first failing rows, as the rule's SQL returned them. */
  sample: Record<string, unknown>[];
  milliseconds: number;
}

export interface DqReport {
  run_id: string;
  scenario_id: string | null;
  started_at: string;
  finished_at: string;
  rules_source: string;
  errors_failed: number;
  warnings_failed: number;
  /** "failed" when an error rule failed its threshold. */
  status: 'passed' | 'failed';
  results: RuleResult[];
}

export interface DqOptions {
  scenario?: string;
  /** A user rules file merged over the defaults (by id). */
  rulesFile?: string;
  /** Rules to run instead of loading files (tests, callers with their own set). */
  rules?: Rule[];
  /** The run's clock (ISO 8601); default: now. Rules compare created_at with it. */
  now?: string;
  /** Write the run to dq_runs / dq_results (default true). False for read-only stores. */
  record?: boolean;
  /** Failing rows kept per rule (default 5). */
  sampleSize?: number;
  /** Check scenarios that are not complete too (`--allow-incomplete`). */
  allowIncomplete?: boolean;
}

/** Pass fraction in micro-units, rounded down (never shows a failing rule as passing). */
function passMicro(checked: number, failed: number): bigint {
  if (checked <= 0) return failed > 0 ? 0n : ONE;
  const passed = BigInt(Math.max(0, checked - failed));
  return (passed * ONE) / BigInt(checked);
}

/** A rule passes when its failing share is within `mostly` (a rule with no failing row always passes). */
export function rulePasses(rule: Pick<Rule, 'mostly'>, checked: number, failed: number): boolean {
  if (failed === 0) return true;
  if (checked <= 0) return false;
  // (checked - failed) / checked >= mostly, in exact integers.
  return BigInt(Math.max(0, checked - failed)) * ONE >= rule.mostly * BigInt(checked);
}

async function scalar(conn: DuckDBConnection, sql: string): Promise<number> {
  const rows = (await conn.runAndReadAll(sql)).getRowsJson();
  const v = rows[0]?.[0];
  const n = Number(v ?? 0);
  if (!Number.isFinite(n)) throw new Error(`expected one number, found ${JSON.stringify(v)}`);
  return n;
}

async function runRule(conn: DuckDBConnection, rule: Rule, sampleSize: number): Promise<RuleResult> {
  const t0 = performance.now();
  let failed: number;
  let checked: number;
  let sample: Record<string, unknown>[];
  try {
    await conn.run(`CREATE OR REPLACE TEMP TABLE dq_failing AS ${rule.sql}`);
    failed = await scalar(conn, 'SELECT count(*) FROM dq_failing');
    sample = (await conn.runAndReadAll(`SELECT * FROM dq_failing LIMIT ${sampleSize}`)).getRowObjectsJson();
    await conn.run('DROP TABLE dq_failing');
    checked = await scalar(conn, rule.checked_sql);
  } catch (err) {
    throw new InputError(
      `${rule.origin}: rule "${rule.id}" could not run: ${(err as Error).message.split('\n')[0]}`,
    );
  }
  const passes = rulePasses(rule, checked, failed);
  return {
    rule_id: rule.id,
    description: rule.description,
    severity: rule.severity,
    mostly: formatDecimal(rule.mostly),
    rows_checked: checked,
    rows_failed: failed,
    pass_fraction: formatDecimal(passMicro(checked, failed)),
    status: passes ? 'pass' : rule.severity === 'error' ? 'fail' : 'warn',
    sample,
    milliseconds: Math.round(performance.now() - t0),
  };
}

/** Write a run and its results (creating the quality tables when missing), in one transaction. */
export async function recordDqRun(conn: DuckDBConnection, report: DqReport): Promise<void> {
  for (const ddl of QUALITY_DDL) await conn.run(ddl);
  await inTransaction(conn, async () => {
    await conn.run(
      `INSERT INTO dq_runs VALUES ($1, $2, CAST($3 AS TIMESTAMP), CAST($4 AS TIMESTAMP), $5, $6, $7, $8, $9, $10)`,
      [
        report.run_id,
        report.scenario_id,
        report.started_at.replace('Z', ''),
        report.finished_at.replace('Z', ''),
        report.rules_source,
        report.results.length,
        report.errors_failed,
        report.warnings_failed,
        report.status,
        VERSION,
      ],
    );
    for (const r of report.results) {
      await conn.run(
        `INSERT INTO dq_results VALUES ($1, $2, $3, $4, $5, CAST($6 AS DECIMAL(7,6)), $7, $8, CAST($9 AS DECIMAL(7,6)), $10, $11, $12)`,
        [
          report.run_id,
          report.scenario_id,
          r.rule_id,
          r.description,
          r.severity,
          r.mostly,
          r.rows_checked,
          r.rows_failed,
          r.pass_fraction,
          r.status,
          JSON.stringify(r.sample),
          r.milliseconds,
        ],
      );
    }
  });
}

/** A scenario that the store does not know is a usage error, not an empty success. */
async function requireScenario(conn: DuckDBConnection, scenario: string): Promise<void> {
  const found = await scalar(
    conn,
    `SELECT (SELECT count(*) FROM scenarios WHERE scenario_id = ${quotedString(scenario)}) +
       (SELECT count(*) FROM (SELECT 1 FROM fct_yearly_events WHERE scenario_id = ${quotedString(scenario)} LIMIT 1))`,
  );
  if (found === 0) throw new InputError(`scenario ${scenario}: not in the store`);
}

/** Every scenario of the store with a scenarios row, pending runs left out (they are not scenarios). */
async function visibleScenarios(conn: DuckDBConnection): Promise<string[]> {
  const r = await conn.runAndReadAll('SELECT scenario_id FROM scenarios ORDER BY 1').catch(() => null);
  return (r?.getRows() ?? []).map((x) => String(x[0])).filter((id) => !isPendingScenarioId(id));
}

/** Run every enabled rule over the store (optionally one scenario); record the run unless told not to. */
export async function runDataQuality(store: ConnectionSource, opts: DqOptions = {}): Promise<DqReport> {
  const conn = connectionOf(store);
  const loaded = opts.rules ? { rules: opts.rules, source: 'given' } : loadRules(opts.rulesFile);
  const startedAt = new Date(opts.now ?? Date.now()).toISOString();
  if (opts.scenario !== undefined) await requireScenario(conn, opts.scenario);
  for (const id of opts.scenario !== undefined ? [opts.scenario] : await visibleScenarios(conn))
    await requireReadableScenario(conn, id, { allowIncomplete: opts.allowIncomplete });
  await createRuleContext(conn, { scenario: opts.scenario, now: startedAt });
  const results: RuleResult[] = [];
  for (const rule of loaded.rules) {
    if (rule.enabled) results.push(await runRule(conn, rule, opts.sampleSize ?? 5));
  }
  const errorsFailed = results.filter((r) => r.status === 'fail').length;
  const report: DqReport = {
    run_id: randomUUID(),
    scenario_id: opts.scenario ?? null,
    started_at: startedAt,
    finished_at: new Date(Math.max(Date.now(), Date.parse(startedAt))).toISOString(),
    rules_source: loaded.source,
    errors_failed: errorsFailed,
    warnings_failed: results.filter((r) => r.status === 'warn').length,
    status: errorsFailed > 0 ? 'failed' : 'passed',
    results,
  };
  if (opts.record ?? true) await recordDqRun(conn, report);
  return report;
}
