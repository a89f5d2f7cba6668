/**
 * `simulate` as a library: census → workforce decisions → engine → checked events → the store
 * and/or an NDJSON file, with the closing summary. Everything the user gave is checked before
 * any work starts (docs/simulate.md, "Bad input").
 */

import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { closeSync, createWriteStream, openSync, readFileSync, rmSync, type WriteStream } from 'node:fs';
import { canonicalTimestamp } from '../engine/canonical.js';
import { ENGINE_VERSION } from '../engine/version.js';
import { InputError } from '../errors/index.js';
import { LEDGER_VERSION } from '../ledger/ledger.js';
import { isId } from '../schema/scalars.js';
import { thenFallback, userBuildMemoryLimit, userMemoryLimit } from '../store/memory-limit.js';
import { isPendingScenarioId } from '../store/scenario-runs.js';
import { DEFAULT_PLAN_URL, type JobSpec, loadJob, planDesignIdOf } from './job.js';
import { partitionsOfShard, type Shard } from './partition.js';
import { emptyPhases, mergePhases, PhaseClock, type PhaseSeconds } from './phases.js';
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
  /** Stop early (SIGINT/SIGTERM): the run throws SimulateInterrupted after undoing its work. */
  signal?: AbortSignal;
}

/** The run was stopped by its AbortSignal; `message` says what was kept and what was not. */
export class SimulateInterrupted extends Error {
  override name = 'SimulateInterrupted';
}

/**
 * The run's progress: `simulate` (workers running partitions, their rows loaded into the store
 * as they come), `store` (the last commit, the participants, the swap), `snapshots` (the
 * balance snapshot build, which reports no progress of its own: one report at its start).
 */
export interface Progress {
  phase: 'simulate' | 'store' | 'snapshots';
  partitionsDone: number;
  partitionsTotal: number;
  events: number;
  /** Since the run's start. */
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
  /** The scenario's shards in the store after this run (null without a store). */
  shards: { in: number; of: number; missing: number[] } | null;
  /**
   * The scenario's status after the run: `complete`; `partial` while shards are missing from a
   * scenario that holds only shards; `staged` while shards of a re-run are missing (the previous
   * complete run is still the scenario).
   */
  status: 'complete' | 'partial' | 'staged' | null;
  snapshots: 'built' | 'skipped' | 'unavailable' | null;
  /** The plan figures read back from the store (src/figures: the report's definitions); null without a store. */
  figures: import('../figures/index.js').PlanYear[] | null;
  seconds: number;
  eventsPerSecond: number;
  peakRssMb: number;
  /** CPU seconds of the whole process (every thread: workers, DuckDB's, the main one). */
  cpuSeconds: number;
  /** Seconds per step (workers' steps summed over the workers): src/simulate/phases.ts. */
  phases: PhaseSeconds;
}

export const MAX_EMPLOYEES = 10_000_000;
/** DuckDB memory_limit while simulating: worker threads and buffers need the rest of 1 GB. */
export const SIMULATE_MEMORY_LIMIT = '192MB';
/** The balance index's first DuckDB memory limit in a simulation (then the standalone build's). */
export const SIMULATE_INDEX_MEMORY_LIMIT = '256MB';
/**
 * From this many events a simulation writes the balance index at the standalone build's limit
 * from the start: at 256 MB it fits at 10,000 employees (3,962,460 events) and runs out of memory
 * after about 13 s at 100,000 (39,624,847), a try wasted (docs/snapshots.md, "The balance index").
 */
export const INDEX_LARGE_EVENTS = 20_000_000;

/**
 * The balance index's DuckDB memory limits in a simulation of about `events` events (the
 * scenario's), the next after an out-of-memory error: the standalone build's alone for a large
 * scenario (INDEX_LARGE_EVENTS).
 */
export function indexMemoryLimits(standalone: string, events: number): string[] {
  const large = events >= INDEX_LARGE_EVENTS;
  return thenFallback(
    userBuildMemoryLimit() ?? (large ? standalone : SIMULATE_INDEX_MEMORY_LIMIT),
    standalone,
  );
}

/** Rows of a DuckDB row group (DuckDB's default `row_group_size`). */
const ROW_GROUP_ROWS = 122_880;
/**
 * Events per store transaction: two whole row groups. DuckDB writes a transaction's full row
 * groups straight to the file as they fill (compressed once), and only the rest goes through
 * the write-ahead log; 100,000 (less than one row group) sent every row through the log and a
 * checkpoint at every commit (docs/simulate.md, "Performance").
 */
export const COMMIT_EVENTS = 2 * ROW_GROUP_ROWS;

/** Check the options and load every input once (throws before any work). */
export function prepare(opts: SimulateOptions): JobSpec {
  if (!Number.isInteger(opts.employees) || opts.employees < 1 || opts.employees > MAX_EMPLOYEES)
    throw new InputError(
      `--employees: expected a whole number from 1 to ${MAX_EMPLOYEES}, found ${opts.employees}`,
    );
  if (!Number.isSafeInteger(opts.seed) || opts.seed < 0)
    throw new InputError(`--seed: expected a whole number ≥ 0, found ${opts.seed}`);
  if (!isId(opts.scenarioId))
    throw new InputError(`--scenario: not a valid id: ${JSON.stringify(opts.scenarioId)}`);
  if (isPendingScenarioId(opts.scenarioId))
    throw new InputError(
      `--scenario: ${JSON.stringify(opts.scenarioId)} ends like the id of an unfinished run (~pending…), which is reserved`,
    );
  let createdAt: string;
  try {
    createdAt = canonicalTimestamp(opts.createdAt ?? new Date().toISOString());
  } catch {
    throw new InputError(
      `--created-at: expected an RFC 3339 timestamp with a zone, found ${JSON.stringify(opts.createdAt)}`,
    );
  }
  if (opts.db == null && opts.out == null)
    throw new InputError('nothing to write: give --db PATH and/or --out FILE.ndjson');
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
  const cpu0 = process.cpuUsage();
  const clock = new PhaseClock();
  const phases = emptyPhases();
  const log = opts.log ?? (() => undefined);
  const spec = prepare(opts);
  const ctx = loadJob(spec); // config, plan, census: every problem named before any work
  const partitions = partitionsOfShard(opts.shard);
  const workers = opts.workers ?? defaultWorkers();
  if (!Number.isInteger(workers) || workers < 1 || workers > 256)
    throw new InputError(`--workers: expected a whole number from 1 to 256, found ${workers}`);
  if (opts.out != null) closeSync(openSync(opts.out, 'w')); // an unwritable path fails now, not at the end

  let out: WriteStream | null = null;
  let outDone = false;
  let sink: StoreSink | null = null;
  let shards: SimulateResult['shards'] = null;
  let status: SimulateResult['status'] = null;
  const interrupted = () => {
    if (opts.signal?.aborted) throw new SimulateInterrupted(String(opts.signal.reason ?? 'interrupted'));
  };
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
        memoryLimit: userMemoryLimit() ?? SIMULATE_MEMORY_LIMIT,
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
          shard: opts.shard ?? { index: 1, count: 1 },
          buildKey: buildKey(spec, ctx.planJson, opts.shard?.count ?? 1),
        },
        opts.commitEvents ?? Number(process.env.PLANLEDGER_COMMIT_EVENTS ?? COMMIT_EVENTS),
        clock,
      );
    }
    if (sink) {
      if (sink.counts.discarded.length > 0)
        log(`removed unfinished runs of scenario ${spec.scenarioId}: ${sink.counts.discarded.join(', ')}`);
      spec.storeScenarioId = sink.pendingId;
    }
    if (opts.out != null) out = createWriteStream(opts.out);
    interrupted();
    if (sink?.resume === 'merged')
      log(`every shard of scenario ${spec.scenarioId} is in already: finishing it`);
    const pool = sink?.resume ? [] : runPool({ spec, partitions, workers });
    const progress = (phase: Progress['phase']) =>
      opts.onProgress?.({
        phase,
        partitionsDone: done,
        partitionsTotal: partitions.length,
        events,
        seconds: (performance.now() - t0) / 1000,
      });
    for await (const item of pool) {
      interrupted();
      if (item.kind === 'done') {
        mergeStats(stats, item.stats);
        mergePhases(phases, item.phases);
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
      progress('simulate');
    }
    if (out) {
      out.end();
      await once(out, 'finish');
      out = null;
      outDone = true;
    }
    if (sink && store) {
      interrupted();
      progress('store');
      clock.reset();
      await sink.finish();
      // The store's first checkpoint after the appends merges the small row groups each
      // transaction's tail leaves (DuckDB's vacuum): done here, in the run that wrote them, not
      // by whichever command next writes to the store (docs/simulate.md, "Store").
      await store.connection.run('CHECKPOINT');
      clock.lap('finish');
      const done = await completeIfAllShards(
        store,
        spec.scenarioId,
        sink.pendingId,
        opts,
        log,
        interrupted,
        sink.resume,
        async (build) => {
          clock.lap('finish');
          progress('snapshots');
          const r = await build();
          clock.lap('snapshots');
          return r;
        },
      );
      clock.lap('finish');
      shards = done.shards;
      status = done.status;
      snapshots = done.snapshots;
      sink.counts.replaced = done.replaced;
      if (status === 'complete') {
        const { planYears } = await import('../figures/index.js');
        const [first, last] = spec.years;
        figures = await planYears(store.connection, { scenarioId: spec.scenarioId, first, last });
        clock.lap('figures');
      }
      if (status === 'complete' && snapshots === 'built' && opts.db != null) {
        // The balance index, sealed once the store is closed (docs/snapshots.md, "The balance index").
        const { tryWriteBalanceIndex } = await import('../snapshots/balance-index-write.js');
        // At 256 MB first: the standalone build's 512 MB took the main job (10,000 employees) to a
        // peak of 980 MB against 646 MB; 100,000 employees need it (docs/snapshots.md). The
        // scenario's events: this run's, times the shards (each about the same size).
        const { BUILD_MEMORY_LIMIT } = await import('../snapshots/build.js');
        const scenarioEvents = events * (opts.shard?.count ?? 1);
        const limits = indexMemoryLimits(BUILD_MEMORY_LIMIT, scenarioEvents);
        await tryWriteBalanceIndex(store.connection, opts.db, log, limits);
        clock.lap('snapshots');
      }
    }
  } catch (err) {
    await sink?.abort();
    if (err instanceof SimulateInterrupted) {
      const kept =
        status === 'complete' ? 'the new run was swapped in whole' : 'nothing of this run is visible';
      let what = `${kept}; scenario ${spec.scenarioId} is as it was before the run`;
      if (status === 'complete') what = `${kept}; scenario ${spec.scenarioId} is complete`;
      else if (store && sink && !(await discardOwn(store, sink.pendingId)))
        what += ` (its unfinished rows under ${sink.pendingId} are removed by the next run)`;
      if (out !== null || (opts.out != null && !outDone)) {
        out?.destroy();
        out = null;
        rmSync(opts.out as string, { force: true });
        what += `; removed the unfinished ${opts.out}`;
      }
      throw new SimulateInterrupted(`interrupted (${err.message}): ${what}`);
    }
    throw err;
  } finally {
    out?.destroy();
    store?.close();
  }
  if (opts.db != null) (await import('../snapshots/balance-index-write.js')).sealBalanceIndex(opts.db);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  mergePhases(phases, clock.seconds); // the main thread's steps
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
    shards,
    status,
    snapshots,
    figures,
    seconds,
    eventsPerSecond: seconds > 0 ? events / seconds : 0,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    phases,
  };
}

/**
 * Everything that determines a run's rows, hashed: shards of one scenario must agree on it
 * (docs/simulate.md, "Sharding"). created_at is left out: it is metadata, not a result.
 */
function buildKey(spec: JobSpec, planJson: unknown, shardCount: number): string {
  const h = createHash('sha256');
  h.update(
    JSON.stringify({
      seed: spec.seed,
      years: spec.years,
      employees: spec.censusFile === null ? spec.employees : null,
      planDesignId: spec.planDesignId,
      plan: planJson,
      engine: ENGINE_VERSION,
      shards: shardCount,
    }),
  );
  for (const f of [spec.censusFile, spec.configFile])
    h.update('\0').update(f === null ? '' : readFileSync(f));
  return h.digest('hex');
}

/** Remove this run's pending rows after an interruption (false when that failed). */
async function discardOwn(store: import('../store/open.js').Store, pendingId: string): Promise<boolean> {
  try {
    const { discardPending, pendingRuns } = await import('../store/scenario-runs.js');
    const base = pendingId.replace(/~pending.*$/, '');
    const own = (await pendingRuns(store.connection, base)).find((p) => p.pending_id === pendingId);
    if (own?.status === 'running') await discardPending(store.connection, [pendingId]);
    return true;
  } catch {
    return false;
  }
}

/**
 * After this run's shard is staged. Unsharded, or shards over a previous complete run: when every
 * shard is in, gather them, build the snapshots on the pending build and swap it in (one
 * transaction); until then the previous scenario stays as it is. Shards into a store without the
 * scenario (or with a partial one of the same build) go straight into it, status `partial` until
 * the last one is in (docs/store.md, "Re-runs and shards").
 */
async function completeIfAllShards(
  store: import('../store/open.js').Store,
  scenarioId: string,
  ownId: string,
  opts: SimulateOptions,
  log: (m: string) => void,
  interrupted: () => void,
  resume: 'merged' | 'shard-in' | null,
  timed: (build: () => Promise<'built' | 'unavailable'>) => Promise<'built' | 'unavailable'>,
): Promise<
  Pick<SimulateResult, 'shards' | 'status' | 'snapshots'> & { replaced: Record<string, number> | null }
> {
  const runs = await import('../store/scenario-runs.js');
  const { faultPoint } = await import('../store/fault.js');
  const conn = store.connection;
  const n = opts.shard?.count ?? 1;
  const snapshotsOf = async (id: string) =>
    opts.snapshots === false ? ('skipped' as const) : await timed(() => buildSnapshots(store, id, log));
  if (runs.isDirectRun(scenarioId, ownId)) {
    // A first run, written under the scenario's own id: complete it in place (no swap).
    interrupted();
    const snapshots = await snapshotsOf(scenarioId);
    interrupted();
    await faultPoint('swap');
    await runs.markComplete(conn, scenarioId);
    return { shards: { in: 1, of: 1, missing: [] }, status: 'complete', snapshots, replaced: null };
  }
  if (
    n > 1 &&
    resume !== 'merged' &&
    (resume === 'shard-in' || (await runs.takesShardsDirectly(conn, scenarioId)))
  ) {
    if (resume === 'shard-in') log(`shard ${opts.shard?.index}/${n} of scenario ${scenarioId} is in already`);
    else await runs.addShard(conn, scenarioId, ownId);
    const missing = await runs.missingShards(conn, scenarioId, n, runs.STATUS.in);
    const shards = { in: n - missing.length, of: n, missing };
    interrupted();
    const snapshots = await snapshotsOf(scenarioId);
    if (missing.length > 0) return { shards, status: 'partial', snapshots, replaced: null };
    await faultPoint('swap');
    await runs.markComplete(conn, scenarioId);
    return { shards, status: 'complete', snapshots, replaced: null };
  }
  const missing = resume === 'merged' ? [] : await runs.missingShards(conn, scenarioId, n);
  const shards = { in: n - missing.length, of: n, missing };
  if (missing.length > 0) {
    log(
      `shard ${opts.shard?.index}/${n} of scenario ${scenarioId} stored; the previous complete run stays ` +
        `until shard(s) ${missing.join(', ')} are in too`,
    );
    return { shards, status: 'staged', snapshots: null, replaced: null };
  }
  const pending =
    resume === 'merged' ? runs.pendingId(scenarioId) : await runs.mergeShards(conn, scenarioId, n);
  interrupted();
  const snapshots = await snapshotsOf(pending);
  interrupted();
  await faultPoint('swap');
  const replaced = await runs.swapIn(conn, scenarioId);
  return { shards, status: 'complete', snapshots, replaced };
}

/** The snapshot build of the ledger area, when it is present (issue on weekly snapshots). */
async function buildSnapshots(
  store: import('../store/open.js').Store,
  scenario: string,
  log: (m: string) => void,
): Promise<'built' | 'unavailable'> {
  const specifier = '../snapshots/build.js';
  let mod: {
    buildAfterOtherWork?: (
      conn: unknown,
      o: { scenario: string; log?: (m: string) => void },
    ) => Promise<unknown>;
  };
  try {
    mod = await import(specifier);
  } catch {
    return 'unavailable';
  }
  if (typeof mod.buildAfterOtherWork !== 'function') return 'unavailable';
  log('building balance snapshots…');
  // The build sets each limit and restores the simulation's afterwards (the figures read next).
  await mod.buildAfterOtherWork(store.connection, { scenario, log });
  return 'built';
}
