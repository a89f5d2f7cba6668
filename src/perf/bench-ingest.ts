/**
 * Ingest benchmark (docs/store.md, "Performance"): on the same NDJSON file, side by side and
 * interleaved repetition by repetition so that a busy machine weighs on both alike,
 *  (a) DuckDB's own typed `read_json` into a table of a fresh database file (no validation),
 *  (b) planledger's ingest into a fresh store (full validation, dedupe, dead-letter, batches).
 * Events/s of each and their ratio. Quick: 200 employees × 5 years (≈ 51,000 events);
 * full: 4,000 employees × 5 years (≈ 1,000,000 events, ≈ 500 MB).
 */

import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { quotedString } from '@duckdb/node-api';
import { syntheticEventLines } from './synthetic-events.js';
import type { BenchContext, Benchmark, MetricSamples } from './types.js';

/** Write a synthetic canonical NDJSON file; returns the number of events. */
export async function writeSyntheticFile(path: string, employees: number, years = 5): Promise<number> {
  const ws = createWriteStream(path);
  let n = 0;
  let buf: string[] = [];
  for (const line of syntheticEventLines({ employees, firstYear: 2021, years })) {
    buf.push(line);
    n++;
    if (buf.length === 10_000) {
      if (!ws.write(buf.join('\n') + '\n')) await new Promise<void>((r) => ws.once('drain', () => r()));
      buf = [];
    }
  }
  ws.write(buf.length > 0 ? buf.join('\n') + '\n' : '');
  await new Promise((r) => ws.end(r));
  return n;
}

/** The envelope as DuckDB's typed reader sees it: the baseline's columns. */
const READ_JSON_COLUMNS =
  "{event_id: 'UUID', employee_id: 'VARCHAR', effective_date: 'DATE', created_at: 'TIMESTAMP', scenario_id: 'VARCHAR', " +
  "plan_design_id: 'VARCHAR', source_system: 'VARCHAR', payload: 'JSON', correlation_id: 'VARCHAR'}";

/** (a): seconds for DuckDB's typed read_json into a table of a fresh database file. */
export async function readJsonSeconds(file: string, db: string): Promise<number> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const { storeSettings } = await import('../store/open.js');
  const instance = await DuckDBInstance.create(db, storeSettings({}));
  const c = await instance.connect();
  try {
    await c.run(
      'CREATE TABLE events (event_id UUID, employee_id VARCHAR, effective_date DATE, created_at TIMESTAMP, ' +
        'scenario_id VARCHAR, plan_design_id VARCHAR, source_system VARCHAR, payload JSON, correlation_id VARCHAR)',
    );
    const t0 = performance.now();
    await c.run(
      `INSERT INTO events SELECT * FROM read_json(${quotedString(file)}, format = 'newline_delimited', columns = ${READ_JSON_COLUMNS})`,
    );
    await c.run('CHECKPOINT');
    return (performance.now() - t0) / 1000;
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

/** (b): seconds for planledger's ingest of the file into a fresh store. */
export async function ingestSeconds(
  file: string,
  db: string,
): Promise<{ seconds: number; accepted: number }> {
  const { openStore } = await import('../store/open.js');
  const { ingestFiles } = await import('../ingest/ingest.js');
  const store = await openStore({ path: db });
  try {
    const t0 = performance.now();
    const r = await ingestFiles(store, [file]);
    await store.connection.run('CHECKPOINT');
    return { seconds: (performance.now() - t0) / 1000, accepted: r.accepted };
  } finally {
    store.close();
  }
}

async function removeDb(db: string): Promise<void> {
  await rm(db, { force: true });
  await rm(`${db}.wal`, { force: true });
}

export const ingestBenchmark: Benchmark = {
  name: 'ingest',
  description:
    'ingest events/s next to DuckDB typed read_json into a table on the same NDJSON file, interleaved ' +
    '(quick: 200 employees × 5 years ≈ 51K events; full: 4,000 × 5 ≈ 1M events)',
  async run(ctx: BenchContext): Promise<MetricSamples[]> {
    const employees = Number(process.env.PLANLEDGER_BENCH_INGEST_EMPLOYEES ?? (ctx.quick ? 200 : 4000));
    const file = join(ctx.tmpDir, 'ingest-bench.ndjson');
    const events = await writeSyntheticFile(file, employees);
    ctx.log(`ingest: ${events} events in ${file}`);
    const baseline: number[] = [];
    const ours: number[] = [];
    const ratio: number[] = [];
    for (let i = 0; i < ctx.repetitions; i++) {
      const a = join(ctx.tmpDir, `read-json-${i}.duckdb`);
      const b = join(ctx.tmpDir, `ingest-${i}.duckdb`);
      const sa = await readJsonSeconds(file, a);
      const sb = await ingestSeconds(file, b);
      if (sb.accepted !== events) throw new Error(`ingest stored ${sb.accepted} of ${events} events`);
      baseline.push(events / sa);
      ours.push(events / sb.seconds);
      ratio.push(sa / sb.seconds);
      ctx.log(
        `ingest: read_json ${Math.round(events / sa)} ev/s, planledger ${Math.round(events / sb.seconds)} ev/s`,
      );
      await removeDb(a);
      await removeDb(b);
    }
    return [
      {
        name: 'ingest.read_json_events_per_s',
        unit: 'events/s',
        direction: 'higher',
        samples: baseline,
        cpuBound: true,
      },
      { name: 'ingest.events_per_s', unit: 'events/s', direction: 'higher', samples: ours, cpuBound: true },
      { name: 'ingest.ratio_vs_read_json', unit: 'ratio', direction: 'higher', samples: ratio },
    ];
  },
};
