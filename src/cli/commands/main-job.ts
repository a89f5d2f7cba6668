/**
 * `planledger main` (what `npm start` runs): the embedded default job. A 10,000-employee,
 * 2021–2025 simulation into ./planledger.duckdb as scenario `default` (a re-run replaces it),
 * then the follow-on steps that exist in this build (balance snapshots, data-quality rules, the
 * HTML report), the summary, and where to look next (docs/simulate.md, "The main job").
 * Exit 1 when a follow-on check (data quality) fails, 2 on bad input or I/O.
 */
import type { Command } from 'commander';
import { CheckFailed, log, out, outJson } from '../exit.js';
import { addSimulationFlags, optionsFromFlags, runSimulation, type SimulateFlags } from '../simulation.js';
import { DEFAULT_DB } from '../store.js';

type Store = import('../../store/open.js').Store;

/** What a follow-on step reports: lines for people, a JSON value for machines, and whether its check passed. */
export interface StepOutcome {
  name: string;
  lines: string[];
  json: unknown;
  passed: boolean;
}

/**
 * A step run after the simulation, on the open store. Steps load their area's module with a
 * dynamic import and return null when that module is not part of this build, so the main job
 * runs whatever exists. To add one: append to FOLLOW_ON_STEPS.
 */
export interface FollowOnStep {
  name: string;
  run(store: Store, scenario: string): Promise<StepOutcome | null>;
}

/** Import an optional module of another area; undefined when it is not in this build. */
async function optional<T>(specifier: string): Promise<T | undefined> {
  try {
    return (await import(specifier)) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException)?.code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw err;
  }
}

const dataQuality: FollowOnStep = {
  name: 'data quality',
  async run(store, scenario) {
    type Mod = typeof import('../../quality/run.js');
    const m = await optional<Mod>('../../quality/run.js');
    if (m?.runDataQuality === undefined) return null;
    const r = await m.runDataQuality(store, { scenario });
    const failed = r.results.filter((x) => x.status !== 'pass');
    const lines = [
      `data quality: ${r.status} (${r.results.length} rules; ${r.errors_failed} error rule(s) and ${r.warnings_failed} warning(s) failed)`,
      ...failed.map(
        (x) => `  ${x.status} ${x.rule_id}: ${x.rows_failed} of ${x.rows_checked} rows — ${x.description}`,
      ),
    ];
    return { name: 'data_quality', lines, json: r, passed: r.status === 'passed' };
  },
};

const report: FollowOnStep = {
  name: 'report',
  async run(store, scenario) {
    type Mod = typeof import('../../report/index.js');
    const m = await optional<Mod>('../../report/index.js');
    if (m?.writeReport === undefined) return null;
    const r = await m.writeReport(store, { scenario });
    return { name: 'report', lines: [`report: ${r.path}`], json: { path: r.path }, passed: true };
  },
};

/** The follow-on steps, in order. Snapshots are built by the simulation itself (unless --no-snapshots). */
export const FOLLOW_ON_STEPS: FollowOnStep[] = [dataQuality, report];

/** A participant worth looking at: one with a forfeiture if any (the fullest history), else any. */
async function sampleEmployee(store: Store, scenario: string): Promise<string | null> {
  const r = await store.connection.runAndReadAll(
    `SELECT employee_id FROM fct_yearly_events WHERE scenario_id = $s
     ORDER BY (event_type = 'forfeiture') DESC, (event_type = 'termination') DESC, seq LIMIT 1`,
    { s: scenario },
  );
  const row = r.getRows()[0];
  return row === undefined ? null : String(row[0]);
}

export function register(program: Command): void {
  const cmd = program
    .command('main')
    .description(
      'the default job (npm start): simulate 10,000 employees × 2021–2025 into the store, then checks and report',
    );
  addSimulationFlags(cmd, '10000')
    .option('--db <path>', 'DuckDB store', DEFAULT_DB)
    .option('--scenario <id>', 'scenario id (a re-run replaces it)', 'default')
    .action(async (flags: SimulateFlags) => {
      const opts = await optionsFromFlags({ ...flags, out: undefined });
      const result = await runSimulation(opts);
      const { summaryJson, summaryText } = await import('../../simulate/summary-text.js');
      const { openStore } = await import('../../store/open.js');
      const { scanMemoryLimit } = await import('../../store/memory-limit.js');
      const db = opts.db as string;
      const store = await openStore({
        path: db,
        memoryLimit: scanMemoryLimit(),
      });
      const outcomes: StepOutcome[] = [];
      let employee: string | null = null;
      try {
        for (const step of FOLLOW_ON_STEPS) {
          log(`${step.name}…`);
          const o = await step.run(store, opts.scenarioId);
          if (o === null) log(`${step.name}: not part of this build, skipped`);
          else outcomes.push(o);
        }
        employee = await sampleEmployee(store, opts.scenarioId);
      } finally {
        store.close();
      }
      const last = `${opts.years[1]}-12-31`;
      const dbFlag = db === DEFAULT_DB ? '' : ` --db ${db}`;
      const next =
        employee === null
          ? []
          : [
              `npx planledger history ${employee} --scenario ${opts.scenarioId}${dbFlag}`,
              `npx planledger balance ${employee} --as-of ${last} --scenario ${opts.scenarioId}${dbFlag}`,
              `npx planledger report --scenario ${opts.scenarioId}${dbFlag}`,
            ];
      if (flags.json) {
        outJson({
          ...summaryJson(result),
          steps: Object.fromEntries(outcomes.map((o) => [o.name, o.json])),
          next,
        });
      } else {
        const lines = [summaryText(result).trimEnd(), ''];
        for (const o of outcomes) lines.push(...o.lines);
        if (next.length > 0) lines.push('', 'where to look next:', ...next.map((n) => `  ${n}`));
        out(lines.join('\n'));
      }
      const failed = outcomes.filter((o) => !o.passed).map((o) => o.name);
      if (failed.length > 0) throw new CheckFailed(`failed: ${failed.join(', ')}`);
    });
}
