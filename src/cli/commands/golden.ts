import type { Command } from 'commander';
import { CheckFailed, log, out, outJson, UsageError } from '../exit.js';

interface Options {
  json?: boolean;
  db?: string;
}

/**
 * `planledger golden DIR... [--json] [--db PATH]`: run golden cases (golden.md) and compare
 * every expected figure. A DIR is a case folder (it holds case.json) or a folder of case
 * folders. Exit 0 only when every row of every case matches within its tolerance; 1 on any
 * discrepancy or malformed case; 2 when a path cannot be read.
 */
export function register(program: Command): void {
  program
    .command('golden')
    .description('run golden cases through the engine and compare every expected figure')
    .argument('<dirs...>', 'case folders (holding case.json), or folders of case folders')
    .option('--json', 'print the report as one JSON object on stdout')
    .option('--db <path>', 'also record the results in the golden_runs table of this store')
    .action(async (dirs: string[], opts: Options) => {
      const cases = await caseFolders(dirs);
      const { runGolden, formatGoldenReport } = await import('../../quality/golden/run.js');
      const report = await runGolden(cases);
      if (opts.json) outJson(report);
      else out(formatGoldenReport(report));
      if (opts.db !== undefined) {
        const { openStore } = await import('../../store/open.js');
        const { recordGoldenRun } = await import('../../quality/golden/record.js');
        const store = await openStore({ path: opts.db });
        try {
          const runId = await recordGoldenRun(store.connection, report);
          log(`recorded golden run ${runId} in ${opts.db}`);
        } finally {
          store.close();
        }
      }
      if (!report.all_matched) throw new CheckFailed('');
    });
}

/** Expand the arguments into case folders; an unreadable path is a usage error (exit 2). */
async function caseFolders(dirs: string[]): Promise<string[]> {
  const { readdir, stat } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const out: string[] = [];
  for (const dir of dirs) {
    const s = await stat(dir).catch((e: Error) => {
      throw new UsageError(`cannot read ${dir}: ${e.message}`);
    });
    if (!s.isDirectory()) throw new UsageError(`cannot read ${dir}: not a folder`);
    const entries = await readdir(dir, { withFileTypes: true }).catch((e: Error) => {
      throw new UsageError(`cannot read ${dir}: ${e.message}`);
    });
    if (entries.some((e) => e.name === 'case.json')) {
      out.push(dir);
      continue;
    }
    const subs = entries.filter((e) => e.isDirectory()).map((e) => join(dir, e.name));
    const withCase: string[] = [];
    for (const sub of subs.sort()) {
      const files = await readdir(sub).catch(() => [] as string[]);
      if (files.includes('case.json')) withCase.push(sub);
    }
    // A folder with neither case.json nor case folders is reported as a malformed case.
    out.push(...(withCase.length > 0 ? withCase : [dir]));
  }
  return out;
}
