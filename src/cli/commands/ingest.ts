/**
 * `planledger ingest FILE... [--db] [--json] [--max-reject-rate R] [--wait S]`: validate NDJSON
 * event files and store the accepted events exactly once (docs/store.md). Exit 0 when the run
 * completed (rejections are counted and kept, not fatal), 1 when the rejected share of
 * non-blank lines exceeds --max-reject-rate, 2 on a usage or I/O error (a locked store too).
 */
import type { Command } from 'commander';
import { CheckFailed, log, out, outJson, UsageError } from '../exit.js';
import { parseWait } from '../options.js';
import { progressBar } from '../progress.js';
import { DEFAULT_DB } from '../store.js';

interface Flags {
  snapshots?: boolean;
  db: string;
  json?: boolean;
  maxRejectRate?: string;
  wait: string;
  workers?: string;
}

export function register(program: Command): void {
  program
    .command('ingest')
    .description('validate NDJSON event files and store accepted events exactly once (rejections kept)')
    .argument('<files...>', 'NDJSON files, one event per line')
    .option('--db <path>', 'DuckDB store', DEFAULT_DB)
    .option('--json', 'print the counts as JSON on stdout')
    .option('--max-reject-rate <rate>', 'fail (exit 1) when rejected / non-blank lines exceeds this share')
    .option('--wait <seconds>', 'wait up to this long for another process to release the store', '0')
    .option('--workers <n>', 'parser threads (default: available cores, at most 4)')
    .option('--no-snapshots', 'do not bring the balance snapshots up to date at the end')
    .action(async (files: string[], flags: Flags) => {
      const maxRate = flags.maxRejectRate === undefined ? undefined : parseRate(flags.maxRejectRate);
      const waitSeconds = parseWait(flags.wait);
      const workers = flags.workers === undefined ? undefined : parseCount(flags.workers);
      const { stat } = await import('node:fs/promises');
      for (const f of files) {
        const s = await stat(f).catch((e: Error) => {
          throw new UsageError(`cannot read ${f}: ${e.message}`);
        });
        if (!s.isFile()) throw new UsageError(`cannot read ${f}: not a file`);
      }
      const { openStore } = await import('../../store/open.js');
      const store = await openStore({ path: flags.db, readOnly: false, waitSeconds });
      let counts: import('../../ingest/ingest.js').IngestCounts;
      try {
        const { ingestThenSnapshots } = await import('../../ingest/with-snapshots.js');
        const bar = await progressBar<{ read: number; rate: number }>(
          'ingest [{bar}] {percentage}% | {read} events | {rate} events/s',
        );
        const t0 = performance.now();
        const onProgress = (p: import('../../ingest/ingest.js').IngestProgress) => {
          const s = (performance.now() - t0) / 1000;
          const rate = s > 0 ? Math.round(p.read / s) : 0;
          bar?.update(p.bytesDone, Math.max(1, p.bytesTotal), { read: p.read, rate });
        };
        counts = await ingestThenSnapshots(store, files, {
          workers,
          onProgress: bar && onProgress,
          snapshots: flags.snapshots !== false,
          log: (m) => {
            bar?.stop(); // the snapshot build's lines come after the ingest's bar
            log(m);
          },
        });
        bar?.stop();
      } finally {
        store.close();
      }
      const result = {
        read: counts.read,
        accepted: counts.accepted,
        rejected: counts.rejected,
        duplicates: counts.duplicates,
        seconds: Number(counts.seconds.toFixed(3)),
        events_per_second: counts.events_per_second,
      };
      if (flags.json) outJson(result);
      else {
        out(`read:       ${result.read}${counts.blank > 0 ? ` (${counts.blank} blank lines skipped)` : ''}`);
        out(`accepted:   ${result.accepted}`);
        out(`rejected:   ${result.rejected}${result.rejected > 0 ? ' (kept in event_rejections)' : ''}`);
        out(`duplicates: ${result.duplicates}`);
        out(`seconds:    ${result.seconds} (${result.events_per_second} events/s)`);
      }
      if (maxRate !== undefined && counts.read > 0 && counts.rejected / counts.read > maxRate) {
        throw new CheckFailed(
          `rejected ${counts.rejected} of ${counts.read} events (${((counts.rejected / counts.read) * 100).toFixed(2)}%), above --max-reject-rate ${flags.maxRejectRate}`,
        );
      }
    });
}

function parseRate(text: string): number {
  const v = Number(text);
  if (!/^[0-9]*\.?[0-9]+$/.test(text) || v < 0 || v > 1) {
    throw new UsageError(`--max-reject-rate must be a decimal in [0, 1], got ${text}`);
  }
  return v;
}

function parseCount(text: string): number {
  if (!/^[0-9]+$/.test(text)) throw new UsageError(`--workers must be a whole number, got ${text}`);
  return Number(text);
}
