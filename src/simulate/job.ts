/**
 * A simulation job: the options every thread needs (plain data, sent to workers as is) and the
 * context each thread loads from them once (config, plan, census, partition membership).
 * Loading checks everything; the main thread loads first, so bad input fails before any work.
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { payDatesOfYear } from '../engine/calendar.js';
import { type CensusPerson, parseCensusCsv } from '../engine/census.js';
import { CensusError, PlanError } from '../engine/errors.js';
import { anchorDay, type PlanDesign, parsePlan } from '../engine/plan.js';
import { fromDay, toDay } from '../schema/dates.js';
import { loadWorkforceConfig, type WorkforceConfig } from './config.js';
import { PARTITIONS, partitionOf } from './partition.js';
import { censusId, type Person, syntheticPerson } from './people.js';
import { Draws, streamKey } from './prng.js';

export interface JobSpec {
  seed: number;
  years: [number, number];
  /** Size of the synthetic census (ignored when `censusFile` is given). */
  employees: number;
  censusFile: string | null;
  configFile: string | null;
  planFile: string;
  scenarioId: string;
  /** The scenario_id stored rows carry (the run's pending id); default scenarioId. */
  storeScenarioId?: string;
  planDesignId: string;
  /** Canonical RFC 3339 UTC timestamp: one value for the whole scenario. */
  createdAt: string;
  /** Events per message from a worker. */
  batchEvents: number;
  /** What the main thread consumes: canonical NDJSON lines, store rows, or both. */
  want: { lines: boolean; rows: boolean };
  /**
   * Where the partitions' workforce decisions are kept between the scenarios of one comparison:
   * the first scenario writes them, the others read them instead of drawing them again.
   */
  workforceCache?: { dir: string; mode: 'write' | 'read' } | null;
}

export const DEFAULT_PLAN_URL = new URL('../../config/plan-default.json', import.meta.url);

export interface JobContext {
  spec: JobSpec;
  cfg: WorkforceConfig;
  plan: PlanDesign;
  /** The plan file's JSON as given (stored in `scenarios.plan_design`). */
  planJson: unknown;
  draws: Draws;
  census: CensusPerson[] | null;
  /** The census file has the optional pre_tax_rate/roth_rate columns (blank then means "no election"). */
  censusHasRates: boolean;
  /** For each partition, the indices of its census people (into `census`, or 1-based synthetic). */
  members: number[][];
  lastPayDay: (day: number) => number;
}

export function readPlanFile(file: string, years: [number, number]): { plan: PlanDesign; json: unknown } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new PlanError(file, 'plan', `cannot read: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new PlanError(file, 'plan', `not valid JSON: ${(err as Error).message}`);
  }
  return { plan: parsePlan(json, file, { years }), json };
}

/** The plan design id of a plan file: its name without the extension (`plan-default`). */
export function planDesignIdOf(file: string): string {
  return basename(file, extname(file));
}

export function loadJob(spec: JobSpec): JobContext {
  const cfg = loadWorkforceConfig(spec.configFile ?? undefined);
  const { plan, json } = readPlanFile(spec.planFile, spec.years);
  let census: CensusPerson[] | null = null;
  let censusHasRates = false;
  const members: number[][] = Array.from({ length: PARTITIONS }, () => []);
  if (spec.censusFile !== null) {
    const text = readFileSync(spec.censusFile, 'utf8');
    census = parseCensusCsv(text, spec.censusFile, { firstYear: spec.years[0], lastYear: spec.years[1] });
    // A census without a row would replace a scenario with an empty one (docs/simulate.md).
    if (census.length === 0)
      throw new CensusError(spec.censusFile, 1, 'census', 'the census has no employee rows (only a header)');
    censusHasRates = /^\uFEFF?[^\n]*pre_tax_rate/.test(text);
    for (let i = 0; i < census.length; i++) members[partitionOf(census[i].employeeId)].push(i);
  } else {
    for (let i = 1; i <= spec.employees; i++) members[partitionOf(censusId(i, spec.employees))].push(i);
  }
  return {
    spec,
    cfg,
    plan,
    planJson: json,
    draws: new Draws(spec.seed),
    census,
    censusHasRates,
    members,
    lastPayDay: lastPayDayFn(plan, spec.years),
  };
}

/** The census people of a partition, in census order. */
export function partitionPeople(ctx: JobContext, partition: number): Person[] {
  const { spec } = ctx;
  return ctx.members[partition].map((i) =>
    ctx.census === null
      ? syntheticPerson(i, spec.employees, spec.years[0], ctx.cfg, ctx.draws)
      : fromCensus(ctx.census[i], ctx.censusHasRates),
  );
}

export function fromCensus(c: CensusPerson, hasRateColumns: boolean): Person {
  const given = c.preTaxRate !== null || c.rothRate !== null;
  return {
    employeeId: c.employeeId,
    key: streamKey(c.employeeId),
    birthDay: toDay(c.birthDate),
    hireDay: toDay(c.hireDate),
    compensation: c.annualCompensation,
    level: c.jobLevel,
    department: c.department,
    opening: given
      ? { preTax: c.preTaxRate ?? 0n, roth: c.rothRate ?? 0n }
      : hasRateColumns
        ? null
        : undefined,
    hiredBySimulation: false,
  };
}

/** The census record the engine reads for a person. */
export function censusRecord(p: Person): CensusPerson {
  return {
    employeeId: p.employeeId,
    birthDate: fromDay(p.birthDay),
    hireDate: fromDay(p.hireDay),
    annualCompensation: p.compensation,
    jobLevel: p.level,
    department: p.department,
    preTaxRate: null,
    rothRate: null,
  };
}

/** Last pay date on or before a day, over the plan's calendar around the simulated years. */
function lastPayDayFn(plan: PlanDesign, years: [number, number]): (day: number) => number {
  const anchor =
    plan.payroll.frequency === 'weekly' || plan.payroll.frequency === 'biweekly' ? anchorDay(plan) : null;
  const days: number[] = [];
  for (let y = years[0] - 1; y <= years[1]; y++)
    days.push(...payDatesOfYear(plan.payroll.frequency, y, anchor));
  return (day: number) => {
    let lo = 0;
    let hi = days.length - 1;
    let best = day;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (days[mid] <= day) {
        best = days[mid];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return best;
  };
}
