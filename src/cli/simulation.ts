/**
 * The simulation as the `simulate` and `main` commands run it: the shared flags, the library's
 * options from them, and the run with a progress bar (input problems become exit 2).
 */
import type { Command } from 'commander';
import { log, UsageError } from './exit.js';
import { progressBar } from './progress.js';
import { DEFAULT_DB } from './store.js';

type SimulateModule = typeof import('../simulate/simulate.js');
type SimulateOptions = import('../simulate/simulate.js').SimulateOptions;
type SimulateResult = import('../simulate/simulate.js').SimulateResult;

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
  const { parseShard } = await import('../simulate/partition.js');
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
  const lib: SimulateModule = await import('../simulate/simulate.js');
  const { isInputError } = await import('../simulate/errors.js');
  const { Interrupted, watchInterrupts } = await import('./interrupt.js');
  const bar = await progressBar<{ events: number; rate: number }>(
    'simulate [{bar}] {value}/{total} partitions | {events} events | {rate} events/s | {duration}s',
  );
  const onProgress: SimulateOptions['onProgress'] = (p) => {
    if (p === undefined) return;
    const rate = Math.round(p.events / Math.max(p.seconds, 0.001));
    bar?.update(p.partitionsDone, p.partitionsTotal, { events: p.events, rate });
  };
  const { rmSync } = await import('node:fs');
  let finished = false;
  // The parent is gone: an unfinished --out file is removed before this process ends.
  const interrupt = watchInterrupts(() => {
    if (!finished && opts.out != null) rmSync(opts.out, { force: true });
  });
  try {
    const result = await lib.simulate({
      ...opts,
      onProgress: bar && onProgress,
      log,
      signal: interrupt.signal,
    });
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
