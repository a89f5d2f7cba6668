/**
 * `planledger drift`: record a scenario's profile, check a store against a recorded baseline,
 * and compare two golden results (docs/quality.md, "Drift"). Exit 1 names what drifted.
 * DuckDB is imported inside the actions, so that --help stays instant.
 */
import type { Command } from 'commander';
import { CheckFailed, log, out, outJson, UsageError } from '../exit.js';
import { parseWhole } from '../options.js';
import { DEFAULT_DB } from '../store.js';

interface RecordFlags {
  db: string;
  scenario?: string;
  out: string;
  sample: string;
  allowIncomplete?: boolean;
}

interface CheckFlags {
  baseline: string;
  db: string;
  scenario?: string;
  json?: boolean;
  thresholds?: string;
  alerts?: string;
  record: boolean;
  allowIncomplete?: boolean;
}

interface GoldenFlags {
  json?: boolean;
  tolerance: string;
  db?: string;
  alerts?: string;
}

export function register(program: Command): void {
  const drift = program
    .command('drift')
    .description('drift detection: profiles of a scenario and golden results over time');

  drift
    .command('record')
    .description(
      "record a scenario's profile (counts, sums, quantiles, rates, distribution samples) as a baseline",
    )
    .option('--db <path>', 'the store', DEFAULT_DB)
    .option('--scenario <id>', 'the scenario (required when the store holds several)')
    .requiredOption('--out <file>', 'the baseline file to write (JSON)')
    .option('--sample <n>', 'values kept per distribution', '5000')
    .option('--allow-incomplete', 'profile a scenario that is not complete (an unfinished run)')
    .action(async (_f: RecordFlags, cmd: Command) => runRecord(cmd.opts() as RecordFlags));

  drift
    .command('check')
    .description(
      'compare the store with a baseline; exit 1 naming the metrics that drifted beyond the thresholds',
    )
    .requiredOption('--baseline <file>', 'a file written by `drift record`')
    .option('--db <path>', 'the store (the check is recorded in drift_runs when it is writable)', DEFAULT_DB)
    .option('--scenario <id>', 'the scenario (default: the only one in the store)')
    .option('--allow-incomplete', 'check a scenario that is not complete (an unfinished run)')
    .option('--json', 'print the comparison as JSON')
    .option('--thresholds <file>', 'drift thresholds (docs/quality.md, "Drift thresholds")')
    .option('--alerts <file>', 'send the result to the alert sinks configured in this file')
    .option('--no-record', 'do not record the check in drift_runs')
    .action(async (_f: CheckFlags, cmd: Command) => runCheck(cmd.opts() as CheckFlags));

  drift
    .command('golden')
    .description('compare two `planledger golden --json` results; exit 1 when any golden figure changed')
    .argument('<base>', 'the earlier result (JSON)')
    .argument('<new>', 'the later result (JSON)')
    .option('--json', 'print the comparison as JSON')
    .option('--tolerance <amount>', 'ignore changes up to this absolute amount', '0')
    .option('--db <path>', 'record the comparison in this store (drift_runs)')
    .option('--alerts <file>', 'send the result to the alert sinks configured in this file')
    .action(async (base: string, next: string, _f: GoldenFlags, cmd: Command) =>
      runGoldenDrift(base, next, cmd.opts() as GoldenFlags),
    );
}

async function openForQuery(db: string) {
  const { openQueryStore } = await import('../../store/lake.js');
  const { scanMemoryLimit } = await import('../../store/memory-limit.js');
  try {
    return await openQueryStore({ db, memoryLimit: scanMemoryLimit() });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

async function runRecord(flags: RecordFlags): Promise<void> {
  const sample = parseWhole('--sample', flags.sample, { min: 1, max: 1_000_000 });
  const { recordProfile } = await import('../../quality/drift/profile.js');
  const { writeFile } = await import('node:fs/promises');
  const store = await openForQuery(flags.db);
  let profile: import('../../quality/drift/profile.js').Profile;
  try {
    profile = await recordProfile(store, {
      scenario: flags.scenario,
      sampleSize: sample,
      allowIncomplete: flags.allowIncomplete,
    });
  } finally {
    store.close();
  }
  await writeFile(flags.out, JSON.stringify(profile) + '\n');
  const numeric = Object.values(profile.distributions).filter((d) => d.kind === 'numeric').length;
  out(
    `recorded the profile of scenario ${profile.scenario_id}: ${Object.keys(profile.metrics).length} metrics, ` +
      `${Object.keys(profile.distributions).length} distributions (${numeric} numeric samples) → ${flags.out}`,
  );
}

async function runCheck(flags: CheckFlags): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  const { parseProfile, recordProfile } = await import('../../quality/drift/profile.js');
  const { compareProfiles } = await import('../../quality/drift/compare.js');
  const { loadThresholds } = await import('../../quality/drift/thresholds.js');
  const { driftAlert, formatDriftReport, recordDriftRun } = await import('../../quality/drift/report.js');
  const text = await readFile(flags.baseline, 'utf8').catch((err: Error) => {
    throw new UsageError(`${flags.baseline}: cannot read: ${err.message}`);
  });
  const baseline = parseProfile(flags.baseline, text);
  const thresholds = loadThresholds(flags.thresholds);
  const alertConfig = flags.alerts
    ? (await import('../../quality/alert-config.js')).loadAlertConfig(flags.alerts)
    : undefined;
  const at = new Date().toISOString();
  const { openStore, StoreMissingError } = await import('../../store/open.js');
  // Record when the store can be written; a store locked by a writer is still checked, read-only.
  let writable: import('../../store/open.js').Store | undefined;
  if (flags.record) {
    const { scanMemoryLimit } = await import('../../store/memory-limit.js');
    writable = await openStore({ path: flags.db, mustExist: true, memoryLimit: scanMemoryLimit() }).catch(
      (err: Error) => {
        if (err instanceof StoreMissingError) throw err;
        log(`planledger: the check is not recorded in drift_runs (${err.message.split('\n')[0]})`);
        return undefined;
      },
    );
  }
  const store = writable ?? (await openForQuery(flags.db));
  let report: import('../../quality/drift/compare.js').DriftReport;
  try {
    const current = await recordProfile(store, {
      scenario: flags.scenario,
      preferScenario: baseline.scenario_id,
      sampleSize: baseline.sample_size,
      now: at,
      allowIncomplete: flags.allowIncomplete,
    });
    report = compareProfiles(baseline, current, thresholds);
    if (writable) await recordDriftRun(writable.connection, report, { baseline: flags.baseline, at });
  } finally {
    store.close();
  }
  if (flags.json) outJson(report);
  else out(formatDriftReport(report));
  if (alertConfig)
    await (await import('../../quality/alerts.js')).sendAlerts(alertConfig, driftAlert(report, at));
  if (report.drifted.length > 0)
    throw new CheckFailed(`drift: ${report.drifted.length} drifted: ${report.drifted.join(', ')}`);
}

async function runGoldenDrift(basePath: string, newPath: string, flags: GoldenFlags): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  const { compareGolden, parseGoldenResult } = await import('../../quality/drift/golden.js');
  const { driftAlert, formatGoldenDrift, recordDriftRun } = await import('../../quality/drift/report.js');
  const { parseDecimal } = await import('../../schema/decimal.js');
  const tolerance = parseDecimal(flags.tolerance);
  if (tolerance === undefined || tolerance < 0n)
    throw new UsageError(`--tolerance: expected an amount ≥ 0, found ${flags.tolerance}`);
  const read = (p: string) =>
    readFile(p, 'utf8').catch((err: Error) => {
      throw new UsageError(`${p}: cannot read: ${err.message}`);
    });
  const base = parseGoldenResult(basePath, await read(basePath));
  const cur = parseGoldenResult(newPath, await read(newPath));
  const alertConfig = flags.alerts
    ? (await import('../../quality/alert-config.js')).loadAlertConfig(flags.alerts)
    : undefined;
  const report = compareGolden(base, cur, tolerance);
  const at = new Date().toISOString();
  if (flags.db !== undefined) {
    const { openStore } = await import('../../store/open.js');
    const store = await openStore({ path: flags.db });
    try {
      await recordDriftRun(store.connection, report, { baseline: basePath, at, scenario: null });
    } finally {
      store.close();
    }
  }
  if (flags.json) outJson(report);
  else out(formatGoldenDrift(report));
  if (alertConfig)
    await (await import('../../quality/alerts.js')).sendAlerts(alertConfig, driftAlert(report, at));
  if (report.cases_changed > 0) {
    throw new CheckFailed(
      `golden drift: ${report.figures_changed} figure(s) changed in ${report.drifted.join(', ')}`,
    );
  }
}
