import type { Command } from 'commander';
import { CheckFailed, outJson, UsageError } from '../exit.js';
import { checkInputFiles, parseWhole } from '../options.js';
import { progressBar } from '../progress.js';

interface Options {
  json?: boolean;
  minSuccessRate: string;
  maxErrors: string;
}

const SHOWN = 20;

/**
 * `planledger validate FILE...`: validate NDJSON event files against the contract (events.md).
 * Exit 0 when the success rate reaches --min-success-rate, 1 below it or when there is no
 * event at all, 2 on a usage error or an unreadable file.
 */
export function register(program: Command): void {
  program
    .command('validate')
    .description('validate NDJSON event files against the event contract (streaming, any size)')
    .argument('<files...>', 'NDJSON files, one event per line (- reads standard input)')
    .option('--json', 'print the report as JSON on stdout')
    .option('--min-success-rate <rate>', 'lowest share of valid events that passes, in [0, 1]', '1')
    .option('--max-errors <n>', 'most problems listed in the report (counts stay exact)', '1000')
    .action(async (files: string[], opts: Options) => {
      const { isRateText, meetsRate, validateFiles } = await import('../../schema/validate-files.js');
      if (!isRateText(opts.minSuccessRate)) {
        throw new UsageError(
          `--min-success-rate: expected a decimal from 0 to 1, found ${JSON.stringify(opts.minSuccessRate)}`,
        );
      }
      parseWhole('--max-errors', opts.maxErrors);
      const { stat } = await import('node:fs/promises');
      await checkInputFiles(files);
      let totalBytes = 0;
      for (const f of files) if (f !== '-') totalBytes += (await stat(f)).size;
      const bar = totalBytes > 0 ? await progressBar('validate [{bar}] {percentage}%') : undefined;
      const report = await validateFiles(files, {
        maxErrors: Number(opts.maxErrors),
        onProgress: bar && ((n: number) => bar.update(Math.min(n, totalBytes), totalBytes)),
      });
      bar?.stop();
      if (opts.json) outJson(report);
      else printHuman(files.length, report);
      if (report.total === 0) throw new CheckFailed('no event in the input');
      if (!meetsRate(report.valid, report.total, opts.minSuccessRate)) {
        throw new CheckFailed(`success rate below ${opts.minSuccessRate}`);
      }
    });
}

function printHuman(
  fileCount: number,
  r: Awaited<ReturnType<typeof import('../../schema/validate-files.js').validateFiles>>,
): void {
  const pct = (r.success_rate * 100).toFixed(r.invalid === 0 || r.valid === 0 ? 0 : 3);
  const lines = [
    `files:        ${fileCount}`,
    `events:       ${r.total}`,
    `valid:        ${r.valid}`,
    `invalid:      ${r.invalid}`,
    `success rate: ${pct}%`,
  ];
  if (r.errors.length > 0) {
    const shown = r.errors.slice(0, SHOWN);
    const more = r.errors.length > SHOWN || r.errors_truncated ? ' (more not shown)' : '';
    lines.push(`first ${shown.length} problems${more}:`);
    for (const e of shown)
      lines.push(`  ${e.file}:${e.line} ${e.path || '(event)'}: expected ${e.expected}, found ${e.found}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}
