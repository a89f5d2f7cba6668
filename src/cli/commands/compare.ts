/**
 * `planledger compare --plan A.json --plan B.json [...]`: one census and seed under two or more
 * plan designs, one scenario each with the same workforce, and the figures side by side
 * (docs/compare.md). Exit 0 done; 2 on bad input found before any work, or an I/O problem.
 */
import type { Command } from 'commander';
import { log, out, outJson, UsageError } from '../exit.js';
import { parseWhole } from '../options.js';
import { parseYears } from '../simulation.js';
import { DEFAULT_DB } from '../store.js';

interface CompareFlags {
  plan: string[];
  scenario: string[];
  employees: string;
  years: string;
  seed: string;
  census?: string;
  config?: string;
  db: string;
  workers?: string;
  createdAt?: string;
  snapshots: boolean;
  json?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function register(program: Command): void {
  program
    .command('compare')
    .description('simulate one workforce under two or more plan designs and compare them')
    .option(
      '--plan <file>',
      'a plan design JSON, once per design; the first is the base ("default": config/plan-default.json)',
      collect,
      [],
    )
    .option(
      '--scenario <id>',
      'scenario id of each plan, in --plan order (default: the plan file names)',
      collect,
      [],
    )
    .option('--employees <n>', 'size of the synthetic census (ignored with --census)', '10000')
    .option('--years <first-last>', 'simulated plan years', '2021-2025')
    .option('--seed <s>', 'random seed (whole number)', '42')
    .option('--census <file>', 'census CSV (default: a synthetic census of --employees people)')
    .option('--config <file>', 'workforce assumptions merged over config/workforce.json')
    .option('--db <path>', 'DuckDB store (each design replaces its scenario)', DEFAULT_DB)
    .option('--workers <k>', 'worker threads (default: available cores; output is the same for any K)')
    .option('--created-at <timestamp>', 'created_at of every event (default: the run start)')
    .option('--no-snapshots', 'do not bring balance snapshots up to date')
    .option('--json', 'print the comparison as JSON on stdout')
    .action(async (flags: CompareFlags) => {
      const { compare } = await import('../../compare/index.js');
      const { compareJson, compareText } = await import('../../compare/text.js');
      const { isInputError } = await import('../../simulate/errors.js');
      let result: Awaited<ReturnType<typeof compare>>;
      try {
        result = await compare({
          plans: flags.plan,
          scenarioIds: flags.scenario,
          employees: parseWhole('--employees', flags.employees),
          years: parseYears(flags.years),
          seed: parseWhole('--seed', flags.seed),
          censusFile: flags.census,
          configFile: flags.config,
          db: flags.db,
          workers: flags.workers === undefined ? undefined : parseWhole('--workers', flags.workers),
          createdAt: flags.createdAt,
          snapshots: flags.snapshots,
          log,
        });
      } catch (err) {
        if (isInputError(err) || (err as Error)?.name === 'StoreLockedError')
          throw new UsageError((err as Error).message);
        throw err;
      }
      if (flags.json) outJson(compareJson(result));
      else out(compareText(result));
    });
}
