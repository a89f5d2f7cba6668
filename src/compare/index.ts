/**
 * `compare`: one census and seed under two or more plan designs (docs/compare.md). Each design
 * is one scenario of the store; every scenario has the same people and the same workforce
 * decisions (hires, merits, promotions, terminations), drawn once: the first scenario keeps each
 * partition's decisions in a temporary directory and the others read them back instead of drawing
 * them again. Elections are each design's own (they respond to the plan: src/simulate/elections.ts).
 * The figures come from the store through the functions the report uses (src/figures); the
 * ADP and ACP tests of each design are run and stored as `planledger ndt` does (src/ndt), so
 * that the comparison and the report's comparison page show them side by side.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../errors/index.js';
import {
  type EmployerChange,
  employerChanges,
  type PlanYear,
  planYears,
  type ScenarioRef,
} from '../figures/index.js';
import type { NdtReport } from '../ndt/run.js';
import { DEFAULT_PLAN_URL, planDesignIdOf } from '../simulate/job.js';
import { type SimulateOptions, type SimulateResult, simulate } from '../simulate/simulate.js';

export interface CompareOptions
  extends Omit<SimulateOptions, 'planFile' | 'scenarioId' | 'out' | 'shard' | 'workforceCache'> {
  /** Plan design files, the first being the base the others are compared with. */
  plans: string[];
  /** Scenario ids, one per plan (default: each plan file's name). */
  scenarioIds?: string[];
  /** The store (required: the comparison is read back from it). */
  db: string;
}

export interface ComparedScenario {
  scenarioId: string;
  planDesignId: string;
  planFile: string;
  run: SimulateResult;
  years: PlanYear[];
  /** Per-person change in employer money against the base (null for the base itself). */
  changes: EmployerChange[] | null;
  /** The design's ADP and ACP tests of every plan year (stored in `ndt_tests` / `ndt_shares`). */
  ndt: NdtReport;
}

export interface CompareResult {
  db: string;
  years: [number, number];
  seed: number;
  scenarios: ComparedScenario[];
  seconds: number;
}

/** The scenario id of each plan: given, else the plan file's name; all distinct. */
export function scenarioIdsOf(plans: string[], given?: string[]): string[] {
  if (plans.length < 2)
    throw new InputError('compare: give at least two plan designs (--plan A.json --plan B.json)');
  if (given !== undefined && given.length > 0 && given.length !== plans.length)
    throw new InputError(
      `compare: ${given.length} scenario id(s) for ${plans.length} plans: give one --scenario per --plan, or none`,
    );
  const ids = given !== undefined && given.length > 0 ? given : plans.map(planDesignIdOf);
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id))
      throw new InputError(
        `compare: two plans would both be scenario ${JSON.stringify(id)}: name them with --scenario (one per --plan)`,
      );
    seen.add(id);
  }
  return ids;
}

export async function compare(opts: CompareOptions): Promise<CompareResult> {
  const t0 = performance.now();
  const plans = opts.plans.map((p) => (p === 'default' ? DEFAULT_PLAN_URL.pathname : p));
  const ids = scenarioIdsOf(plans, opts.scenarioIds);
  const base = process.env.PLANLEDGER_TMPDIR ?? tmpdir();
  const dir = mkdtempSync(join(base, 'planledger-workforce-'));
  const runs: SimulateResult[] = [];
  try {
    for (let i = 0; i < plans.length; i++) {
      opts.log?.(`scenario ${ids[i]}: plan ${plans[i]} (${i + 1} of ${plans.length})`);
      runs.push(
        await simulate({
          ...opts,
          planFile: plans[i],
          scenarioId: ids[i],
          out: null,
          workforceCache: { dir, mode: i === 0 ? 'write' : 'read' },
        }),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const { openStore } = await import('../store/open.js');
  const { loadNdtScenario, runNdt, storeNdt } = await import('../ndt/run.js');
  const { scanMemoryLimit } = await import('../store/memory-limit.js');
  // Written to: each design's test results are stored as `planledger ndt` stores them, at the
  // limit `ndt` runs at (docs/ndt.md, "Memory").
  const store = await openStore({ path: opts.db, mustExist: true, memoryLimit: scanMemoryLimit() });
  try {
    const scenarios: ComparedScenario[] = [];
    for (let i = 0; i < plans.length; i++) {
      const ref: ScenarioRef = { scenarioId: ids[i], first: opts.years[0], last: opts.years[1] };
      opts.log?.(`scenario ${ids[i]}: ADP and ACP tests`);
      const tested = await loadNdtScenario(store.connection, ids[i]);
      const ndt = await runNdt(store.connection, tested.scenarioId, tested.plan, tested.years);
      await storeNdt(store.connection, ndt);
      scenarios.push({
        scenarioId: ids[i],
        planDesignId: runs[i].planDesignId,
        planFile: plans[i],
        run: runs[i],
        // The run read its figures back from the store with planYears already.
        years: runs[i].figures ?? (await planYears(store.connection, ref)),
        changes: i === 0 ? null : await employerChanges(store.connection, ids[0], ids[i]),
        ndt,
      });
    }
    return {
      db: opts.db,
      years: opts.years,
      seed: opts.seed,
      scenarios,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    store.close();
  }
}
