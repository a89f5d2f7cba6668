/**
 * What the report shows, read from a store (the DuckDB file or a lake's views: the same SQL).
 * Each section is null when its tables are absent or empty; the page then says which command
 * produces it. Money and rates stay exact (decimal strings → bigint micro-units).
 */
import { type DuckDBConnection, quotedString } from '@duckdb/node-api';
import { type PlanYear, planYears, type ScenarioRef, sourcesPresent } from '../figures/index.js';
import { BUCKETS as LEDGER_BUCKETS } from '../ledger/buckets.js';
import { CONTRIBUTION_SOURCES } from '../schema/contract.js';
import { dec } from '../schema/decimal.js';
import { isPendingScenarioId } from '../store/scenario-runs.js';

export type Row = Record<string, unknown>;

export async function query(conn: DuckDBConnection, sql: string): Promise<Row[]> {
  return (await conn.runAndReadAll(sql)).getRowObjectsJson() as Row[];
}

const big = (v: unknown): bigint => (v === null || v === undefined ? 0n : BigInt(String(v)));
const money = (v: unknown): bigint => (v === null || v === undefined ? 0n : dec(String(v)));

/** Tables and views visible to queries (a lake exposes views, the file tables). */
export async function visibleTables(conn: DuckDBConnection): Promise<Set<string>> {
  const rows = await query(
    conn,
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'`,
  );
  return new Set(rows.map((r) => String(r.table_name)));
}

async function columnsOf(conn: DuckDBConnection, table: string): Promise<Set<string>> {
  const rows = await query(
    conn,
    `SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' AND table_name = ${quotedString(table)}`,
  );
  return new Set(rows.map((r) => String(r.column_name)));
}

// ---------------------------------------------------------------- scenario summary

export type { PlanYear as YearFigures } from '../figures/index.js';

export interface ScenarioSummary {
  scenario: Row;
  /** Every scenario in the store (the report shows one, or compares several). */
  all: Row[];
  /** The plan figures by year: src/figures, the definitions the CLI summaries print too. */
  years: PlanYear[];
  /** Contribution sources present, in the contract's order. */
  sources: string[];
}

/** The contract's order of contribution sources (events.md, contribution). */
export const SOURCES: readonly string[] = CONTRIBUTION_SOURCES;

/** The scenarios to show: those asked for (in that order), else the most recently created. */
export async function pickScenarios(
  conn: DuckDBConnection,
  wanted: readonly string[],
): Promise<{ chosen: Row[]; missing: string[]; all: Row[] }> {
  const all = await query(
    conn,
    `SELECT scenario_id, first_year, last_year, plan_design_id, CAST(seed AS VARCHAR) AS seed,
            strftime(created_at, '%Y-%m-%d %H:%M:%S') AS created_at, engine_version, ledger_version, status
     FROM scenarios ORDER BY created_at DESC, scenario_id`,
  );
  if (wanted.length === 0) {
    // The default is the newest scenario; pending runs (src/store/scenario-runs.ts) are not scenarios.
    const shown = all.filter((r) => !isPendingScenarioId(String(r.scenario_id)));
    return { chosen: shown.slice(0, 1), missing: [], all: shown };
  }
  const chosen = wanted.map((w) => all.find((r) => r.scenario_id === w)).filter((r) => r !== undefined);
  return { chosen, missing: wanted.filter((w) => !all.some((r) => r.scenario_id === w)), all };
}

/** The scenario to show: the one asked for, else the most recently created. */
export async function pickScenario(
  conn: DuckDBConnection,
  wanted?: string,
): Promise<{ chosen: Row | null; all: Row[] }> {
  const { chosen, all } = await pickScenarios(conn, wanted === undefined ? [] : [wanted]);
  return { chosen: chosen[0] ?? null, all };
}

export function scenarioRef(scenario: Row): ScenarioRef {
  return {
    scenarioId: String(scenario.scenario_id),
    first: Number(scenario.first_year),
    last: Number(scenario.last_year),
  };
}

export async function scenarioSummary(
  conn: DuckDBConnection,
  scenario: Row,
  all: Row[],
): Promise<ScenarioSummary> {
  const years = await planYears(conn, scenarioRef(scenario));
  return { scenario, all, years, sources: sourcesPresent(years) };
}

// ---------------------------------------------------------------- balances by week

/** The six ledger buckets (calculations.md, The ledger), named as the snapshot columns. */
export const BUCKETS: readonly string[] = LEDGER_BUCKETS;

export interface WeeklyBalances {
  dates: string[];
  buckets: { name: string; values: bigint[] }[];
  vested: bigint[];
  participants: bigint[];
  ledgerVersions: string[];
  createdAt: string | null;
}

export async function weeklyBalances(
  conn: DuckDBConnection,
  scenarioId: string,
): Promise<WeeklyBalances | null> {
  const table = 'fct_participant_balance_snapshots';
  const cols = await columnsOf(conn, table);
  if (cols.size === 0) return null;
  // The bucket columns are named after the buckets (older layouts add `_balance`).
  const bucketCols = BUCKETS.map((b) => [b, cols.has(b) ? b : `${b}_balance`]).filter(([, c]) => cols.has(c));
  const sums = bucketCols.map(([b, c]) => `CAST(sum("${c}") AS VARCHAR) AS "${b}"`);
  const rows = await query(
    conn,
    `SELECT CAST(snapshot_date AS VARCHAR) AS d, count(DISTINCT employee_id) AS participants,
       ${sums.join(', ')}, CAST(sum(vested_balance) AS VARCHAR) AS vested
     FROM ${table} WHERE scenario_id = ${quotedString(scenarioId)} GROUP BY snapshot_date ORDER BY snapshot_date`,
  );
  if (rows.length === 0) return null;
  const meta = await query(
    conn,
    `SELECT ${cols.has('ledger_version') ? 'list(DISTINCT ledger_version ORDER BY ledger_version)' : '[]'} AS versions,
       strftime(max(created_at), '%Y-%m-%d %H:%M:%S') AS created_at
     FROM ${table} WHERE scenario_id = ${quotedString(scenarioId)}`,
  );
  return {
    dates: rows.map((r) => String(r.d)),
    buckets: bucketCols.map(([b]) => ({ name: b, values: rows.map((r) => money(r[b])) })),
    vested: rows.map((r) => money(r.vested)),
    participants: rows.map((r) => big(r.participants)),
    ledgerVersions: (meta[0]?.versions as string[] | undefined) ?? [],
    createdAt: (meta[0]?.created_at as string | null) ?? null,
  };
}

// ---------------------------------------------------------------- quality, golden, drift

export interface QualityRuns {
  /** Every run, newest first. */
  runs: Row[];
  /** Results of the newest run. */
  latest: Row[];
}

/**
 * Every row of a table owned by another area, filtered by scenario (rows without one are kept)
 * and ordered newest first, using only the columns that exist.
 */
async function tableRows(
  conn: DuckDBConnection,
  table: string,
  filter: { scenario?: string; runId?: string },
  order: string[],
): Promise<Row[]> {
  const cols = await columnsOf(conn, table);
  if (cols.size === 0) return [];
  const where: string[] = [];
  if (filter.scenario !== undefined && cols.has('scenario_id')) {
    where.push(`(scenario_id = ${quotedString(filter.scenario)} OR scenario_id IS NULL)`);
  }
  if (filter.runId !== undefined && cols.has('run_id')) where.push(`run_id = ${quotedString(filter.runId)}`);
  const by = order.filter((c) => cols.has(c.split(' ')[0]));
  const w = where.length ? ` WHERE ${where.join(' AND ')}` : '';
  const o = by.length ? ` ORDER BY ${by.join(', ')}` : '';
  return query(conn, `SELECT * FROM ${table}${w}${o}`);
}

export async function qualityRuns(conn: DuckDBConnection, scenarioId: string): Promise<QualityRuns | null> {
  const runs = await tableRows(conn, 'dq_runs', { scenario: scenarioId }, ['started_at DESC', 'run_id DESC']);
  if (runs.length === 0) return null;
  const latest = await tableRows(conn, 'dq_results', { runId: String(runs[0].run_id) }, [
    'severity',
    'rule_id',
  ]);
  return { runs, latest };
}

export async function goldenRuns(conn: DuckDBConnection): Promise<Row[] | null> {
  const rows = await tableRows(conn, 'golden_runs', {}, ['run_at DESC', 'run_id DESC', 'case_name']);
  return rows.length === 0 ? null : rows;
}

export async function driftRuns(conn: DuckDBConnection, scenarioId: string): Promise<Row[] | null> {
  const rows = await tableRows(conn, 'drift_runs', { scenario: scenarioId }, [
    'checked_at DESC',
    'run_id DESC',
  ]);
  return rows.length === 0 ? null : rows;
}
