/**
 * `planledger snapshots build [--db] [--scenario S] [--rebuild] [--json]` and
 * `planledger snapshots verify [--db] [--scenario S] [--sample N | --all] [--seed N] [--json]`
 * (docs/snapshots.md).
 */
import type { Command } from 'commander';
import { hasBalanceIndex, readManifest } from '../../snapshots/balance-index.js';
import { CheckFailed, log, out, outJson } from '../exit.js';
import { parseWhole } from '../options.js';
import { progressBar } from '../progress.js';
import { DEFAULT_DB, withStore } from '../store.js';

interface BuildFlags {
  db: string;
  scenario?: string;
  rebuild?: boolean;
  index?: boolean;
  json?: boolean;
}

interface VerifyFlags {
  db: string;
  scenario?: string;
  sample: string;
  all?: boolean;
  seed: string;
  json?: boolean;
}

export function register(program: Command): void {
  const snapshots = program
    .command('snapshots')
    .description('weekly balance snapshots: build them (incrementally) and verify them against the events');

  snapshots
    .command('build')
    .description('build the snapshots of the weeks not built yet or changed by newly stored events')
    .option('--db <path>', 'DuckDB store', DEFAULT_DB)
    .option('--scenario <id>', 'build this scenario only (default: every scenario)')
    .option('--rebuild', 'delete and rebuild every snapshot (required after a ledger version change)')
    .option(
      '--index',
      'write the balance index after an incremental build too (a full build always writes it)',
    )
    .option('--json', 'print the result as JSON')
    .action(async (flags: BuildFlags) => {
      const { buildSnapshots } = await import('../../snapshots/build.js');
      const index = await import('../../snapshots/balance-index-write.js');
      const { SnapshotsStale } = await import('../../snapshots/state.js');
      const { requireReadableScenario } = await import('../../store/scenarios.js');
      await withStore(flags.db, false, async (store) => {
        // An unknown scenario is exit 2 (not an empty build); building an unfinished one is allowed.
        if (flags.scenario !== undefined)
          await requireReadableScenario(store.connection, flags.scenario, { allowIncomplete: true });
        const result = await buildSnapshots(store.connection, {
          scenario: flags.scenario,
          rebuild: flags.rebuild,
          log: flags.json ? undefined : log,
        });
        // The balance index (docs/snapshots.md, "The balance index"): rewritten after a full
        // build or on request; a build that changed rows otherwise leaves it out of date, so it
        // is removed, as is one the store no longer matches (another command wrote to it); a
        // build with nothing new leaves a current index as it is.
        const full = result.scenarios.some((s) => s.mode === 'full');
        const hadIndex = hasBalanceIndex(flags.db);
        const written =
          full || flags.index === true
            ? await index.tryWriteBalanceIndex(store.connection, flags.db, log)
            : null;
        const changed = result.scenarios.some((s) => s.mode !== 'none');
        const outOfDate = hadIndex && (changed || readManifest(flags.db) === null);
        if (written === null && outOfDate) index.removeBalanceIndex(flags.db);
        const note =
          written !== null
            ? `balance index: ${written.participants} participants, ${written.rows} rows, ${(written.bytes / 1e6).toFixed(1)} MB, ${written.seconds.toFixed(2)} s`
            : outOfDate
              ? 'balance index removed (out of date): `planledger snapshots build --index` writes it again'
              : null;
        if (flags.json) outJson({ ...result, balance_index: written });
        else {
          for (const s of result.scenarios) {
            out(
              `${s.scenario_id}: ${s.status}${s.mode === 'none' ? '' : ` (${s.mode})`}, ${s.row_count} rows to ${s.end_date ?? '-'}, ` +
                `${s.rows_written} written, ${s.rows_deleted} replaced, ledger ${s.ledger_version}, ${s.seconds.toFixed(2)} s`,
            );
          }
          if (note !== null) out(note);
        }
        const stale = result.scenarios.find((s) => s.status === 'stale');
        if (stale)
          throw new CheckFailed(new SnapshotsStale(stale.scenario_id, stale.stored_version ?? '?').message);
      });
      // After the store is closed: the index names the file as it is now.
      index.sealBalanceIndex(flags.db);
    });

  snapshots
    .command('verify')
    .description(
      'recompute snapshots from the events with the ledger and report every difference (exit 1 on any)',
    )
    .option('--db <path>', 'DuckDB store', DEFAULT_DB)
    .option('--scenario <id>', 'verify this scenario only (default: every scenario with snapshots)')
    .option('--sample <n>', 'participants per scenario, picked at random by --seed', '200')
    .option('--all', 'verify every participant')
    .option('--seed <n>', 'seed of the sample', '1')
    .option('--json', 'print the result as JSON')
    .action(async (flags: VerifyFlags) => {
      const sample = parseWhole('--sample', flags.sample);
      const seed = parseWhole('--seed', flags.seed);
      const { verifySnapshots } = await import('../../snapshots/verify.js');
      const { requireReadableScenario } = await import('../../store/scenarios.js');
      await withStore(flags.db, true, async (store) => {
        if (flags.scenario !== undefined)
          await requireReadableScenario(store.connection, flags.scenario, { allowIncomplete: true });
        const t0 = performance.now();
        const bar = await progressBar<{ scenario: string }>(
          'verify {scenario} |{bar}| {value}/{total} participants | {eta_formatted} left',
        );
        const r = await verifySnapshots(store.connection, {
          scenario: flags.scenario,
          sample,
          all: flags.all,
          seed,
          progress: bar && ((done, total, scenario) => bar.update(done, total, { scenario })),
        }).finally(() => bar?.stop());
        if (flags.json) outJson(r);
        else {
          out(
            `verified ${r.participants_checked} participants, ${r.rows_checked} snapshot rows of ${r.scenarios.join(', ')}: ` +
              `${r.mismatch_count} mismatch${r.mismatch_count === 1 ? '' : 'es'}`,
          );
          for (const m of r.mismatches.slice(0, 20)) {
            out(
              `  ${m.scenario_id} ${m.employee_id} ${m.plan_id} ${m.snapshot_date} ${m.column}: stored ${m.stored ?? '(none)'}, recomputed ${m.recomputed ?? '(none)'}`,
            );
          }
          if (r.mismatch_count > 20) out(`  … and ${r.mismatch_count - 20} more (--json lists up to 1000)`);
          log(`verify took ${((performance.now() - t0) / 1000).toFixed(2)} s`);
        }
        if (!r.ok) throw new CheckFailed('');
      });
    });
}
