/**
 * `planledger bench`: the performance suite, its comparison and its history
 * (docs/benchmarks.md). Everything heavy is imported inside the actions.
 */
import type { Command } from 'commander';
import type { SuiteEntry } from '../../perf/registry.js';
import { CheckFailed, log, out, outJson, UsageError } from '../exit.js';

export interface RunFlags {
  quick?: boolean;
  json?: boolean;
  out?: string;
  only?: string;
  repetitions?: string;
  history: string | false;
  list?: boolean;
}

interface CompareFlags {
  json?: boolean;
  threshold: string;
  alpha: string;
  normalize: string;
  alerts?: string;
}

interface TrendFlags {
  json?: boolean;
  history: string;
  only?: string;
}

export function register(program: Command): void {
  const bench = program
    .command('bench')
    .description('run the performance suite: every metric with warm-up, repetitions, median and MAD')
    .option('--quick', 'small sizes for CI (the whole suite in under 2 minutes)')
    .option('--json', 'print the results file to stdout (targets go to stderr)')
    .option('--out <file>', 'write the results file (JSON) here')
    .option('--only <names>', 'run only these benchmarks (comma-separated)')
    .option('--repetitions <n>', 'repetitions per metric (at least 7)')
    .option('--history <dir>', 'append the run to <dir>/results.jsonl', 'bench/history')
    .option('--no-history', 'do not record the run in the history')
    .option('--list', 'list the benchmarks of the suite and exit')
    .action(async (flags: RunFlags) => runBench(flags));

  bench
    .command('compare')
    .description(
      'compare two results files: ratio of medians and Mann-Whitney U per metric; exit 1 on a regression',
    )
    .argument('<base>', 'the baseline results file')
    .argument('<new>', 'the results file to judge')
    .option('--json', 'print the comparison as JSON')
    .option('--threshold <r>', 'relative change of the median that counts', '0.10')
    .option('--alpha <p>', 'significance level of the Mann-Whitney test', '0.01')
    .option(
      '--normalize <mode>',
      'scale CPU-bound figures by calibration: auto (different machines), always, never',
      'auto',
    )
    .option('--alerts <file>', 'send regressions to the alert sinks configured in this file')
    .action(async (base: string, next: string, _flags: CompareFlags, cmd: Command) =>
      runCompare(base, next, flagsOf<CompareFlags>(cmd)),
    );

  bench
    .command('trend')
    .description('print each metric over time from the benchmark history')
    .option('--json', 'print the trend as JSON')
    .option('--history <dir>', 'the history directory', 'bench/history')
    .option('--only <names>', 'only these metrics or metric prefixes (comma-separated)')
    .action(async (_flags: TrendFlags, cmd: Command) => runTrend(flagsOf<TrendFlags>(cmd)));

  bench
    .command('schema')
    .description('print the JSON Schema of the results file')
    .action(async () => {
      const { resultsJsonSchema } = await import('../../perf/results.js');
      out(JSON.stringify(resultsJsonSchema(), null, 2));
    });
}

/**
 * A subcommand's options. `bench` has options of the same names (--json, --history, --only),
 * and commander gives an option written after the subcommand to the parent unless the whole
 * program uses positional options; so take the parent's values that came from the command line.
 */
function flagsOf<T>(cmd: Command): T {
  const flags: Record<string, unknown> = { ...cmd.opts() };
  const own = new Set(cmd.options.map((o) => o.attributeName()));
  const parent = cmd.parent;
  if (parent) {
    for (const [key, value] of Object.entries(parent.opts())) {
      if (parent.getOptionValueSource(key) === 'cli' && own.has(key)) flags[key] = value;
    }
  }
  return flags as T;
}

function list(value: string | undefined): string[] | null {
  if (value === undefined) return null;
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) throw new UsageError('--only needs at least one name');
  return names;
}

function number(value: string, flag: string, check: (x: number) => boolean, expected: string): number {
  const x = Number(value);
  if (value.trim() === '' || !Number.isFinite(x) || !check(x)) {
    throw new UsageError(`${flag} must be ${expected}, got '${value}'`);
  }
  return x;
}

/** The `bench` action; tests pass their own suite (and fewer calibration samples). */
export async function runBench(
  flags: RunFlags,
  testing: { suite?: readonly SuiteEntry[]; calibrationSamples?: number } = {},
): Promise<void> {
  const registry = await import('../../perf/registry.js');
  const suite = testing.suite ?? registry.SUITE;
  const only = list(flags.only);
  try {
    registry.selectEntries(suite, only);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (flags.list) {
    for (const e of suite) out(`${e.name.padEnd(12)} ${e.summary}`);
    return;
  }
  const repetitions =
    flags.repetitions === undefined
      ? undefined
      : number(flags.repetitions, '--repetitions', (x) => Number.isInteger(x) && x >= 7, 'an integer ≥ 7');
  const { runSuite } = await import('../../perf/runner.js');
  const { checkTargets } = await import('../../perf/targets.js');
  const { formatResults, formatTargets } = await import('../../perf/format.js');
  const results = await runSuite({
    quick: flags.quick ?? false,
    only,
    repetitions,
    log,
    suite,
    calibrationSamples: testing.calibrationSamples,
  });
  if (flags.out) {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(flags.out, JSON.stringify(results, null, 2) + '\n', 'utf8');
    log(`results written to ${flags.out}`);
  }
  if (flags.history !== false) {
    const { appendBenchHistory } = await import('../../perf/history.js');
    log(`history: appended to ${await appendBenchHistory(flags.history, results)}`);
  }
  const targets = formatTargets(checkTargets(results.metrics, results.suite.quick));
  if (flags.json) {
    outJson(results);
    process.stderr.write(targets);
  } else {
    out(formatResults(results));
    out(targets);
  }
  const failed = results.suite.benchmarks.filter((b) => b.status === 'failed');
  if (failed.length > 0) throw new CheckFailed(`benchmark failed: ${failed.map((b) => b.name).join(', ')}`);
}

async function runCompare(baseFile: string, newFile: string, flags: CompareFlags): Promise<void> {
  const threshold = number(flags.threshold, '--threshold', (x) => x >= 0, 'a number ≥ 0');
  const alpha = number(flags.alpha, '--alpha', (x) => x > 0 && x <= 1, 'a number in (0, 1]');
  if (!['auto', 'always', 'never'].includes(flags.normalize)) {
    throw new UsageError(`--normalize must be auto, always or never, got '${flags.normalize}'`);
  }
  const { readFile } = await import('node:fs/promises');
  const { parseResults } = await import('../../perf/results.js');
  const { compareResults } = await import('../../perf/compare.js');
  const { formatComparison, regressionLine } = await import('../../perf/format.js');
  const read = async (file: string) => {
    try {
      return parseResults(await readFile(file, 'utf8'), file);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  };
  const base = await read(baseFile);
  const next = await read(newFile);
  const comparison = compareResults(base, next, {
    threshold,
    alpha,
    normalize: flags.normalize as 'auto' | 'always' | 'never',
  });
  if (flags.alerts) {
    const { alertOf, loadAlertSinks } = await import('../../perf/alerting.js');
    let sinks: Awaited<ReturnType<typeof loadAlertSinks>>;
    try {
      sinks = await loadAlertSinks(flags.alerts);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    await sinks.send(alertOf(comparison));
  }
  if (flags.json) outJson(comparison);
  else out(formatComparison(comparison));
  if (comparison.regressions > 0) {
    const lines = comparison.metrics.filter((m) => m.verdict === 'regressed').map(regressionLine);
    throw new CheckFailed(lines.join('\n'));
  }
}

async function runTrend(flags: TrendFlags): Promise<void> {
  const { readBenchHistory, trendOf } = await import('../../perf/history.js');
  const { formatTrend } = await import('../../perf/format.js');
  let runs: Awaited<ReturnType<typeof readBenchHistory>>;
  try {
    runs = await readBenchHistory(flags.history);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const trends = trendOf(runs, list(flags.only));
  if (flags.json) outJson({ runs: runs.length, metrics: trends });
  else if (runs.length > 0 && trends.length === 0)
    out(`no metric starts with ${flags.only} in ${runs.length} runs`);
  else out(formatTrend(trends));
}
