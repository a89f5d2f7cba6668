/**
 * `planledger balances --as-of DATE [--scenario S] [--out FILE.csv|FILE.parquet] [--from-events] [--db]`:
 * every participant's balances and vested balance as of a date, set-wise (snapshots of the
 * Friday before plus the days after; or a replay of every event with `--from-events`).
 * Without --out the rows are printed as CSV.
 */
import type { Command } from 'commander';
import { log, UsageError } from '../exit.js';
import { parseDateOption } from '../options.js';
import { DEFAULT_DB, withStore } from '../store.js';

interface BalancesFlags {
  lake?: string;
  asOf: string;
  scenario?: string;
  allowIncomplete?: boolean;
  out?: string;
  fromEvents?: boolean;
  db: string;
}

export function register(program: Command): void {
  program
    .command('balances')
    .description("every participant's balances and vested balance as of a date (CSV or Parquet)")
    .requiredOption('--as-of <date>', 'as of the end of this day (YYYY-MM-DD)')
    .option('--scenario <id>', 'the scenario (default: the store’s only scenario)')
    .option('--out <file>', 'write to FILE.csv or FILE.parquet (default: CSV on stdout)')
    .option('--from-events', 'replay every event instead of using the snapshots')
    .option('--allow-incomplete', 'read a scenario that is not complete (an unfinished run)')
    .option('--db <path>', 'DuckDB store', DEFAULT_DB)
    .option('--lake <dir>', 'read a Parquet lake (planledger export) instead of --db')
    .action(async (flags: BalancesFlags) => {
      const asOf = parseDateOption(flags.asOf, '--as-of');
      const format =
        flags.out === undefined
          ? 'stdout'
          : /\.parquet$/i.test(flags.out)
            ? 'parquet'
            : /\.csv$/i.test(flags.out)
              ? 'csv'
              : null;
      if (format === null)
        throw new UsageError(`--out ${flags.out}: the file name must end in .csv or .parquet`);
      const { resolveScenario } = await import('../../snapshots/resolve.js');
      const { planWideQuery } = await import('../../snapshots/plan-wide.js');
      await withStore(
        flags.db,
        true,
        async ({ connection }) => {
          const scenario = await resolveScenario(connection, flags.scenario, {
            allowIncomplete: flags.allowIncomplete,
          });
          const t0 = performance.now();
          const q = await planWideQuery(connection, scenario, asOf, flags.fromEvents);
          let count: number;
          if (format === 'stdout') {
            const reader = await connection.runAndReadAll(q.sql, q.params);
            const names = reader.columnNames();
            const table = reader.getRowsJson();
            // A reader that stops early (`| head`) is not an error.
            process.stdout.on('error', (err: NodeJS.ErrnoException) => {
              if (err.code !== 'EPIPE') throw err;
            });
            const lines = [
              names.join(','),
              ...table.map((row) => row.map((v) => csvField(String(v))).join(',')),
            ];
            process.stdout.write(lines.join('\n') + '\n');
            count = table.length;
          } else {
            const target = (await import('@duckdb/node-api')).quotedString(flags.out!);
            const r = await connection.run(
              `COPY (${q.sql}) TO ${target} (FORMAT ${format === 'csv' ? 'csv, HEADER true' : 'parquet'})`,
              q.params,
            );
            count = Number(r.rowsChanged);
          }
          const how =
            q.path === 'snapshot'
              ? `snapshots of ${q.snapshot_date} + events after it`
              : 'replay of every event';
          log(
            `${count} participants of ${scenario} as of ${asOf} (${how}) in ${((performance.now() - t0) / 1000).toFixed(3)} s` +
              (flags.out ? ` → ${flags.out}` : ''),
          );
        },
        flags.lake,
      );
    });
}

function csvField(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}
