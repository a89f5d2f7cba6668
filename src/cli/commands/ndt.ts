/**
 * `planledger ndt [--scenario S] [--year Y] [--json] [--db PATH]`: the ADP and ACP tests of a
 * scenario (nondiscrimination.md, docs/ndt.md), stored in `ndt_tests` / `ndt_shares` and
 * printed. Exit 1 when a printed test fails, 0 when all pass or are exempt, 2 for an unknown
 * scenario or year, or a store that cannot be opened.
 */
import type { Command } from 'commander';
import { CheckFailed, out, outJson, UsageError } from '../exit.js';
import { DEFAULT_DB } from '../store.js';

interface NdtFlags {
  db: string;
  scenario?: string;
  year?: string;
  json?: boolean;
  allowIncomplete?: boolean;
}

export function register(program: Command): void {
  program
    .command('ndt')
    .description('run the ADP and ACP nondiscrimination tests of a scenario; exit 1 when one fails')
    .option('--db <path>', 'the store (results are stored there)', DEFAULT_DB)
    .option('--scenario <id>', 'the scenario (default: the store’s only scenario)')
    .option('--year <year>', 'print only this plan year (every year is computed and stored)')
    .option('--json', 'print the results as JSON')
    .option('--allow-incomplete', 'test a scenario that is not complete (an unfinished run)')
    .action(async (flags: NdtFlags) => runNdtCommand(flags));
}

async function runNdtCommand(flags: NdtFlags): Promise<void> {
  const year = flags.year === undefined ? undefined : Number(flags.year);
  if (year !== undefined && !(Number.isInteger(year) && /^[0-9]{4}$/.test(flags.year ?? '')))
    throw new UsageError(`--year: expected a four-digit plan year, found ${flags.year}`);
  const { openStore } = await import('../../store/open.js');
  const { requireReadableScenario } = await import('../../store/scenarios.js');
  const { loadNdtScenario, runNdt, storeNdt, testJson, formatNdt, NdtInputError } = await import(
    '../../ndt/run.js'
  );
  const { scanMemoryLimit } = await import('../../store/memory-limit.js');
  const store = await openStore({
    path: flags.db,
    mustExist: true,
    memoryLimit: scanMemoryLimit(),
  });
  let report: import('../../ndt/run.js').NdtReport;
  try {
    let s: import('../../ndt/run.js').NdtScenario;
    try {
      s = await loadNdtScenario(store.connection, flags.scenario);
      await requireReadableScenario(store.connection, s.scenarioId, {
        allowIncomplete: flags.allowIncomplete,
      });
    } catch (err) {
      if (err instanceof NdtInputError) throw new UsageError(err.message);
      throw err;
    }
    if (year !== undefined && (year < s.years[0] || year > s.years[1]))
      throw new UsageError(`--year ${year}: scenario ${s.scenarioId} covers ${s.years[0]}–${s.years[1]}`);
    report = await runNdt(store.connection, s.scenarioId, s.plan, s.years);
    await storeNdt(store.connection, report);
  } finally {
    store.close();
  }
  const tests = report.tests.filter((t) => year === undefined || t.year === year);
  if (flags.json) outJson({ scenario_id: report.scenarioId, tests: tests.map(testJson) });
  else out(formatNdt(report, tests));
  const failed = tests.filter((t) => t.result === 'fail');
  if (failed.length > 0)
    throw new CheckFailed(
      `nondiscrimination: ${failed.length} test(s) failed: ${failed.map((t) => `${t.year} ${t.test.toUpperCase()}`).join(', ')}`,
    );
}
