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
import { EVENT_STYLES, type EventStyle, styleLine, styleLineEnd } from './event-styles.js';
import { syntheticEventLines } from './synthetic-events.js';
import type { BenchContext, Benchmark, MetricSamples } from './types.js';

/** Write a synthetic canonical NDJSON file; returns the number of events. */
export async function writeSyntheticFile(path: string, employees: number, years = 5): Promise<number> {
  const [n] = await writeStyledFiles({ canonical: path }, employees, years);
  return n;
}

/**
 * Write the same synthetic events in each style given (event-styles.ts), one file per style,
 * in one pass over the events; returns the number of events.
 */
export async function writeStyledFiles(
  paths: Partial<Record<EventStyle, string>>,
  employees: number,
  years = 5,
): Promise<[number]> {
  const styles = Object.keys(paths) as EventStyle[];
  const out = styles.map((style) => ({
    style,
    ws: createWriteStream(paths[style] as string),
    buf: [] as string[],
  }));
  const flush = async () => {
    for (const o of out) {
      if (!o.ws.write(o.buf.join(''))) await new Promise<void>((r) => o.ws.once('drain', () => r()));
      o.buf = [];
    }
  };
  let n = 0;
  for (const line of syntheticEventLines({ employees, firstYear: 2021, years })) {
    for (const o of out) o.buf.push(styleLine(line, o.style, n) + styleLineEnd(o.style, n));
    n++;
    if (n % 10_000 === 0) await flush();
  }
  await flush();
  await Promise.all(out.map((o) => new Promise((r) => o.ws.end(r))));
  return [n];
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

/** (b): seconds for planledger's ingest of the file into a fresh store, at `ingest`'s memory limit. */
export async function ingestSeconds(
  file: string,
  db: string,
): Promise<{ seconds: number; accepted: number }> {
  const { openStore } = await import('../store/open.js');
  const { ingestFiles, ingestMemoryLimit } = await import('../ingest/index.js');
  const store = await openStore({ path: db, memoryLimit: ingestMemoryLimit() });
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

/** The metrics' name prefix of a style: the canonical file keeps the names it always had. */
export const stylePrefix = (style: EventStyle): string =>
  style === 'canonical' ? 'ingest' : `ingest.${style}`;

export const ingestBenchmark: Benchmark = {
  name: 'ingest',
  description:
    'ingest events/s next to DuckDB typed read_json into a table on the same NDJSON file, interleaved, for ' +
    'each style of the same events: canonical, upstream, hand-written, mixed ' +
    '(quick: 200 employees × 5 years ≈ 51K events; full: 4,000 × 5 ≈ 1M events)',
  async run(ctx: BenchContext): Promise<MetricSamples[]> {
    const employees = Number(process.env.PLANLEDGER_BENCH_INGEST_EMPLOYEES ?? (ctx.quick ? 200 : 4000));
    const styles = (process.env.PLANLEDGER_BENCH_INGEST_STYLES?.split(',') ?? EVENT_STYLES) as EventStyle[];
    const files = Object.fromEntries(styles.map((s) => [s, join(ctx.tmpDir, `ingest-bench-${s}.ndjson`)]));
    const [events] = await writeStyledFiles(files, employees);
    ctx.log(`ingest: ${events} events in each of ${styles.join(', ')} (${ctx.tmpDir})`);
    const samples = new Map(
      styles.map((s) => [s, { baseline: [] as number[], ours: [] as number[], ratio: [] as number[] }]),
    );
    const mixedVsCanonical: number[] = [];
    for (let i = 0; i < ctx.repetitions; i++) {
      const rate: Partial<Record<EventStyle, number>> = {};
      for (const style of styles) {
        const file = files[style];
        const a = join(ctx.tmpDir, `read-json-${style}-${i}.duckdb`);
        const b = join(ctx.tmpDir, `ingest-${style}-${i}.duckdb`);
        const sa = await readJsonSeconds(file, a);
        const sb = await ingestSeconds(file, b);
        if (sb.accepted !== events)
          throw new Error(`ingest stored ${sb.accepted} of ${events} ${style} events`);
        const s = samples.get(style) as { baseline: number[]; ours: number[]; ratio: number[] };
        s.baseline.push(events / sa);
        s.ours.push(events / sb.seconds);
        s.ratio.push(sa / sb.seconds);
        rate[style] = events / sb.seconds;
        ctx.log(
          `ingest ${style}: read_json ${Math.round(events / sa)} ev/s, planledger ${Math.round(events / sb.seconds)} ev/s`,
        );
        await removeDb(a);
        await removeDb(b);
      }
      if (rate.mixed !== undefined && rate.canonical !== undefined)
        mixedVsCanonical.push(rate.mixed / rate.canonical);
    }
    for (const file of Object.values(files)) await rm(file, { force: true });
    const metrics: MetricSamples[] = [];
    for (const [style, s] of samples) {
      const p = stylePrefix(style);
      metrics.push(
        {
          name: `${p}.read_json_events_per_s`,
          unit: 'events/s',
          direction: 'higher',
          samples: s.baseline,
          cpuBound: true,
          // DuckDB's own reader, the baseline: how fast this machine is at the moment, not planledger.
          gated: false,
        },
        { name: `${p}.events_per_s`, unit: 'events/s', direction: 'higher', samples: s.ours, cpuBound: true },
        { name: `${p}.ratio_vs_read_json`, unit: 'ratio', direction: 'higher', samples: s.ratio },
      );
    }
    if (mixedVsCanonical.length > 0)
      metrics.push({
        name: 'ingest.mixed_vs_canonical',
        unit: 'ratio',
        direction: 'higher',
        samples: mixedVsCanonical,
      });
    return metrics;
  },
};
