/**
 * `planledger export --db PATH --to DIR [--scenario S] [--json]`: the store's events, snapshots,
 * scenarios and participants as Hive-partitioned Parquet (docs/report.md, "Past one machine").
 */
import type { Command } from 'commander';
import { log, out, outJson, UsageError } from '../exit.js';
import { DEFAULT_DB } from '../store.js';

interface ExportFlags {
  db: string;
  to: string;
  scenario?: string;
  allowIncomplete?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('export')
    .description('write events, snapshots, scenarios and participants as Hive-partitioned Parquet (a lake)')
    .option('--db <path>', 'DuckDB store to read', DEFAULT_DB)
    .requiredOption('--to <dir>', 'lake directory (created if missing; several exports may share it)')
    .option('--scenario <id>', 'export this scenario only')
    .option('--allow-incomplete', 'export scenarios that are not complete (unfinished runs) too')
    .option('--json', 'print the result as JSON')
    .action(async (flags: ExportFlags) => {
      const { openQueryStore } = await import('../../store/lake.js');
      const { exportToLake, ExportRefused } = await import('../../store/export.js');
      const { scanMemoryLimit } = await import('../../store/memory-limit.js');
      const started = process.hrtime.bigint();
      // Each pass sorts one year of one scenario (src/store/export.ts): 384 MB holds it.
      const store = await openQueryStore({ db: flags.db, memoryLimit: scanMemoryLimit() });
      try {
        const result = await exportToLake(store.connection, flags.to, {
          scenario: flags.scenario,
          allowIncomplete: flags.allowIncomplete,
        });
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        if (flags.json) {
          outJson({ ...result, seconds: Math.round(seconds * 1000) / 1000 });
          return;
        }
        for (const t of result.tables) {
          out(`${t.table.padEnd(36)} ${t.present ? `${t.rows} rows` : 'not in the database (skipped)'}`);
        }
        out(`lake: ${result.to}`);
        log(`exported in ${seconds.toFixed(2)} s`);
      } catch (err) {
        if (err instanceof ExportRefused) throw new UsageError(err.message);
        throw err;
      } finally {
        store.close();
      }
    });
}
