/**
 * One person's state while the engine projects them (src/engine/project.ts): the inputs read
 * once, the stream being written with its sort keys, and the running figures each section of
 * calculations.md reads and updates (pay rate, election, employer balances, look-back pay,
 * vesting days). Plain fields, no I/O; one instance per person.
 */
import { CONTRIBUTION_SOURCES, type SimulationEvent } from '../schema/contract.js';
import { type Decimal, divIntRoundCents } from '../schema/decimal.js';
import { money, TYPE_RANK } from './canonical.js';
import type { CensusPerson } from './census.js';
import type { PlanContext } from './context.js';
import type { PlanDesign } from './plan.js';
import type { ServiceRecord } from './service.js';

export interface ProjectPersonInput {
  plan: PlanDesign;
  /** Simulated plan years [first, last]. */
  years: readonly [number, number];
  person: CensusPerson;
  /** That person's merit, promotion, termination and enrollment events, in file order. */
  decisions: readonly SimulationEvent[];
  scenarioId: string;
  planDesignId: string;
  sourceSystem: string;
  /** Canonical RFC 3339 timestamp (UTC, Z) written on every engine event. */
  createdAt: string;
}

/** A participant election in effect from `day` (calculations.md, Elections and auto-enrollment). */
export interface Election {
  day: number;
  pt: Decimal;
  roth: Decimal;
  at: Decimal;
  auto: boolean;
}

/** A change of the annual rate from a merit or promotion decision. */
export interface CompChange {
  day: number;
  rank: number;
  comp: Decimal;
}

/** Sub-order of contributions on one day: the contract's order of sources (events.md). */
const SOURCE_SUB: Readonly<Record<string, number>> = Object.fromEntries(
  CONTRIBUTION_SOURCES.map((src, i) => [src, i]),
);

function sortKey(day: number, type: string, sub: number): number {
  return (day * 16 + TYPE_RANK[type]) * 16 + sub;
}

export class PersonState {
  readonly plan: PlanDesign;
  readonly planId: string;
  readonly person: CensusPerson;
  readonly emp: string;
  readonly hire: number;
  readonly birth: number;
  // The stream before ordering: events and their sort keys (day, type precedence, sub-order).
  readonly out: SimulationEvent[] = [];
  readonly keys: number[] = [];

  // ---- from the decision events ----
  termDay = Number.POSITIVE_INFINITY;
  termReason = '';
  termEventId: string | null = null;
  readonly compChanges: CompChange[] = [];
  elections: Election[] = [];

  // ---- eligibility ----
  entry = 0;
  participant = false;
  /** The eligibility event's day: the entry date, or the first simulated day if later. */
  eligDay = 0;

  // ---- payroll: the annual rate in effect and the gross pay of a pay date ----
  compIdx = 0;
  annual: Decimal;
  /** round(annual rate / periods) (calculations.md, Payroll). */
  gross: Decimal;

  // ---- the election in effect ----
  elIdx = 0;
  election: Election | null = null;

  // ---- employer buckets: balance and gross contributions ----
  balMatch = 0n;
  grossMatch = 0n;
  balNe = 0n;
  grossNe = 0n;

  // ---- HCE: last year's gross pay and determination ----
  prevYearGross = 0n;
  prevHce: boolean | null = null;

  // ---- vesting ----
  svc: ServiceRecord | null = null;
  vestDays: number[] = [];
  vi = 0;

  constructor(
    readonly input: ProjectPersonInput,
    readonly ctx: PlanContext,
    hire: number,
    birth: number,
  ) {
    this.plan = input.plan;
    this.planId = input.plan.planId;
    this.person = input.person;
    this.emp = input.person.employeeId;
    this.hire = hire;
    this.birth = birth;
    this.annual = input.person.annualCompensation;
    this.gross = divIntRoundCents(this.annual, ctx.periods);
  }

  /** Add a decision event as it is (already canonical). */
  pushDecision(ev: SimulationEvent, day: number): void {
    this.out.push(ev);
    this.keys.push(sortKey(day, ev.payload.event_type, 0));
  }

  /** Add an engine event; its id is given when the stream is ordered. */
  push(
    day: number,
    iso: string,
    type: string,
    sub: number,
    payload: object,
    correlation: string | null = null,
  ) {
    const input = this.input;
    this.keys.push(sortKey(day, type, sub));
    this.out.push({
      event_id: '',
      employee_id: this.emp,
      effective_date: iso,
      created_at: input.createdAt,
      scenario_id: input.scenarioId,
      plan_design_id: input.planDesignId,
      source_system: input.sourceSystem,
      payload: payload as SimulationEvent['payload'],
      correlation_id: correlation,
    });
  }

  /** A contribution event of a pay date (calculations.md, Payroll: its dates, payroll id, YTD). */
  contribution(
    day: number,
    iso: string,
    source: string,
    amount: Decimal,
    ytd: Decimal,
    limited: boolean,
    depositIso: string,
    payrollId: string,
  ): void {
    this.push(day, iso, 'contribution', SOURCE_SUB[source], {
      event_type: 'contribution',
      plan_id: this.planId,
      source,
      amount: money(amount),
      pay_period_end: iso,
      contribution_date: depositIso,
      ytd_amount: money(ytd),
      payroll_id: payrollId,
      irs_limit_applied: limited,
      inferred_value: false,
    });
  }
}
