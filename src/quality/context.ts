/**
 * The SQL context every rule runs in (docs/quality.md, "What a rule's SQL can use"):
 *   dq_events, dq_participants, dq_scenarios  the store's tables, limited to the scenario checked
 *   dq_limits(scenario_id, year, limit_402g, catch_up, catch_up_60_63, limit_415c, limit_401a17, hce)
 *   dq_buckets(source, bucket)                contribution source → ledger bucket
 *   dq_now()                                  the run's clock (UTC timestamp)
 * They are temporary objects of the connection: nothing is written to the store.
 * The figures come from their one source: IRS limits from src/engine/irs-limits.ts (plus each
 * scenario's own `irs_limits`), buckets from the ledger.
 */
import { type DuckDBConnection, quotedString } from '@duckdb/node-api';
import { IRS_LIMITS, type IrsLimitsText } from '../engine/irs-limits.js';
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

/** Limits of each scenario: the built-in table with the plan design's `irs_limits` years on top. */
async function limitRows(conn: DuckDBConnection, scenarioFilter: string): Promise<string[]> {
  const reader = await conn.runAndReadAll(
    `SELECT scenario_id, CAST(plan_design AS VARCHAR) AS plan FROM scenarios ${scenarioFilter} ORDER BY scenario_id`,
  );
  const rows: string[] = [];
  const scenarios = reader.getRowObjectsJson() as { scenario_id: string; plan: string }[];
  for (const { scenario_id, plan } of scenarios) {
    let own: Record<string, IrsLimitsText> = {};
    try {
      const parsed = JSON.parse(plan) as { irs_limits?: Record<string, IrsLimitsText> };
      own = parsed.irs_limits ?? {};
    } catch {
      // An unreadable plan design keeps the built-in table; effective_date rules still see the scenario.
    }
    const table = { ...IRS_LIMITS, ...own };
    for (const [year, l] of Object.entries(table)) {
      rows.push(
        `(${quotedString(scenario_id)}, ${Number(year)}, ${num(l['402g'])}, ${num(l.catch_up)}, ${num(l.catch_up_60_63)}, ` +
          `${num(l['415c'])}, ${num(l['401a17'])}, ${num(l.hce)})`,
      );
    }
  }
  return rows;
}

/** Create (or replace) the rule context on this connection. */
export async function createRuleContext(conn: DuckDBConnection, opts: ContextOptions): Promise<void> {
  const where = opts.scenario === undefined ? '' : `WHERE scenario_id = ${quotedString(opts.scenario)}`;
  await conn.run(`CREATE OR REPLACE TEMP VIEW dq_events AS SELECT * FROM fct_yearly_events ${where}`);
  await conn.run(`CREATE OR REPLACE TEMP VIEW dq_participants AS SELECT * FROM dim_participants ${where}`);
  await conn.run(`CREATE OR REPLACE TEMP VIEW dq_scenarios AS SELECT * FROM scenarios ${where}`);
  const limits = await limitRows(conn, where);
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE dq_limits (scenario_id VARCHAR, year INTEGER, limit_402g DECIMAL(18,6),
      catch_up DECIMAL(18,6), catch_up_60_63 DECIMAL(18,6), limit_415c DECIMAL(18,6), limit_401a17 DECIMAL(18,6),
      hce DECIMAL(18,6))`,
  );
  if (limits.length > 0) await conn.run(`INSERT INTO dq_limits VALUES ${limits.join(', ')}`);
  const buckets = Object.entries(SOURCE_BUCKETS).map(([s, b]) => `(${quotedString(s)}, ${quotedString(b)})`);
  await conn.run(`CREATE OR REPLACE TEMP TABLE dq_buckets (source VARCHAR, bucket VARCHAR)`);
  await conn.run(`INSERT INTO dq_buckets VALUES ${buckets.join(', ')}`);
  const now = new Date(opts.now).toISOString().replace('T', ' ').replace('Z', '');
  await conn.run(`CREATE OR REPLACE TEMP MACRO dq_now() AS TIMESTAMP ${quotedString(now)}`);
}
