/**
 * `planledger balance EMPLOYEE_ID --as-of DATE [--plan P] [--scenario S] [--json] [--from-events] [--db]`:
 * one participant's balances as of a date, from the latest snapshot plus the events after it, or
 * by replaying every event (`--from-events`, the audit path). Both give the same figures.
 */
import type { Command } from 'commander';
import type { BalanceResult } from '../../snapshots/ledger.js';
import { out, outJson } from '../exit.js';
import { parseDateOption } from '../options.js';
import { DEFAULT_DB, withStore } from '../store.js';

interface BalanceFlags {
  lake?: string;
  asOf: string;
  plan?: string;
  scenario?: string;
  allowIncomplete?: boolean;
  json?: boolean;
  fromEvents?: boolean;
  db: string;
}

function print(r: BalanceResult, json: boolean): void {
  if (json) {
    outJson(r);
    return;
  }
  const source =
    r.path === 'snapshot' ? `snapshot of ${r.snapshot_date} + events after it` : 'replay of every event';
  out(`${r.employee_id}  plan ${r.plan_id}  scenario ${r.scenario_id}  as of ${r.as_of}  (${source})`);
  for (const [bucket, amount] of Object.entries(r.balances))
    out(`  ${bucket.padEnd(26)}${amount.padStart(16)}`);
  out(`  ${'vested_percentage'.padEnd(26)}${r.vested_percentage.padStart(16)}`);
  out(`  ${'vested_balance'.padEnd(26)}${r.vested_balance.padStart(16)}`);
}

export function register(program: Command): void {
  program
    .command('balance')
    .description("a participant's six bucket balances, vested fraction and vested balance as of a date")
    .argument('<employee_id>', 'the participant')
    .requiredOption('--as-of <date>', 'as of the end of this day (YYYY-MM-DD)')
    .option('--plan <id>', 'the plan (default: the participant’s only plan)')
    .option('--scenario <id>', 'the scenario (default: the store’s only scenario)')
    .option('--from-events', 'replay every event instead of starting from a snapshot (the audit path)')
    .option('--json', 'print the result as JSON')
    .option('--allow-incomplete', 'read a scenario that is not complete (an unfinished run)')
    .option('--db <path>', 'DuckDB store', DEFAULT_DB)
    .option('--lake <dir>', 'read a Parquet lake (planledger export) instead of --db')
    .action(async (employee: string, flags: BalanceFlags) => {
      const asOf = parseDateOption(flags.asOf, '--as-of');
      // The balance index answers without DuckDB when it can (docs/snapshots.md, "The balance
      // index"); the store answers everything else, with the same result.
      if (!flags.fromEvents && flags.lake === undefined) {
        const { balanceFromIndex } = await import('../../snapshots/balance-index.js');
        const r = balanceFromIndex(flags.db, {
          employee_id: employee,
          as_of: asOf,
          plan: flags.plan,
          scenario: flags.scenario,
        });
        if (r !== null) return print(r, flags.json === true);
      }
      const { resolveParticipant } = await import('../../snapshots/resolve.js');
      const { balanceFromEvents, balanceFromSnapshots } = await import('../../snapshots/query.js');
      await withStore(
        flags.db,
        true,
        async ({ connection }) => {
          const p = await resolveParticipant(connection, employee, {
            scenario: flags.scenario,
            plan: flags.plan,
            allowIncomplete: flags.allowIncomplete,
          });
          const r = flags.fromEvents
            ? await balanceFromEvents(connection, p, asOf)
            : await balanceFromSnapshots(connection, p, asOf);
          print(r, flags.json === true);
        },
        flags.lake,
        // A point lookup gains nothing from a second thread, and on a busy machine it waits
        // for one (docs/snapshots.md, "The balance command").
        1,
      );
    });
}
