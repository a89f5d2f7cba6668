/**
 * The simulation as the `simulate` and `main` commands run it: the shared flags, the library's
 * options from them, and the run with a progress bar (input problems become exit 2).
 */
import type { Command } from 'commander';
import { log, UsageError } from './exit.js';
import { parseWhole } from './options.js';
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
  const bar = await progressBar<PhasePayload>(
    '{phase} [{bar}] {percentage}% | {events} events | {rate} events/s | {left} left',
  );
  const phases = bar && phaseProgress(bar);
  const onProgress: SimulateOptions['onProgress'] = phases?.update;
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
    phases?.stop();
    bar?.stop();
  }
}

type PhasePayload = { phase: string; events: string; rate: string; left: string };
type Progress = Parameters<NonNullable<SimulateOptions['onProgress']>>[0];

/**
 * The snapshot build's time as a share of the simulate phase's (it reports no progress of its
 * own): 48% at 100,000 employees × 5 years (build at 256 MB), 35% at 10,000 (docs/simulate.md,
 * "Commands").
 */
const SNAPSHOTS_PER_SIMULATE_SECOND = 0.45;

/**
 * The progress bar's phases (docs/simulate.md, "Commands"): `simulate` by partitions done, with
 * the events written and their rate; `store` (the last commit and the swap, short); `snapshots`
 * by elapsed time against an estimate from the simulate phase's duration, its rate being the
 * run's events over the build's seconds. Time left is linear in each phase's fraction done.
 */
function phaseProgress(bar: NonNullable<Awaited<ReturnType<typeof progressBar<PhasePayload>>>>) {
  const STEPS = 1000;
  let phase: Progress['phase'] = 'simulate';
  let phaseStart = 0;
  let simulateSeconds = 0;
  let last: Progress | null = null;
  let timer: NodeJS.Timeout | null = null;
  const text = (n: number) => Math.round(n).toLocaleString('en-US');
  const clock = (s: number) =>
    Number.isFinite(s) ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s` : '?';
  const draw = (p: Progress, seconds: number) => {
    const elapsed = Math.max(seconds - phaseStart, 0.001);
    let fraction: number;
    let rate: number;
    if (phase === 'simulate') {
      fraction = p.partitionsTotal > 0 ? p.partitionsDone / p.partitionsTotal : 1;
      rate = p.events / elapsed;
    } else if (phase === 'snapshots') {
      fraction = Math.min(elapsed / Math.max(simulateSeconds * SNAPSHOTS_PER_SIMULATE_SECOND, 1), 0.99);
      rate = p.events / elapsed;
    } else {
      fraction = 0;
      rate = 0;
    }
    const left = fraction > 0 ? (elapsed * (1 - fraction)) / fraction : Number.NaN;
    bar.update(Math.round(fraction * STEPS), STEPS, {
      phase: phase.padEnd(9),
      events: text(p.events),
      rate: text(rate),
      left: phase === 'store' ? '-' : clock(left),
    });
  };
  return {
    update(p: Progress) {
      if (p.phase !== phase) {
        if (phase === 'simulate') simulateSeconds = p.seconds;
        phase = p.phase;
        phaseStart = p.seconds;
      }
      last = p;
      draw(p, p.seconds);
      // The snapshot build reports nothing until it ends: the bar moves on a timer meanwhile.
      if (phase === 'snapshots' && timer === null) {
        const t0 = performance.now() - p.seconds * 1000;
        timer = setInterval(() => last && draw(last, (performance.now() - t0) / 1000), 500);
        timer.unref();
      }
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
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
