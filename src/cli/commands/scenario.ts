/**
 * `planledger scenario list [--json] [--db]` and `planledger scenario delete ID [--json] [--db]
 * [--wait S]`: the scenarios in a store, and removing one with everything stored for it (events,
 * snapshots, quality results, participants) in one transaction.
 */
import type { Command } from 'commander';
import { out, outJson, UsageError } from '../exit.js';
import { parseWait } from '../options.js';
import { DEFAULT_DB } from '../store.js';

export function register(program: Command): void {
  const scenario = program.command('scenario').description('list or delete the scenarios in a store');
  scenario
    .command('list')
    .description('every scenario with its years, status, events and participants')
    .option('--json', 'print the list as JSON')
    .option('--db <path>', 'DuckDB store', DEFAULT_DB)
    .action(async (flags: { db: string; json?: boolean }) => {
      const { listScenarios } = await import('../../store/scenarios.js');
      const { openStore } = await import('../../store/open.js');
      const store = await openStore({ path: flags.db, readOnly: true });
      try {
        const rows = await listScenarios(store.connection);
        if (flags.json) {
          outJson(rows);
          return;
        }
        if (rows.length === 0) {
          out('no scenario in the store');
          return;
        }
        out(
          `${'scenario'.padEnd(24)}${'years'.padEnd(12)}${'status'.padEnd(12)}${'events'.padStart(12)}${'participants'.padStart(14)}`,
        );
        for (const r of rows) {
          const years = r.first_year === null ? '-' : `${r.first_year}-${r.last_year}`;
          out(
            `${r.scenario_id.padEnd(24)}${years.padEnd(12)}${r.status.padEnd(12)}${String(r.events).padStart(12)}${String(r.participants).padStart(14)}`,
          );
        }
      } finally {
        store.close();
      }
    });
  scenario
    .command('delete')
    .description('delete a scenario and everything stored for it, in one transaction')
    .argument('<id>', 'the scenario id')
    .option('--json', 'print the rows deleted per table as JSON')
    .option('--db <path>', 'DuckDB store', DEFAULT_DB)
    .option('--wait <seconds>', 'wait up to this long for another process to release the store', '0')
    .action(async (id: string, flags: { db: string; json?: boolean; wait: string }) => {
      const { deleteScenario } = await import('../../store/scenarios.js');
      const { openStore } = await import('../../store/open.js');
      const store = await openStore({ path: flags.db, waitSeconds: parseWait(flags.wait) });
      let r: Awaited<ReturnType<typeof deleteScenario>>;
      try {
        r = await deleteScenario(store, id);
      } finally {
        store.close();
      }
      if (r === undefined) throw new UsageError(`unknown scenario ${id}: nothing stored for it`);
      if (flags.json) outJson(r);
      else {
        out(`deleted scenario ${id}:`);
        for (const [table, n] of Object.entries(r.deleted))
          out(`  ${table.padEnd(36)}${String(n).padStart(12)}`);
      }
    });
}
