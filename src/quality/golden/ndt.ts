/**
 * The `adp.*` / `acp.*` metrics of golden.md: the case's events are written to an in-memory
 * store and tested by the same SQL and arithmetic as `planledger ndt` (src/ndt), so a golden
 * case checks exactly what the command computes.
 */
import type { CensusPerson } from '../../engine/census.js';
import type { PlanDesign } from '../../engine/plan.js';
import { RATIO_ONE } from '../../ndt/index.js';
import { type NdtReport, runNdt } from '../../ndt/run.js';
import type { SimulationEvent } from '../../schema/contract.js';
import { type Decimal, formatDecimal, ONE } from '../../schema/decimal.js';
import type { CanonicalEvent } from '../../schema/index.js';
import type { ParticipantRow } from '../../store/scenarios.js';

export const NDT_FIGURES = [
  'hce_average',
  'nhce_average',
  'limit',
  'passed',
  'exempt',
  'excess',
  'share',
  'catch_up',
  'distribution',
] as const;
export type NdtFigure = (typeof NDT_FIGURES)[number];
/** Figures of a test as a whole (employee_id `*`); the others are per HCE. */
export const PLAN_FIGURES: ReadonlySet<string> = new Set(NDT_FIGURES.slice(0, 6));

/** Parse `adp.<figure>` / `acp.<figure>`; null when not one. `catch_up` is ADP only. */
export function parseNdtMetric(
  head: string,
  tail: string,
): { kind: 'ndt'; test: 'adp' | 'acp'; figure: NdtFigure } | null {
  if (head !== 'adp' && head !== 'acp') return null;
  if (!(NDT_FIGURES as readonly string[]).includes(tail)) return null;
  if (head === 'acp' && tail === 'catch_up') return null;
  return { kind: 'ndt', test: head, figure: tail as NdtFigure };
}

/** A case's census as dim_participants rows of a scenario. */
export function participantRows(census: readonly CensusPerson[], scenarioId: string): ParticipantRow[] {
  return census.map((p) => ({
    scenario_id: scenarioId,
    employee_id: p.employeeId,
    birth_date: p.birthDate,
    hire_date: p.hireDate,
    annual_compensation: formatDecimal(p.annualCompensation),
    job_level: p.jobLevel,
    department: p.department,
  }));
}

/** Run both tests over a case's engine output, in a throw-away in-memory store. */
export async function ndtOfCase(
  plan: PlanDesign,
  years: [number, number],
  census: readonly CensusPerson[],
  events: readonly SimulationEvent[],
  scenarioId: string,
): Promise<NdtReport> {
  const { openStore } = await import('../../store/open.js');
  const { writeParticipants } = await import('../../store/scenarios.js');
  const { ingestEvents } = await import('../../ingest/ingest.js');
  const store = await openStore({ path: ':memory:', threads: 1 });
  try {
    await writeParticipants(store.connection, participantRows(census, scenarioId));
    // Engine events are contract events; validating puts them in canonical form on the way in.
    await ingestEvents(store, events as unknown as Iterable<CanonicalEvent>, { source: 'golden' });
    return await runNdt(store.connection, scenarioId, plan, years);
  } finally {
    store.close();
  }
}

/** One figure of golden.md's `adp.*` / `acp.*` rows, for the plan year of `date`. */
export function ndtFigure(
  report: NdtReport,
  test: 'adp' | 'acp',
  figure: NdtFigure,
  employeeId: string,
  date: string,
): Decimal | null {
  const year = Number(date.slice(0, 4));
  const t = report.tests.find((x) => x.year === year && x.test === test);
  if (t === undefined) return null;
  const ratio = (r: bigint) => (r * ONE) / RATIO_ONE;
  const flag = (b: boolean) => (b ? ONE : 0n);
  switch (figure) {
    case 'hce_average':
      return ratio(t.hceAverage);
    case 'nhce_average':
      return ratio(t.nhceAverage);
    case 'limit':
      return ratio(t.limit);
    case 'passed':
      return flag(t.result !== 'fail');
    case 'exempt':
      return flag(t.result === 'exempt');
    case 'excess':
      return t.excess;
  }
  const s = t.shares.find((x) => x.employeeId === employeeId);
  if (s === undefined) return 0n;
  return figure === 'share' ? s.share : figure === 'catch_up' ? s.catchUp : s.distribution;
}
