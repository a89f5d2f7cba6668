/**
 * The SQL context every rule runs in (docs/quality.md, "What a rule's SQL can use"):
 *   dq_events, dq_participants, dq_scenarios  the store's tables, limited to the scenario checked
 *   dq_limits(scenario_id, year, limit_402g, catch_up, catch_up_60_63, limit_415c, limit_401a17, hce,
 *             roth_catch_up_wages)
 *   dq_pay_dates(scenario_id, pay_date, periods)  each scenario's payroll calendar (its plan design)
 *   dq_buckets(source, bucket)                contribution source → ledger bucket
 *   dq_ndt_tests                              `planledger ndt` results (ndt_tests; empty before a run)
 *   dq_now()                                  the run's clock (UTC timestamp)
 * They are temporary objects of the connection: nothing is written to the store.
 * The figures come from their one source: IRS limits from src/engine/irs-limits.ts (plus each
 * scenario's own `irs_limits`), buckets from the ledger, pay calendars from the engine's calendar
 * rules (src/engine/calendar.ts) applied to the scenario's `payroll`.
 */
import { type DuckDBConnection, quotedString } from '@duckdb/node-api';
import { PERIODS, payDatesOfYear } from '../engine/calendar.js';
import { IRS_LIMITS, type IrsLimitsText } from '../engine/irs-limits.js';
import type { Frequency } from '../engine/plan.js';
import { fromDay, isValidDate, toDay } from '../schema/dates.js';
import { PENDING_SQL_FILTER } from '../store/scenario-runs.js';
import { SOURCE_BUCKETS } from './reference.js';

export interface ContextOptions {
  scenario?: string;
  /** The run's clock, ISO 8601 UTC. */
  now: string;
}

/** A decimal literal, or NULL. */
function num(s: string | null | undefined): string {
  if (s === null || s === undefined) return 'NULL';
  if (!/^[0-9]+(\.[0-9]+)?$/.test(s)) throw new Error(`not a decimal amount: ${JSON.stringify(s)}`);
  return `${s}::DECIMAL(18,6)`;
}

interface ScenarioRow {
  scenario_id: string;
  first_year: number;
  last_year: number;
  plan: string;
}

async function scenarioRows(conn: DuckDBConnection, scenarioFilter: string): Promise<ScenarioRow[]> {
  const reader = await conn.runAndReadAll(
    `SELECT scenario_id, first_year, last_year, CAST(plan_design AS VARCHAR) AS plan FROM scenarios ${scenarioFilter}
     ORDER BY scenario_id`,
  );
  return reader.getRowObjectsJson() as unknown as ScenarioRow[];
}

interface PlanFacts {
  irs_limits?: Record<string, IrsLimitsText>;
  payroll?: { frequency?: string; anchor_pay_date?: string };
}

/** The plan design's JSON; an unreadable one gives {} (effective_date rules still see the scenario). */
function planFacts(plan: string): PlanFacts {
  try {
    const parsed = JSON.parse(plan) as PlanFacts | null;
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}

/** Limits of each scenario: the built-in table with the plan design's `irs_limits` years on top. */
function limitRows(scenarios: ScenarioRow[]): string[] {
  const rows: string[] = [];
  for (const { scenario_id, plan } of scenarios) {
    const table = { ...IRS_LIMITS, ...(planFacts(plan).irs_limits ?? {}) };
    for (const [year, l] of Object.entries(table)) {
      rows.push(
        `(${quotedString(scenario_id)}, ${Number(year)}, ${num(l['402g'])}, ${num(l.catch_up)}, ${num(l.catch_up_60_63)}, ` +
          `${num(l['415c'])}, ${num(l['401a17'])}, ${num(l.hce)}, ${num(l.roth_catch_up_wages)})`,
      );
    }
  }
  return rows;
}

/**
 * Pay dates of each scenario's simulated years (calculations.md, Payroll), for the rules that
 * need gross pay. A scenario whose plan design has no usable `payroll` has none: those rules
 * then fall back to what the events alone show.
 */
function payDateRows(scenarios: ScenarioRow[]): string[] {
  const rows: string[] = [];
  for (const s of scenarios) {
    const pay = planFacts(s.plan).payroll;
    const frequency = pay?.frequency as Frequency | undefined;
    if (frequency === undefined || !(frequency in PERIODS)) continue;
    const weekly = frequency === 'weekly' || frequency === 'biweekly';
    const anchorIso = pay?.anchor_pay_date;
    if (weekly && (typeof anchorIso !== 'string' || !isValidDate(anchorIso))) continue;
    const anchor = weekly ? toDay(anchorIso as string) : null;
    for (let y = Number(s.first_year); y <= Number(s.last_year); y++) {
      for (const d of payDatesOfYear(frequency, y, anchor))
        rows.push(
          `(${quotedString(s.scenario_id)}, DATE ${quotedString(fromDay(d))}, ${PERIODS[frequency]})`,
        );
    }
  }
  return rows;
}

/** Create (or replace) the rule context on this connection. */
export async function createRuleContext(conn: DuckDBConnection, opts: ContextOptions): Promise<void> {
  // Every scenario: pending runs (src/store/scenario-runs.ts) are not scenarios and are left out.
  const where =
    opts.scenario === undefined
      ? `WHERE ${PENDING_SQL_FILTER}`
      : `WHERE scenario_id = ${quotedString(opts.scenario)}`;
  await conn.run(`CREATE OR REPLACE TEMP VIEW dq_events AS SELECT * FROM fct_yearly_events ${where}`);
  await conn.run(`CREATE OR REPLACE TEMP VIEW dq_participants AS SELECT * FROM dim_participants ${where}`);
  await conn.run(`CREATE OR REPLACE TEMP VIEW dq_scenarios AS SELECT * FROM scenarios ${where}`);
  const scenarios = await scenarioRows(conn, where);
  const limits = limitRows(scenarios);
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE dq_limits (scenario_id VARCHAR, year INTEGER, limit_402g DECIMAL(18,6),
      catch_up DECIMAL(18,6), catch_up_60_63 DECIMAL(18,6), limit_415c DECIMAL(18,6), limit_401a17 DECIMAL(18,6),
      hce DECIMAL(18,6), roth_catch_up_wages DECIMAL(18,6))`,
  );
  if (limits.length > 0) await conn.run(`INSERT INTO dq_limits VALUES ${limits.join(', ')}`);
  const payDates = payDateRows(scenarios);
  await conn.run(
    'CREATE OR REPLACE TEMP TABLE dq_pay_dates (scenario_id VARCHAR, pay_date DATE, periods INTEGER)',
  );
  for (let i = 0; i < payDates.length; i += 10_000)
    await conn.run(`INSERT INTO dq_pay_dates VALUES ${payDates.slice(i, i + 10_000).join(', ')}`);
  const buckets = Object.entries(SOURCE_BUCKETS).map(([s, b]) => `(${quotedString(s)}, ${quotedString(b)})`);
  await conn.run(`CREATE OR REPLACE TEMP TABLE dq_buckets (source VARCHAR, bucket VARCHAR)`);
  await conn.run(`INSERT INTO dq_buckets VALUES ${buckets.join(', ')}`);
  const now = new Date(opts.now).toISOString().replace('T', ' ').replace('Z', '');
  await conn.run(`CREATE OR REPLACE TEMP MACRO dq_now() AS TIMESTAMP ${quotedString(now)}`);
  await createNdtView(conn, where);
}

/** dq_ndt_tests: the stored ADP/ACP results (docs/ndt.md), or an empty view of that shape. */
async function createNdtView(conn: DuckDBConnection, where: string): Promise<void> {
  const found = await conn.runAndReadAll(
    "SELECT 1 FROM information_schema.tables WHERE table_schema = 'main' AND table_name = 'ndt_tests'",
  );
  const source =
    found.getRows().length > 0
      ? `ndt_tests ${where}`
      : `(SELECT NULL::VARCHAR AS scenario_id, NULL::INTEGER AS plan_year, NULL::VARCHAR AS test,
          NULL::VARCHAR AS method, NULL::INTEGER AS hce_count, NULL::INTEGER AS nhce_count,
          NULL::DECIMAL(9,4) AS hce_average, NULL::DECIMAL(9,4) AS nhce_average,
          NULL::DECIMAL(9,4) AS test_limit, NULL::VARCHAR AS result, NULL::DECIMAL(18,6) AS excess) WHERE false`;
  await conn.run(`CREATE OR REPLACE TEMP VIEW dq_ndt_tests AS SELECT * FROM ${source}`);
}
