/**
 * `planledger simulate`: census → workforce decisions → plan engine → checked events → the
 * DuckDB store and/or an NDJSON file, with a closing summary (docs/simulate.md).
 * Exit 0 done; 2 on bad input (census row, plan field, config field, options) found before any
 * work, or an I/O problem; 1 when the run failed after starting.
 */
import type { Command } from 'commander';
import { log, out, outJson, UsageError } from '../exit.js';

type SimulateModule = typeof import('../../simulate/simulate.js');
type SimulateOptions = import('../../simulate/simulate.js').SimulateOptions;
type SimulateResult = import('../../simulate/simulate.js').SimulateResult;

export interface SimulateFlags {
  employees: string;
  years: string;
  seed: string;
  plan?: string;
  census?: string;
  config?: string;
  db?: string;
  out?: string;
  workers?: string;
  scenario: string;
  createdAt?: string;
  shard?: string;
  snapshots: boolean;
  json?: boolean;
}

export const DEFAULT_DB = './planledger.duckdb';

/** `2021-2025` or `2025` → [first, last]. */
export function parseYears(text: string): [number, number] {
  const m = /^([0-9]{4})(?:-([0-9]{4}))?$/.exec(text.trim());
  if (m === null)
    throw new UsageError(`--years: expected FIRST-LAST (e.g. 2021-2025), found ${JSON.stringify(text)}`);
  const first = Number(m[1]);
  const last = Number(m[2] ?? m[1]);
  if (first > last) throw new UsageError(`--years: the first year ${first} is after the last ${last}`);
  return [first, last];
}

export function parseWhole(flag: string, text: string): number {
  if (!/^[0-9]{1,15}$/.test(text))
    throw new UsageError(`${flag}: expected a whole number, found ${JSON.stringify(text)}`);
  return Number(text);
}

/** Options for the library from the command's flags. */
export async function optionsFromFlags(flags: SimulateFlags): Promise<SimulateOptions> {
  const { parseShard } = await import('../../simulate/partition.js');
  let shard: SimulateOptions['shard'];
  if (flags.shard !== undefined) {
    shard = parseShard(flags.shard);
    if (shard === undefined)
      throw new UsageError(
        `--shard: expected i/n with 1 ≤ i ≤ n ≤ 256, found ${JSON.stringify(flags.shard)}`,
      );
  }
  // Without --db, the store is written unless only --out was asked for.
  const db = flags.db ?? (flags.out === undefined ? DEFAULT_DB : null);
  return {
    employees: parseWhole('--employees', flags.employees),
    years: parseYears(flags.years),
    seed: parseWhole('--seed', flags.seed),
    planFile: flags.plan,
    censusFile: flags.census,
    configFile: flags.config,
    db,
    out: flags.out ?? null,
    workers: flags.workers === undefined ? undefined : parseWhole('--workers', flags.workers),
    scenarioId: flags.scenario,
    createdAt: flags.createdAt,
    shard,
    snapshots: flags.snapshots,
  };
}

/** Run with a progress bar on a terminal; input problems become usage errors (exit 2). */
export async function runSimulation(opts: SimulateOptions): Promise<SimulateResult> {
  const lib: SimulateModule = await import('../../simulate/simulate.js');
  const { isInputError } = await import('../../simulate/errors.js');
  const { Interrupted, watchInterrupts } = await import('../interrupt.js');
  const bar = await progressBar();
  const { rmSync } = await import('node:fs');
  let finished = false;
  // The parent is gone: an unfinished --out file is removed before this process ends.
  const interrupt = watchInterrupts(() => {
    if (!finished && opts.out != null) rmSync(opts.out, { force: true });
  });
  try {
    const result = await lib.simulate({ ...opts, onProgress: bar?.update, log, signal: interrupt.signal });
    finished = true;
    return result;
  } catch (err) {
    if (err instanceof lib.SimulateInterrupted) {
      bar?.stop();
      throw new Interrupted(err.message, interrupt.exitCode());
    }
    if (isInputError(err)) throw new UsageError((err as Error).message);
    if ((err as Error)?.name === 'StoreLockedError') throw new UsageError((err as Error).message);
    throw err;
  } finally {
    interrupt.dispose();
    bar?.stop();
  }
}

export function addSimulationFlags(cmd: Command, employees: string): Command {
  return cmd
    .option('--employees <n>', 'size of the synthetic census (ignored with --census)', employees)
    .option('--years <first-last>', 'simulated plan years', '2021-2025')
    .option('--seed <s>', 'random seed (whole number)', '42')
    .option('--plan <file>', 'plan design JSON (default: config/plan-default.json)')
    .option('--census <file>', 'census CSV (default: a synthetic census of --employees people)')
    .option('--config <file>', 'workforce assumptions merged over config/workforce.json')
    .option('--workers <k>', 'worker threads (default: available cores; output is the same for any K)')
    .option('--created-at <timestamp>', 'created_at of every event (default: the run start)')
    .option('--no-snapshots', 'do not bring balance snapshots up to date at the end')
    .option('--json', 'print the summary as JSON on stdout');
}

export function register(program: Command): void {
  const cmd = program
    .command('simulate')
    .description('simulate a workforce and its plan events into the store and/or an NDJSON file');
  addSimulationFlags(cmd, '10000')
    .option('--db <path>', `DuckDB store (default ${DEFAULT_DB} unless only --out is given)`)
    .option('--out <file.ndjson>', 'also (or only) write the canonical events as NDJSON')
    .option('--scenario <id>', 'scenario id (a re-run replaces it)', 'default')
    .option('--shard <i/n>', 'produce only the partitions of shard i of n (p % n == i - 1)')
    .action(async (flags: SimulateFlags) => {
      const result = await runSimulation(await optionsFromFlags(flags));
      const { summaryJson, summaryText } = await import('../../simulate/summary-text.js');
      if (flags.json) outJson(summaryJson(result));
      else out(summaryText(result));
    });
}

/** A progress bar with events/s on stderr, only when stderr is a terminal. */
async function progressBar(): Promise<
  { update: SimulateOptions['onProgress']; stop: () => void } | undefined
> {
  if (!process.stderr.isTTY) return undefined;
  const { SingleBar, Presets } = await import('cli-progress');
  const bar = new SingleBar(
    {
      stream: process.stderr,
      format: 'simulate [{bar}] {value}/{total} partitions | {events} events | {rate} events/s | {duration}s',
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update: (p) => {
      if (p === undefined) return;
      const payload = { events: p.events, rate: Math.round(p.events / Math.max(p.seconds, 0.001)) };
      if (!started) {
        bar.start(p.partitionsTotal, p.partitionsDone, payload);
        started = true;
      } else bar.update(p.partitionsDone, payload);
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
