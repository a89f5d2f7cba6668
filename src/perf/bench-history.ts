/**
 * History benchmark (docs/store.md, "Performance"): latency of `history()` (the library function
 * behind `planledger history`: scenario lookup, seq range, events, census, ledger state) for
 * random participants, p50/p95/p99 per repetition.
 * Quick: a store ingested from a synthetic file (300 employees × 5 years ≈ 77,000 events), 80
 * participants a repetition. Full: a 30,000,000-event store (100,000 employees × 300 events)
 * generated set-wise in SQL with the layout ingest produces (events clustered by participant in
 * a shuffled participant order, seq order, participant_event_ranges), 143 participants a
 * repetition (≈ 1,000 over the 7 repetitions). PLANLEDGER_BENCH_HISTORY_EMPLOYEES overrides the size.
 */
import { join } from 'node:path';
import { INSERT_EVENTS, participantRangesSql } from '../store/ddl.js';
import { FACT_COLUMNS } from '../store/fact-columns.js';
import type { Store } from '../store/open.js';
import { mulberry32 } from './random.js';
import type { BenchContext, Benchmark, MetricSamples } from './types.js';

/** Events a generated participant has (30M events for 100,000 participants). */
export const EVENTS_PER_PARTICIPANT = 300;

/**
 * Fill a store set-wise: `employees` participants × 300 events (contributions every 6 days from
 * 2021-01-01, a vesting event every 50th), participants in a shuffled order, each one's events
 * contiguous in seq, as the simulator and the engine write them.
 */
export async function generateStore(store: Store, employees: number, scenario = 'bench'): Promise<number> {
  const c = store.connection;
  const e = EVENTS_PER_PARTICIPANT;
  // 7919 is prime: i ↦ (i × 7919 + 13) mod N is a permutation when N is not a multiple of 7919.
  const n = employees % 7919 === 0 ? employees + 1 : employees;
  await c.run(`
    ${INSERT_EVENTS}
    WITH g AS (
      SELECT range AS k, range // ${e} AS i, range % ${e} AS j,
             'E' || lpad(((range // ${e}) * 7919 + 13) % ${n} || '', 7, '0') AS emp,
             md5(range::VARCHAR) AS h
      FROM range(${employees}::BIGINT * ${e})
    )
    SELECT k + 1, (substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-8' || substr(h, 18, 3) || '-' || substr(h, 21, 12))::UUID,
      '${scenario}', 'design-1', emp, DATE '2021-01-01' + (j * 6)::INTEGER, year(DATE '2021-01-01' + (j * 6)::INTEGER),
      TIMESTAMP '2026-01-01 00:00:00', 'bench', NULL,
      CASE WHEN j % 50 = 49 THEN 'vesting' ELSE 'contribution' END, '401k',
      CASE WHEN j % 50 = 49 THEN NULL WHEN j % 2 = 0 THEN 'employee_pre_tax' ELSE 'employer_match' END,
      CASE WHEN j % 50 = 49 THEN NULL ELSE (100 + j % 7)::DECIMAL(18,6) END,
      CASE WHEN j % 50 = 49 THEN NULL ELSE ((100 + j % 7) * (j // 2 + 1))::DECIMAL(18,6) END,
      CASE WHEN j % 50 = 49 THEN least(1, (j // 50 + 1) * 0.2)::DECIMAL(5,4) ELSE NULL END,
      CASE WHEN j % 50 = 49
        THEN '{"event_type":"vesting","plan_id":"401k","vested_percentage":"' || rtrim(rtrim(least(1, (j // 50 + 1) * 0.2)::DECIMAL(5,4)::VARCHAR, '0'), '.') ||
             '","source_balances_vested":{"employer_match":"1000"},"vesting_schedule_type":"graded","service_computation_date":"2018-01-01","service_credited_hours":2080,"service_period_end_date":"' ||
             (DATE '2021-01-01' + (j * 6)::INTEGER) || '"}'
        ELSE '{"event_type":"contribution","plan_id":"401k","source":"' || CASE WHEN j % 2 = 0 THEN 'employee_pre_tax' ELSE 'employer_match' END ||
             '","amount":"' || (100 + j % 7) || '","pay_period_end":"' || (DATE '2021-01-01' + (j * 6)::INTEGER) ||
             '","contribution_date":"' || (DATE '2021-01-01' + (j * 6)::INTEGER) || '","ytd_amount":"' || ((100 + j % 7) * (j // 2 + 1)) ||
             '","payroll_id":"PR-' || (DATE '2021-01-01' + (j * 6)::INTEGER) || '","irs_limit_applied":false,"inferred_value":false}'
      END,
      -- The fact columns (src/store/fact-columns.ts): NULL on contribution and vesting events.
      ${FACT_COLUMNS.map(() => 'NULL').join(', ')}
    FROM g`);
  await c.run(`
    INSERT OR REPLACE INTO participant_event_ranges ${participantRangesSql(`scenario_id = '${scenario}'`)}`);
  await c.run(`INSERT OR REPLACE INTO scenarios VALUES ('${scenario}', 2021, 2025, 'design-1', '{}', NULL,
    TIMESTAMP '2026-01-01', 'bench', 'bench', 'complete')`);
  await c.run('CHECKPOINT');
  return employees * e;
}

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

const rng = mulberry32;

export const historyBenchmark: Benchmark = {
  name: 'history',
  description:
    'participant history latency p50/p95/p99 over random participants (quick: ingested synthetic store of ' +
    '≈ 77K events, 200 a repetition; full: 30M-event store generated in SQL, 1,000 a repetition)',
  async run(ctx: BenchContext): Promise<MetricSamples[]> {
    const { openStore } = await import('../store/open.js');
    const { history } = await import('../store/history.js');
    const db = join(ctx.tmpDir, 'history-bench.duckdb');
    const store = await openStore({ path: db });
    const employees = Number(process.env.PLANLEDGER_BENCH_HISTORY_EMPLOYEES ?? (ctx.quick ? 300 : 100_000));
    // Quick: 7 × 80 participants; full: 7 × 143 ≈ 1,000 random participants in all.
    const perRep = ctx.quick ? 80 : 143;
    try {
      let ids: string[];
      if (ctx.quick) {
        const { ingestFiles } = await import('../ingest/ingest.js');
        const { writeSyntheticFile } = await import('./bench-ingest.js');
        const file = join(ctx.tmpDir, 'history-bench.ndjson');
        await writeSyntheticFile(file, employees);
        await ingestFiles(store, [file]);
      } else {
        const t0 = performance.now();
        const n = await generateStore(store, employees);
        ctx.log(`history: generated ${n} events in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      }
      const r = await store.connection.runAndReadAll(
        'SELECT employee_id FROM participant_event_ranges ORDER BY ALL',
      );
      ids = r.getRows().map((row) => String(row[0]));
      const pick = rng(7);
      const p50: number[] = [];
      const p95: number[] = [];
      const p99: number[] = [];
      await history(store.connection, ids[0]); // warm-up
      for (let rep = 0; rep < ctx.repetitions; rep++) {
        const ms: number[] = [];
        for (let k = 0; k < perRep; k++) {
          const id = ids[Math.floor(pick() * ids.length)];
          const t0 = performance.now();
          const h = await history(store.connection, id);
          ms.push(performance.now() - t0);
          if (h.events.length === 0) throw new Error(`no history for ${id}`);
        }
        ms.sort((a, b) => a - b);
        p50.push(percentile(ms, 50));
        p95.push(percentile(ms, 95));
        p99.push(percentile(ms, 99));
        ctx.log(`history: p50 ${p50.at(-1)!.toFixed(2)} ms, p99 ${p99.at(-1)!.toFixed(2)} ms`);
      }
      return [
        { name: 'history.p50_ms', unit: 'ms', direction: 'lower', samples: p50, cpuBound: true },
        { name: 'history.p95_ms', unit: 'ms', direction: 'lower', samples: p95, cpuBound: true },
        { name: 'history.p99_ms', unit: 'ms', direction: 'lower', samples: p99, cpuBound: true },
      ];
    } finally {
      store.close();
    }
  },
};
