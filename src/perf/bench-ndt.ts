/**
 * ADP/ACP benchmark (docs/ndt.md): both tests over every plan year of an N-employee × 5-year
 * scenario, gathered set-wise in DuckDB and stored (`runNdt` + `storeNdt`, what `planledger
 * ndt` does after opening the store). Baseline in the same run, interleaved: a plain DuckDB
 * aggregate of the same contribution events per person and year (the least any set-wise test
 * must read), so the ratio says what the test costs beyond one scan.
 * Full: 100,000 employees (about 26M events); quick: 2,000.
 *
 * Events are the snapshot benchmark's synthetic store (bench-snapshots.ts: biweekly pre-tax and
 * match, yearly hce_status, eligibility at entry); the census rows and the plan design that
 * `ndt` reads are added here in the same shape as a simulation writes them.
 */
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { generateBenchEvents } from './bench-snapshots.js';
import { msSince, timeMs } from './measure.js';
import type { BenchContext, Benchmark, MetricSamples } from './types.js';

const SCENARIO = 'bench';
const PLAN = {
  plan_id: '401k',
  payroll: { frequency: 'biweekly', anchor_pay_date: '2021-01-08', deposit_lag_days: 2 },
  eligibility: { min_age: 21, service_months: 0, entry: 'immediate' },
  auto_enrollment: { enabled: false },
  match: { tiers: [{ rate: '1', up_to: '0.04' }] },
  vesting: { schedule: 'immediate' },
};

/** dim_participants and the scenario row, matching generateBenchEvents' people (same hashes). */
async function addCensus(conn: DuckDBConnection, employees: number): Promise<void> {
  await conn.run(`INSERT INTO dim_participants
    SELECT '${SCENARIO}', printf('E%07d', i), DATE '1960-01-01' + CAST(hash(i, 6) % 14000 AS INTEGER),
      CASE WHEN hash(i, 4) % 100 < 20 THEN make_date(2021 + CAST(hash(i, 5) % 5 AS INTEGER), 3, 1) ELSE DATE '2019-01-01' END,
      CAST(40000 + hash(i, 1) % 120000 AS DECIMAL(18,6)), 1, 'bench'
    FROM range(0, ${employees}) t(i)`);
  await conn.run(
    `INSERT OR REPLACE INTO scenarios VALUES ('${SCENARIO}', 2021, 2025, 'bench-design', $plan::JSON, NULL,
       TIMESTAMP '2026-01-01 00:00:00', 'bench', 'bench', 'complete')`,
    { plan: JSON.stringify(PLAN) },
  );
}

/** The baseline: one aggregate of the contribution events per person and year. */
const SCAN_SQL = `CREATE OR REPLACE TEMP TABLE bench_scan AS
  SELECT employee_id, year(effective_date) AS year, sum(amount) AS total FROM fct_yearly_events
  WHERE scenario_id = '${SCENARIO}' AND event_type = 'contribution' GROUP BY ALL`;

export async function runNdtBench(
  ctx: BenchContext,
  employees: number,
  /** Reuse this store when it already holds the generated scenario (development runs). */
  existing?: string,
): Promise<MetricSamples[]> {
  const { openStore } = await import('../store/open.js');
  const { loadNdtScenario, runNdt, storeNdt } = await import('../ndt/run.js');
  const store = await openStore({ path: existing ?? join(ctx.tmpDir, 'ndt-bench.duckdb') });
  const conn = store.connection;
  try {
    const t = process.hrtime.bigint();
    const [{ n }] = (
      await conn.runAndReadAll(`SELECT count(*) AS n FROM scenarios WHERE scenario_id = '${SCENARIO}'`)
    ).getRowObjectsJS();
    if (n === 0n) {
      const events = await generateBenchEvents(conn, employees);
      await addCensus(conn, employees);
      await conn.run('CHECKPOINT');
      ctx.log(
        `ndt: ${events} events for ${employees} employees generated in ${(msSince(t) / 1000).toFixed(1)} s`,
      );
    }
    const runS: number[] = [];
    const cpuS: number[] = [];
    const scanS: number[] = [];
    let summary = '';
    // At the command's DuckDB limit (not the generation's): one warm-up of each, then
    // interleaved repetitions.
    const { SCAN_MEMORY_LIMIT, withMemoryLimit } = await import('../store/memory-limit.js');
    await withMemoryLimit(conn, SCAN_MEMORY_LIMIT, async () => {
      for (let i = -1; i < ctx.repetitions; i++) {
        const cpu0 = process.cpuUsage();
        const ms = await timeMs(async () => {
          const s = await loadNdtScenario(conn, SCENARIO);
          const report = await runNdt(conn, s.scenarioId, s.plan, s.years);
          await storeNdt(conn, report);
          summary = report.tests
            .map((x) => `${x.year} ${x.test} ${x.result} (${x.hceCount} HCEs)`)
            .join(', ');
        });
        const cpu = process.cpuUsage(cpu0);
        const scan = await timeMs(() => conn.run(SCAN_SQL));
        if (i < 0) continue;
        runS.push(ms / 1000);
        // The process's CPU time (DuckDB's threads included): steadier than wall time on a busy machine.
        cpuS.push((cpu.user + cpu.system) / 1e6);
        scanS.push(scan / 1000);
        ctx.log(
          `ndt: ${(ms / 1000).toFixed(2)} s, CPU ${cpuS[cpuS.length - 1].toFixed(2)} s (scan ${(scan / 1000).toFixed(2)} s)`,
        );
      }
    });
    ctx.log(`ndt: ${summary}`);
    const metric = (name: string, unit: string, samples: number[], gated = true): MetricSamples => ({
      name: `ndt.${name}`,
      unit,
      direction: 'lower',
      samples,
      cpuBound: unit !== 'ratio',
      gated,
    });
    return [
      metric('run_s', 's', runS),
      metric('run_cpu_s', 's', cpuS),
      // DuckDB's own aggregate, the baseline: how fast this machine is at the moment, not planledger.
      metric('scan_s', 's', scanS, false),
      metric(
        'to_scan_ratio',
        'ratio',
        runS.map((r, i) => r / scanS[i]),
      ),
    ];
  } finally {
    store.close();
  }
}

export const ndtBenchmark: Benchmark = {
  name: 'ndt',
  description:
    'ADP and ACP tests of every plan year (gather, decide, correct, store) next to one aggregate of the same ' +
    'contribution events. Full: 100,000 employees × 5 years; quick: 2,000 × 5 years.',
  async run(ctx: BenchContext): Promise<MetricSamples[]> {
    return runNdtBench(ctx, ctx.quick ? 2_000 : 100_000);
  },
};
