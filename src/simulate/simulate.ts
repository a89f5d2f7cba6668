/**
 * `simulate` as a library: census → workforce decisions → engine → checked events → the store
 * and/or an NDJSON file, with the closing summary. Everything the user gave is checked before
 * any work starts (docs/simulate.md, "Bad input").
 */

import { once } from 'node:events';
import { closeSync, createWriteStream, openSync, type WriteStream } from 'node:fs';
import { UsageError } from '../cli/exit.js';
import { canonicalTimestamp } from '../engine/canonical.js';
import { ENGINE_VERSION } from '../engine/version.js';
import { LEDGER_VERSION } from '../ledger/ledger.js';
import { isId } from '../schema/scalars.js';
import { DEFAULT_PLAN_URL, type JobSpec, loadJob, planDesignIdOf } from './job.js';
import { partitionsOfShard, type Shard } from './partition.js';
import { defaultWorkers, runPool } from './pool.js';
import { emptyStats, mergeStats, type Stats } from './stats.js';
import { StoreSink, type StoreSinkCounts } from './store-sink.js';

export interface SimulateOptions {
  employees: number;
  years: [number, number];
  seed: number;
  planFile?: string;
  censusFile?: string;
  configFile?: string;
  /** The store to write (null: none). */
  db?: string | null;
  /** An NDJSON file to write (null: none). */
  out?: string | null;
  workers?: number;
  scenarioId: string;
  /** RFC 3339; default: the run's start time. */
  createdAt?: string;
  shard?: Shard;
  /** Bring the scenario's balance snapshots up to date at the end (default true). */
  snapshots?: boolean;
  /** Events per worker message (default 8,192). */
  batchEvents?: number;
  /** Events per store transaction (default COMMIT_EVENTS). */
  commitEvents?: number;
  onProgress?: (p: Progress) => void;
  log?: (message: string) => void;
  /** Keep or reuse the workforce decisions (a comparison of plan designs: src/compare). */
  workforceCache?: JobSpec['workforceCache'];
}

export interface Progress {
  partitionsDone: number;
  partitionsTotal: number;
  events: number;
  seconds: number;
}

export interface SimulateResult {
  scenarioId: string;
  planDesignId: string;
  years: [number, number];
  seed: number;
  createdAt: string;
  workers: number;
  shard: Shard | null;
  partitions: number;
  db: string | null;
  out: string | null;
  stats: Stats;
  events: number;
  store: StoreSinkCounts | null;
  snapshots: 'built' | 'skipped' | 'unavailable' | null;
  /** The plan figures read back from the store (src/figures: the report's definitions); null without a store. */
  figures: import('../figures/index.js').PlanYear[] | null;
  seconds: number;
  eventsPerSecond: number;
  peakRssMb: number;
}

export const MAX_EMPLOYEES = 10_000_000;
/** DuckDB memory_limit while simulating: worker threads and buffers need the rest of 1 GB. */
export const SIMULATE_MEMORY_LIMIT = '192MB';
/** Events per store transaction: DuckDB's working memory for a commit grows with it. */
export const COMMIT_EVENTS = 100_000;

/** Check the options and load every input once (throws before any work). */
export function prepare(opts: SimulateOptions): JobSpec {
  if (!Number.isInteger(opts.employees) || opts.employees < 1 || opts.employees > MAX_EMPLOYEES)
    throw new UsageError(
      `--employees: expected a whole number from 1 to ${MAX_EMPLOYEES}, found ${opts.employees}`,
    );
  if (!Number.isSafeInteger(opts.seed) || opts.seed < 0)
    throw new UsageError(`--seed: expected a whole number ≥ 0, found ${opts.seed}`);
  if (!isId(opts.scenarioId))
    throw new UsageError(`--scenario: not a valid id: ${JSON.stringify(opts.scenarioId)}`);
  let createdAt: string;
  try {
    createdAt = canonicalTimestamp(opts.createdAt ?? new Date().toISOString());
  } catch {
    throw new UsageError(
      `--created-at: expected an RFC 3339 timestamp with a zone, found ${JSON.stringify(opts.createdAt)}`,
    );
  }
  if (opts.db == null && opts.out == null)
    throw new UsageError('nothing to write: give --db PATH and/or --out FILE.ndjson');
  const planFile = opts.planFile ?? DEFAULT_PLAN_URL.pathname;
  const spec: JobSpec = {
    seed: opts.seed,
    years: opts.years,
    employees: opts.employees,
    censusFile: opts.censusFile ?? null,
    configFile: opts.configFile ?? null,
    planFile,
    scenarioId: opts.scenarioId,
    planDesignId: planDesignIdOf(planFile),
    createdAt,
    batchEvents: opts.batchEvents ?? 8192,
    want: { lines: opts.out != null, rows: opts.db != null },
    workforceCache: opts.workforceCache ?? null,
  };
  return spec;
}

export async function simulate(opts: SimulateOptions): Promise<SimulateResult> {
  const t0 = performance.now();
  const log = opts.log ?? (() => undefined);
  const spec = prepare(opts);
  const ctx = loadJob(spec); // config, plan, census: every problem named before any work
  const partitions = partitionsOfShard(opts.shard);
  const workers = opts.workers ?? defaultWorkers();
  if (!Number.isInteger(workers) || workers < 1 || workers > 256)
    throw new UsageError(`--workers: expected a whole number from 1 to 256, found ${workers}`);
  if (opts.out != null) closeSync(openSync(opts.out, 'w')); // an unwritable path fails now, not at the end

  let out: WriteStream | null = null;
  let sink: StoreSink | null = null;
  let store: import('../store/open.js').Store | null = null;
  const stats = emptyStats(spec.years);
  let events = 0;
  let done = 0;
  let snapshots: SimulateResult['snapshots'] = null;
  let figures: SimulateResult['figures'] = null;
  try {
    if (opts.db != null) {
      const { openStore } = await import('../store/open.js');
      // DuckDB's share of the < 1 GB budget (docs/simulate.md, "Memory"); the environment overrides it.
      store = await openStore({
        path: opts.db,
        memoryLimit: process.env.PLANLEDGER_MEMORY_LIMIT ?? SIMULATE_MEMORY_LIMIT,
      });
      sink = await StoreSink.open(
        store,
        {
          scenarioId: spec.scenarioId,
          years: spec.years,
          planDesignId: spec.planDesignId,
          planJson: ctx.planJson,
          seed: spec.seed,
          createdAt: spec.createdAt,
          engineVersion: ENGINE_VERSION,
          ledgerVersion: LEDGER_VERSION,
        },
        opts.commitEvents ?? Number(process.env.PLANLEDGER_COMMIT_EVENTS ?? COMMIT_EVENTS),
      );
    }
    if (opts.out != null) out = createWriteStream(opts.out);
    for await (const item of runPool({ spec, partitions, workers })) {
      if (item.kind === 'done') {
        mergeStats(stats, item.stats);
        done++;
      } else {
        const b = item.batch;
        events += b.count;
        if (sink) {
          if (b.rows) await sink.rows(b.rows);
          await sink.census(b.participants);
        }
        if (out && b.lines && !out.write(b.lines)) await once(out, 'drain');
      }
      opts.onProgress?.({
        partitionsDone: done,
        partitionsTotal: partitions.length,
        events,
        seconds: (performance.now() - t0) / 1000,
      });
    }
    if (out) {
      out.end();
      await once(out, 'finish');
      out = null;
    }
    if (sink && store) {
      await sink.finish();
      snapshots = opts.snapshots === false ? 'skipped' : await buildSnapshots(store, spec.scenarioId, log);
      const { planYears } = await import('../figures/index.js');
      const [first, last] = spec.years;
      figures = await planYears(store.connection, { scenarioId: spec.scenarioId, first, last });
    }
  } catch (err) {
    await sink?.abort();
    throw err;
  } finally {
    out?.destroy();
    store?.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    scenarioId: spec.scenarioId,
    planDesignId: spec.planDesignId,
    years: spec.years,
    seed: spec.seed,
    createdAt: spec.createdAt,
    workers,
    shard: opts.shard ?? null,
    partitions: partitions.length,
    db: opts.db ?? null,
    out: opts.out ?? null,
    stats,
    events,
    store: sink?.counts ?? null,
    snapshots,
    figures,
    seconds,
    eventsPerSecond: seconds > 0 ? events / seconds : 0,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

/** The snapshot build of the ledger area, when it is present (issue on weekly snapshots). */
async function buildSnapshots(
  store: import('../store/open.js').Store,
  scenario: string,
  log: (m: string) => void,
): Promise<'built' | 'unavailable'> {
  const specifier = '../ledger/snapshots-build.js';
  let mod: {
    buildSnapshots?: (conn: unknown, o: { scenario: string; log?: (m: string) => void }) => Promise<unknown>;
  };
  try {
    mod = await import(specifier);
  } catch {
    return 'unavailable';
  }
  if (typeof mod.buildSnapshots !== 'function') return 'unavailable';
  // The simulation's workers are done: the snapshot build gets the store's usual memory limit
  // back (SIMULATE_MEMORY_LIMIT is the simulation's share; 192 MB ran out of memory here at
  // 10,000 employees).
  const { DEFAULT_MEMORY_LIMIT } = await import('../store/open.js');
  const limit = process.env.PLANLEDGER_MEMORY_LIMIT ?? DEFAULT_MEMORY_LIMIT;
  await store.connection.run(`SET memory_limit = '${limit.replaceAll("'", "''")}'`);
  log('building balance snapshots…');
  await mod.buildSnapshots(store.connection, { scenario, log });
  return 'built';
}
