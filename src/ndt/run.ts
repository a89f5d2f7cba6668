/**
 * Running the ADP and ACP tests of a scenario (nondiscrimination.md): gather the figures
 * set-wise in DuckDB (gather.ts), decide each plan year's tests and correct the failed ones
 * with the pure arithmetic of index.ts, and store the results (`ndt_tests`, `ndt_shares`).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { PlanDesign } from '../engine/plan.js';
import { type Decimal, formatDecimal } from '../schema/decimal.js';
import { inTransaction } from '../store/transaction.js';
import { dropTestFigures, gatherTestFigures, groupSums, hcesOfYear, yearsWithAfterTax } from './gather.js';
import {
  correctFailedTest,
  evaluateTest,
  formatRatio,
  type GroupSum,
  type HceShare,
  safeHarborAcpExempt,
  type TestKind,
  type TestOutcome,
} from './index.js';

export interface NdtTest extends TestOutcome {
  excess: Decimal;
  /** Per HCE of a failed test (employee_id order); empty otherwise. */
  shares: HceShare[];
}

export interface NdtReport {
  scenarioId: string;
  tests: NdtTest[];
}

const EMPTY: GroupSum = { count: 0, sum: 0n };

/** Compute both tests for every plan year of `years` (nondiscrimination.md, Results). */
export async function runNdt(
  conn: DuckDBConnection,
  scenarioId: string,
  plan: PlanDesign,
  years: readonly [number, number],
): Promise<NdtReport> {
  await gatherTestFigures(conn, scenarioId, plan, years);
  try {
    const groups = await groupSums(conn);
    const afterTax = await yearsWithAfterTax(conn);
    const group = (year: number, hce: boolean, test: TestKind): GroupSum => {
      const g = groups.find((r) => r.year === year && r.isHce === hce);
      return g === undefined ? EMPTY : { count: g.count, sum: test === 'adp' ? g.adpSum : g.acpSum };
    };
    const matchExempt = safeHarborAcpExempt(plan.match.tiers);
    const tests: NdtTest[] = [];
    for (let year = years[0]; year <= years[1]; year++) {
      for (const test of ['adp', 'acp'] as const) {
        const safe = plan.safeHarbor !== null;
        // A safe-harbor plan's ACP test always uses current_year (The ratios).
        const method = safe && test === 'acp' ? 'current_year' : plan.nondiscrimination.method;
        const exempt = safe && (test === 'adp' || (matchExempt && !afterTax.has(year)));
        const outcome = evaluateTest({
          year,
          test,
          method,
          exempt,
          hce: group(year, true, test),
          nhce: group(year, false, test),
          priorNhce: year > years[0] ? group(year - 1, false, test) : null,
        });
        tests.push({ ...outcome, excess: 0n, shares: [] });
      }
    }
    for (const t of tests) {
      if (t.result !== 'fail') continue;
      const hces = (await hcesOfYear(conn, t.year)).map((h) => ({
        employeeId: h.employeeId,
        compensation: h.compensation,
        contributions: t.test === 'adp' ? h.adpContributions : h.acpContributions,
        ratio: t.test === 'adp' ? h.adpRatio : h.acpRatio,
        catchUpLeft: h.catchUpLeft,
      }));
      const c = correctFailedTest(t.test, hces, t.limit);
      t.excess = c.excess;
      t.shares = c.shares;
    }
    return { scenarioId, tests };
  } finally {
    await dropTestFigures(conn);
  }
}

/** The tables of stored results: one per level (docs/ndt.md, "Stored results"). */
export const NDT_DDL = [
  `CREATE TABLE IF NOT EXISTS ndt_tests (
    scenario_id VARCHAR NOT NULL,
    plan_year INTEGER NOT NULL,
    test VARCHAR NOT NULL,
    method VARCHAR NOT NULL,
    hce_count INTEGER NOT NULL,
    nhce_count INTEGER NOT NULL,
    hce_average DECIMAL(9,4) NOT NULL,
    nhce_average DECIMAL(9,4) NOT NULL,
    test_limit DECIMAL(9,4) NOT NULL,
    result VARCHAR NOT NULL,
    excess DECIMAL(18,6) NOT NULL,
    PRIMARY KEY (scenario_id, plan_year, test)
  )`,
  `CREATE TABLE IF NOT EXISTS ndt_shares (
    scenario_id VARCHAR NOT NULL,
    plan_year INTEGER NOT NULL,
    test VARCHAR NOT NULL,
    employee_id VARCHAR NOT NULL,
    share DECIMAL(18,6) NOT NULL,
    catch_up DECIMAL(18,6) NOT NULL,
    distribution DECIMAL(18,6) NOT NULL
  )`,
];

/** Replace a scenario's stored results with `report`, in one transaction. */
export async function storeNdt(conn: DuckDBConnection, report: NdtReport): Promise<void> {
  for (const ddl of NDT_DDL) await conn.run(ddl);
  const { DuckDBDecimalValue } = await import('@duckdb/node-api');
  const money = (v: Decimal) => new DuckDBDecimalValue(v, 18, 6);
  await inTransaction(conn, async () => {
    for (const t of ['ndt_shares', 'ndt_tests'])
      await conn.run(`DELETE FROM ${t} WHERE scenario_id = $s`, { s: report.scenarioId });
    for (const t of report.tests)
      await conn.run(
        `INSERT INTO ndt_tests VALUES ($s, $y, $test, $method, $hc, $nc, CAST($ha AS DECIMAL(9,4)),
           CAST($na AS DECIMAL(9,4)), CAST($lim AS DECIMAL(9,4)), $result, CAST($excess AS DECIMAL(18,6)))`,
        {
          s: report.scenarioId,
          y: t.year,
          test: t.test,
          method: t.method,
          hc: t.hceCount,
          nc: t.nhceCount,
          ha: formatRatio(t.hceAverage),
          na: formatRatio(t.nhceAverage),
          lim: formatRatio(t.limit),
          result: t.result,
          excess: formatDecimal(t.excess),
        },
      );
    const app = await conn.createAppender('ndt_shares');
    try {
      for (const t of report.tests)
        for (const s of t.shares) {
          app.appendVarchar(report.scenarioId);
          app.appendInteger(t.year);
          app.appendVarchar(t.test);
          app.appendVarchar(s.employeeId);
          app.appendDecimal(money(s.share));
          app.appendDecimal(money(s.catchUp));
          app.appendDecimal(money(s.distribution));
          app.endRow();
        }
      app.flushSync();
    } finally {
      app.closeSync();
    }
  });
}

/** One test's figures without its shares, as `--json` gives them (the comparison's form). */
export function testSummaryJson(t: NdtTest) {
  return {
    year: t.year,
    test: t.test,
    method: t.method,
    hce_count: t.hceCount,
    nhce_count: t.nhceCount,
    hce_average: formatRatio(t.hceAverage),
    nhce_average: formatRatio(t.nhceAverage),
    limit: formatRatio(t.limit),
    result: t.result,
    excess: formatDecimal(t.excess),
  };
}

/** The `--json` form of one test (issue 26): ratios and money as decimal strings. */
export function testJson(t: NdtTest) {
  return {
    ...testSummaryJson(t),
    shares: t.shares.map((s) => ({
      employee_id: s.employeeId,
      share: formatDecimal(s.share),
      catch_up: formatDecimal(s.catchUp),
      distribution: formatDecimal(s.distribution),
    })),
  };
}

/** Human-readable lines: one per test, then its HCE shares. */
export function formatNdt(report: NdtReport, tests: readonly NdtTest[] = report.tests): string {
  const lines = [`scenario ${report.scenarioId}: ADP and ACP tests`];
  for (const t of tests) {
    lines.push(
      `${t.year} ${t.test.toUpperCase()} ${t.result.padEnd(6)} method ${t.method}, HCEs ${t.hceCount} avg ${formatRatio(t.hceAverage)}, ` +
        `NHCEs ${t.nhceCount} avg ${formatRatio(t.nhceAverage)}, limit ${formatRatio(t.limit)}, excess ${formatDecimal(t.excess)}`,
    );
    for (const s of t.shares)
      if (s.share > 0n)
        lines.push(
          `    ${s.employeeId}: share ${formatDecimal(s.share)}, catch-up ${formatDecimal(s.catchUp)}, distribution ${formatDecimal(s.distribution)}`,
        );
  }
  return lines.join('\n');
}

/** The scenario or its plan design cannot be tested as asked (a usage error: exit 2). */
export class NdtInputError extends Error {
  override name = 'NdtInputError';
}

export interface NdtScenario {
  scenarioId: string;
  years: [number, number];
  plan: PlanDesign;
}

/**
 * The scenario to test (the store's only one when `scenario` is left out) with its years and
 * its plan design, parsed as any plan file is (safe-harbor claims checked).
 */
export async function loadNdtScenario(
  conn: DuckDBConnection,
  scenario: string | undefined,
): Promise<NdtScenario> {
  const r = await conn.runAndReadAll(
    'SELECT scenario_id, first_year, last_year, CAST(plan_design AS VARCHAR), status FROM scenarios ORDER BY scenario_id',
  );
  const all = r.getRows();
  const ids = all.map((row) => String(row[0]));
  const row =
    scenario === undefined ? (all.length === 1 ? all[0] : undefined) : all.find((x) => x[0] === scenario);
  if (row === undefined) {
    const known = ids.length > 0 ? ` (scenarios: ${ids.slice(0, 10).join(', ')})` : '';
    throw new NdtInputError(
      scenario !== undefined
        ? `unknown scenario ${scenario}${known}`
        : ids.length === 0
          ? 'the store holds no scenario: run planledger simulate first'
          : `the store holds several scenarios${known}: pass --scenario`,
    );
  }
  const id = String(row[0]);
  const years: [number, number] = [Number(row[1]), Number(row[2])];
  const json = JSON.parse(String(row[3])) as unknown;
  if (json !== null && typeof json === 'object' && Object.keys(json).length === 0)
    throw new NdtInputError(
      `scenario ${id} has no plan design (status ${String(row[4])}: its events were ingested); ` +
        'the tests need the plan design a simulation stores',
    );
  const { parsePlan } = await import('../engine/plan.js');
  const { PlanError } = await import('../engine/errors.js');
  try {
    return { scenarioId: id, years, plan: parsePlan(json, `scenario ${id} plan_design`, { years }) };
  } catch (err) {
    if (err instanceof PlanError) throw new NdtInputError(err.message);
    throw err;
  }
}
