/**
 * `planledger dq`: run the data-quality rules inside DuckDB, record the run (dq_runs /
 * dq_results), print a table, send alerts; exit 1 when an error rule fails (docs/quality.md).
 * DuckDB and the rules are imported inside the action, so that --help stays instant.
 */
import type { Command } from 'commander';
import type { DqReport } from '../../quality/run.js';
import { scanMemoryLimit } from '../../store/memory-limit.js';
import { CheckFailed, EXIT_CHECK_FAILED, EXIT_OK, out, outJson } from '../exit.js';
import { parseWhole } from '../options.js';
import { DEFAULT_DB } from '../store.js';

/** The run's exit code: 1 when an error rule failed its threshold; warnings alone leave 0. */
export function dqExitCode(report: DqReport): number {
  return report.status === 'failed' ? EXIT_CHECK_FAILED : EXIT_OK;
}

interface DqFlags {
  db: string;
  lake?: string;
  rules?: string;
  scenario?: string;
  json?: boolean;
  alerts?: string;
  record: boolean;
  sample: string;
  allowIncomplete?: boolean;
}

export function register(program: Command): void {
  program
    .command('dq')
    .description('run the data-quality rules; exit 1 when an error rule fails its threshold')
    .option('--db <path>', 'the store (runs are recorded there)', DEFAULT_DB)
    .option('--lake <dir>', 'check a Parquet lake instead (runs are recorded in --db only when it is given)')
    .option('--rules <file>', 'rules file merged over the defaults by id (config/dq-rules.json)')
    .option('--scenario <id>', 'check one scenario (default: every scenario in the store)')
    .option('--json', 'print the run as JSON')
    .option('--allow-incomplete', 'check scenarios that are not complete (unfinished runs) too')
    .option('--alerts <file>', 'send the result to the alert sinks configured in this file')
    .option('--no-record', 'do not record the run in dq_runs / dq_results')
    .option('--sample <n>', 'failing rows kept per rule', '5')
    .action(async (_flags: DqFlags, cmd: Command) => runDq(cmd.optsWithGlobals() as DqFlags, cmd));
}

async function runDq(flags: DqFlags, cmd: Command): Promise<void> {
  const sample = parseWhole('--sample', flags.sample, { min: 0, max: 1000 });
  const { runDataQuality, recordDqRun } = await import('../../quality/run.js');
  const { loadRules } = await import('../../quality/rules.js');
  const { dqAlert, formatDqReport } = await import('../../quality/report.js');
  const { openStore } = await import('../../store/open.js');
  // Load the rules and the alert config before opening anything: a bad file is exit 2 at once.
  const rules = loadRules(flags.rules);
  let alertConfig: import('../../quality/alerts.js').AlertConfig | undefined;
  if (flags.alerts)
    alertConfig = (await import('../../quality/alert-config.js')).loadAlertConfig(flags.alerts);

  const dbGiven = cmd.getOptionValueSource('db') === 'cli';
  let report: import('../../quality/run.js').DqReport;
  if (flags.lake !== undefined) {
    const { openQueryStore } = await import('../../store/lake.js');
    const lake = await openQueryStore({ lake: flags.lake, memoryLimit: scanMemoryLimit() });
    try {
      report = await runDataQuality(lake, {
        rules: rules.rules,
        scenario: flags.scenario,
        record: false,
        sampleSize: sample,
        allowIncomplete: flags.allowIncomplete,
      });
    } finally {
      lake.close();
    }
    report.rules_source = rules.source;
    if (dbGiven && flags.record) {
      const store = await openStore({ path: flags.db });
      try {
        await recordDqRun(store.connection, report);
      } finally {
        store.close();
      }
    }
  } else {
    // Without recording, a read-only open lets the check run beside other readers.
    const store = await openStore({
      path: flags.db,
      readOnly: !flags.record,
      mustExist: true,
      memoryLimit: scanMemoryLimit(),
    });
    try {
      report = await runDataQuality(store, {
        rules: rules.rules,
        scenario: flags.scenario,
        record: flags.record,
        sampleSize: sample,
        allowIncomplete: flags.allowIncomplete,
      });
      report.rules_source = rules.source;
    } finally {
      store.close();
    }
  }
  if (flags.json) outJson(report);
  else out(formatDqReport(report));
  if (alertConfig) {
    const { sendAlerts } = await import('../../quality/alerts.js');
    await sendAlerts(alertConfig, dqAlert(report));
  }
  if (dqExitCode(report) !== 0) {
    const failed = report.results.filter((r) => r.status === 'fail').map((r) => r.rule_id);
    throw new CheckFailed(`data quality: ${failed.length} error rule(s) failed: ${failed.join(', ')}`);
  }
}
