/**
 * The `planledger` command line. Every command lives in src/cli/commands/<name>.ts and
 * registers itself with commander. Command modules import only light code at the top
 * level; DuckDB and the engine are loaded with `await import()` inside actions, so that
 * `--help` is instant.
 */
import { Command, CommanderError } from 'commander';
import { register as registerBalance } from './commands/balance.js';
import { register as registerBalances } from './commands/balances.js';
import { register as registerBench } from './commands/bench.js';
import { register as registerCompare } from './commands/compare.js';
import { register as registerDq } from './commands/dq.js';
import { register as registerDrift } from './commands/drift.js';
import { register as registerExport } from './commands/export.js';
import { register as registerGolden } from './commands/golden.js';
import { register as registerHistory } from './commands/history.js';
import { register as registerIngest } from './commands/ingest.js';
import { register as registerMainJob } from './commands/main-job.js';
import { register as registerReport } from './commands/report.js';
import { register as registerScenario } from './commands/scenario.js';
import { register as registerSchema } from './commands/schema.js';
import { register as registerSimulate } from './commands/simulate.js';
import { register as registerSnapshots } from './commands/snapshots.js';
import { register as registerValidate } from './commands/validate.js';
import { CheckFailed, EXIT_CHECK_FAILED, EXIT_USAGE, UsageError } from './exit.js';
import { rerunWithOneArena } from './malloc-arena.js';
import { VERSION } from './version.js';

export function buildProgram(): Command {
  const program = new Command('planledger')
    .description(
      'Project, store and verify US 401(k) plan events: exact to the cent, in an embedded DuckDB store.',
    )
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride();
  for (const register of [
    registerMainJob,
    registerSimulate,
    registerCompare,
    registerValidate,
    registerIngest,
    registerHistory,
    registerBalance,
    registerBalances,
    registerSnapshots,
    registerScenario,
    registerGolden,
    registerDq,
    registerDrift,
    registerBench,
    registerReport,
    registerExport,
    registerSchema,
  ]) {
    register(program);
  }
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const rerun = rerunWithOneArena(argv);
  if (rerun !== null) {
    process.exitCode = rerun;
    return;
  }
  // `planledger history E1 | head`: a reader that stops early is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    process.exitCode = exitCodeFor(err);
  }
}

function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) {
    // --help and --version end with exit code 0; usage mistakes with 2.
    return err.exitCode === 0 ? 0 : EXIT_USAGE;
  }
  if (err instanceof CheckFailed) {
    if (err.message) process.stderr.write(`planledger: ${err.message}\n`);
    return EXIT_CHECK_FAILED;
  }
  if (err instanceof UsageError) {
    process.stderr.write(`planledger: ${err.message}\n`);
    return EXIT_USAGE;
  }
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code)) {
    process.stderr.write(`planledger: ${e.message}\n`);
    return EXIT_USAGE;
  }
  process.stderr.write(`planledger: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
  return EXIT_USAGE;
}
