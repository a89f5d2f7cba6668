/**
 * `planledger report [--db PATH | --lake DIR] [--scenario S]... [--bench] [--out FILE] [--bench-dir DIR] [--json]`:
 * the HTML report (docs/report.md): one scenario's page, the comparison page of several
 * scenarios (--scenario given twice or more), or the benchmark page (--bench). Prints the path
 * of the file written.
 */
import type { Command } from 'commander';
import { out, outJson } from '../exit.js';
import { DEFAULT_DB } from '../store.js';

interface ReportFlags {
  db: string;
  lake?: string;
  scenario: string[];
  bench?: boolean;
  out?: string;
  benchDir?: string;
  json?: boolean;
  allowIncomplete?: boolean;
}

export function register(program: Command): void {
  program
    .command('report')
    .description('write the HTML report of a scenario: one self-contained file')
    .option('--db <path>', 'DuckDB store to read', DEFAULT_DB)
    .option('--lake <dir>', 'read a Parquet lake (from `planledger export`) instead of --db')
    .option(
      '--scenario <id>',
      'scenario to show (default: the most recently created); give it twice or more for the comparison page, the first being the base',
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option('--bench', 'write the benchmark page (history and targets) instead of the plan report')
    .option('--out <file>', 'output file (default: planledger-report.html beside the database)')
    .option('--bench-dir <dir>', 'benchmark history directory', 'bench/history')
    .option('--allow-incomplete', 'show a scenario that is not complete (an unfinished run)')
    .option('--json', 'print {"path", "scenario", "sections"} as JSON')
    .action(async (flags: ReportFlags) => {
      const { openQueryStore } = await import('../../store/lake.js');
      const { writeReport } = await import('../../report/index.js');
      const { scanMemoryLimit } = await import('../../store/memory-limit.js');
      const store = await openQueryStore({ db: flags.db, lake: flags.lake, memoryLimit: scanMemoryLimit() });
      try {
        const result = await writeReport(store, {
          out: flags.out,
          scenarios: flags.scenario,
          bench: flags.bench,
          benchDir: flags.benchDir,
          allowIncomplete: flags.allowIncomplete,
        });
        if (flags.json) outJson(result);
        else out(result.path);
      } finally {
        store.close();
      }
    });
}
