/**
 * `planledger ingest FILE... [--db] [--json] [--max-reject-rate R] [--wait S]`: validate NDJSON
 * event files and store the accepted events exactly once (docs/store.md). Exit 0 when the run
 * completed (rejections are counted and kept, not fatal), 1 when the rejected share of
 * non-blank lines exceeds --max-reject-rate, 2 on a usage or I/O error (a locked store too).
 */
import type { Command } from 'commander';
import { CheckFailed, log, out, outJson } from '../exit.js';
import { checkInputFiles, parseFraction, parseWait, parseWhole } from '../options.js';
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

type Store = import('../../store/open.js').Store;

export function register(program: Command): void {
  program
    .command('ingest')
    .description('validate NDJSON event files and store accepted events exactly once (rejections kept)')
    .argument('<files...>', 'NDJSON files, one event per line (- reads standard input)')
    .option('--db <path>', 'DuckDB store', DEFAULT_DB)
    .option('--json', 'print the counts as JSON on stdout')
    .option('--max-reject-rate <rate>', 'fail (exit 1) when rejected / non-blank lines exceeds this share')
    .option('--wait <seconds>', 'wait up to this long for another process to release the store', '0')
    .option('--workers <n>', 'parser threads (default: available cores, at most 4)')
    .option('--no-snapshots', 'do not bring the balance snapshots up to date at the end')
    .action(async (files: string[], flags: Flags) => {
      const maxRate =
        flags.maxRejectRate === undefined
          ? undefined
          : parseFraction('--max-reject-rate', flags.maxRejectRate);
      const waitSeconds = parseWait(flags.wait);
      const workers = flags.workers === undefined ? undefined : parseWhole('--workers', flags.workers);
      await checkInputFiles(files);
      const { openStore } = await import('../../store/open.js');
      const { ingestMemoryLimit, refreshSnapshots } = await import('../../ingest/with-snapshots.js');
      const store = await openStore({
        path: flags.db,
        readOnly: false,
        waitSeconds,
        memoryLimit: ingestMemoryLimit(),
      });
      let counts: import('../../ingest/ingest.js').IngestCounts | undefined;
      const stop = stopOnSignals(store);
      const { ingestFiles, IngestInterrupted } = await import('../../ingest/ingest.js');
      const { resolve } = await import('node:path');
      const { rm } = await import('node:fs/promises');
      // Standard input is copied to a file beside the store first: every path reads a file.
      const spool = files.includes('-') ? `${flags.db}.stdin-${process.pid}.tmp` : undefined;
      const bar = await progressBar<{ read: number; rate: number }>(
        'ingest [{bar}] {percentage}% | {read} events | {rate} events/s',
      );
      const t0 = performance.now();
      const onProgress = (p: import('../../ingest/ingest.js').IngestProgress) => {
        const s = (performance.now() - t0) / 1000;
        bar?.update(p.bytesDone, Math.max(1, p.bytesTotal), {
          read: p.read,
          rate: s > 0 ? Math.round(p.read / s) : 0,
        });
      };
      let snapshots = 'current';
      try {
        if (spool !== undefined) await spoolStdin(spool, stop.signal);
        counts = await ingestFiles(
          store,
          files.map((f) => (f === '-' ? (spool as string) : f)),
          {
            workers,
            onProgress: bar && onProgress,
            signal: stop.signal,
            sources: files.map((f) => (f === '-' ? 'stdin' : resolve(f))),
          },
        );
        bar?.stop();
        snapshots = 'not current (run `planledger snapshots build`)';
        if (flags.snapshots !== false && counts.accepted > 0)
          await refreshSnapshots(store, (m) => {
            bar?.stop();
            log(m);
          });
        snapshots = 'current';
        if (stop.signal.aborted) throw stop.signal.reason;
      } catch (err) {
        if (!stop.signal.aborted) throw err;
        bar?.stop();
        const signal = stop.signal.reason as NodeJS.Signals;
        log(
          err instanceof IngestInterrupted
            ? interruptedLine(signal, err)
            : counts === undefined
              ? `planledger: stopped by ${signal} while reading standard input: nothing committed`
              : `planledger: stopped by ${signal}: every event of the run is committed (${countsText(counts)}); the snapshots are ${snapshots}`,
        );
        process.exitCode = signal === 'SIGINT' ? 130 : 143;
        return;
      } finally {
        stop.done();
        store.close();
        if (spool !== undefined) await rm(spool, { force: true });
      }
      if (counts === undefined) return;
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

/** Copy standard input to `path` (stopped by `signal`). */
async function spoolStdin(path: string, signal: AbortSignal): Promise<void> {
  const { createWriteStream } = await import('node:fs');
  const { pipeline } = await import('node:stream/promises');
  await pipeline(process.stdin, createWriteStream(path), { signal });
}

/**
 * SIGINT / SIGTERM while the command runs: stop (DuckDB's statement is interrupted, the batch
 * under way rolled back, temporary files removed) and report; a second signal ends the process
 * at once (the default action).
 */
function stopOnSignals(store: Store): { signal: AbortSignal; done(): void } {
  const controller = new AbortController();
  const done = () => {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  };
  const onSignal = (s: NodeJS.Signals) => {
    done(); // the next signal takes the default action
    controller.abort(s);
    store.connection.interrupt(); // the snapshot build, when it is the statement running
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { signal: controller.signal, done };
}

const countsText = (c: import('../../ingest/ingest.js').IngestCounts): string =>
  `read ${c.read}: accepted ${c.accepted}, rejected ${c.rejected}, duplicates ${c.duplicates}`;

/** One line: what an interrupted ingest committed and what it did not. */
export function interruptedLine(
  signal: string,
  e: import('../../ingest/ingest.js').IngestInterrupted,
): string {
  const c = e.counts;
  const committed: string[] = e.filesDone.map((f) => `${f} (whole)`);
  const notCommitted: string[] = [];
  if (e.current !== null) {
    const n = e.current.linesCommitted;
    if (n > 0) committed.push(`${e.current.source} lines 1–${n}`);
    notCommitted.push(n > 0 ? `${e.current.source} from line ${n + 1}` : e.current.source);
  }
  notCommitted.push(...e.filesNotStarted);
  return (
    `planledger: stopped by ${signal}: committed ${c.batches} batch${c.batches === 1 ? '' : 'es'} ` +
    `(${committed.length > 0 ? committed.join(', ') : 'nothing'}; ${countsText(c)}); not committed: ${notCommitted.length > 0 ? notCommitted.join(', ') : 'nothing'}. ` +
    'Run the same command again to finish (what was committed counts as duplicates).'
  );
}
