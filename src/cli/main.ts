/**
 * The `planledger` command line. Every command lives in src/cli/commands/<name>.ts and
 * registers itself with commander; a run loads only the module of the command it names
 * (`COMMANDS`). Command modules import only light code at the top level; DuckDB and the engine
 * are loaded with `await import()` inside actions, so that `--help` is instant.
 */
import { Command, CommanderError } from 'commander';
import { fileProblemOf, InputError, outOfMemoryOf } from '../errors/index.js';
import { VERSION } from '../version.js';
import { CheckFailed, EXIT_CHECK_FAILED, EXIT_USAGE } from './exit.js';
import { startedByRerun } from './interrupt.js';
import { rerunWithOneArena } from './malloc-arena.js';
import { leaveReadOnlyStoresToExit, readOnlyStoresLeftOpen } from './store.js';

/** A command's name and the module that registers it. */
type CommandEntry = readonly [name: string, load: () => Promise<{ register(program: Command): void }>];

/**
 * Every command, in the order `--help` lists them: its name and the module that registers it.
 * A run names one command, and only that module is loaded (`programFor`): loading all eighteen
 * took about 40 ms of a `balance` that is meant to take a few hundred (docs/snapshots.md, "The
 * balance command").
 */
export const COMMANDS: readonly CommandEntry[] = [
  ['main', () => import('./commands/main-job.js')],
  ['simulate', () => import('./commands/simulate.js')],
  ['compare', () => import('./commands/compare.js')],
  ['validate', () => import('./commands/validate.js')],
  ['ingest', () => import('./commands/ingest.js')],
  ['history', () => import('./commands/history.js')],
  ['balance', () => import('./commands/balance.js')],
  ['balances', () => import('./commands/balances.js')],
  ['snapshots', () => import('./commands/snapshots.js')],
  ['scenario', () => import('./commands/scenario.js')],
  ['golden', () => import('./commands/golden.js')],
  ['dq', () => import('./commands/dq.js')],
  ['drift', () => import('./commands/drift.js')],
  ['ndt', () => import('./commands/ndt.js')],
  ['bench', () => import('./commands/bench.js')],
  ['report', () => import('./commands/report.js')],
  ['export', () => import('./commands/export.js')],
  ['schema', () => import('./commands/schema.js')],
];

/** The program with every command (what `--help`, `help` and an unknown command need). */
export async function buildProgram(): Promise<Command> {
  return programWith(COMMANDS);
}

/**
 * The program for one run: when argv's first word names a command, only that command (its own
 * `--help` included); `--version` alone needs none; otherwise every command, so that `--help`,
 * `help <cmd>` and a misspelt command (with commander's suggestion) behave as with all of them.
 */
export async function programFor(argv: string[]): Promise<Command> {
  const words = argv.slice(2);
  if (words.length === 1 && (words[0] === '--version' || words[0] === '-V')) return programWith([]);
  const named = COMMANDS.filter(([name]) => name === words[0]);
  return programWith(named.length === 1 ? named : COMMANDS);
}

async function programWith(commands: readonly CommandEntry[]): Promise<Command> {
  const program = new Command('planledger')
    .description(
      'Project, store and verify US 401(k) plan events: exact to the cent, in an embedded DuckDB store.',
    )
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride();
  const modules = await Promise.all(commands.map(([, load]) => load()));
  for (const m of modules) m.register(program);
  addStoreWait(program);
  return program;
}

/**
 * `--wait SECONDS` on every command that opens a store (every command with `--db`): the store
 * opener's default for the command's run (src/store/open.ts, `setDefaultLockWait`), saying on
 * stderr who holds the lock while it waits.
 */
function addStoreWait(program: Command): void {
  const all = (c: Command): Command[] => c.commands.flatMap((s) => [s, ...all(s)]);
  for (const cmd of all(program)) {
    const has = (flag: string) => cmd.options.some((o) => o.long === flag);
    if (has('--db') && !has('--wait'))
      cmd.option('--wait <seconds>', 'wait up to this long for another process to release the store', '0');
  }
  program.hook('preAction', async (_program, command) => {
    const wait = command.opts().wait;
    if (typeof wait !== 'string' || !command.options.some((o) => o.long === '--db')) return;
    const { parseWait } = await import('./options.js');
    const seconds = parseWait(wait);
    const db = String(command.opts().db ?? '');
    const { setDefaultLockWait } = await import('../store/open.js');
    setDefaultLockWait({
      seconds,
      onWaiting: (holder) =>
        process.stderr.write(
          `planledger: waiting up to ${seconds} s for the store ${db}: it is locked by another process (${holder})\n`,
        ),
    });
  });
}

function onStdoutError(err: NodeJS.ErrnoException): void {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
}

/**
 * Run the command line. `endsProcess` (the executable): the process ends with the command, so
 * read-only stores are left to its exit, which follows as soon as the output is written.
 */
export async function main(argv: string[], opts: { endsProcess?: boolean } = {}): Promise<void> {
  const rerun = await rerunWithOneArena(argv);
  if (rerun !== null) {
    process.exitCode = rerun;
    return;
  }
  // `planledger history E1 | head`: a reader that stops early is not an error. (Once per
  // process: tests run main() many times.)
  if (!process.stdout.listeners('error').includes(onStdoutError)) process.stdout.on('error', onStdoutError);
  const program = await programFor(argv);
  if (opts.endsProcess === true) leaveReadOnlyStoresToExit();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    process.exitCode = exitCodeFor(err);
  } finally {
    // Started by the one-arena re-run: the IPC channel to the parent is watched for the parent's
    // death while the command runs (src/cli/interrupt.ts). An unref'd channel never reports it,
    // so it stays referenced until here, and is closed so that this process can end.
    if (startedByRerun && process.connected) process.disconnect();
  }
  if (readOnlyStoresLeftOpen() > 0) await exitOnceWritten();
}

/** End the process once stdout and stderr have taken everything written to them. */
async function exitOnceWritten(): Promise<never> {
  const flushed = (s: NodeJS.WriteStream) => new Promise<void>((resolve) => s.write('', () => resolve()));
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit();
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) {
    // --help and --version end with exit code 0; usage mistakes with 2.
    return err.exitCode === 0 ? 0 : EXIT_USAGE;
  }
  if (err instanceof CheckFailed) {
    if (err.message) process.stderr.write(`planledger: ${err.message}\n`);
    return EXIT_CHECK_FAILED;
  }
  // The library's input errors (the CLI's UsageError is one): the user's mistake, exit 2.
  if (err instanceof InputError) {
    process.stderr.write(`planledger: ${err.message}\n`);
    return EXIT_USAGE;
  }
  // Library errors that carry their exit code (ScenarioStateError, ShardMismatchError: 2;
  // SimulateInterrupted: 130/143): one line, no stack.
  const coded = err as { exitCode?: unknown; message?: string };
  if (err instanceof Error && typeof coded.exitCode === 'number') {
    process.stderr.write(`planledger: ${err.message}\n`);
    return coded.exitCode;
  }
  // A user's file that DuckDB or Node could not use: the path and the cause in plain words.
  const problem = fileProblemOf(err);
  if (problem !== null) {
    process.stderr.write(`planledger: ${problem.message}\n`);
    return EXIT_USAGE;
  }
  const oom = outOfMemoryOf(err);
  if (oom !== null) {
    process.stderr.write(`planledger: ${oom}\n`);
    return EXIT_USAGE;
  }
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code)) {
    process.stderr.write(`planledger: ${e.message}\n`);
    return EXIT_USAGE;
  }
  return internalError(err);
}

/**
 * Anything else is a bug: one line, and how to see the stack (PLANLEDGER_DEBUG=1 prints it).
 */
function internalError(err: unknown): number {
  if (process.env.PLANLEDGER_DEBUG === '1') {
    process.stderr.write(`planledger: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    return EXIT_USAGE;
  }
  const first = String((err as Error)?.message ?? err).split('\n')[0];
  process.stderr.write(
    `planledger: internal error: ${first} (run again with PLANLEDGER_DEBUG=1 to see the stack)\n`,
  );
  return EXIT_USAGE;
}
