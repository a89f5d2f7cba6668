import type { CensusPerson } from '../../src/engine/census.js';
import { type PlanDesign, parsePlan } from '../../src/engine/plan.js';
import { projectPerson } from '../../src/engine/project.js';
import type { SimulationEvent } from '../../src/schema/contract.js';
import { dec } from '../../src/schema/decimal.js';

export const BASE_PLAN = {
  plan_id: 'P401K',
  payroll: { frequency: 'monthly', deposit_lag_days: 2 },
  eligibility: { min_age: 21, service_months: 0, entry: 'immediate' },
  auto_enrollment: { enabled: false },
  match: { tiers: [{ rate: '1', up_to: '0.03' }], true_up: false },
  vesting: { schedule: 'immediate' },
};

export function plan(overrides: Record<string, unknown> = {}): PlanDesign {
  return parsePlan({ ...BASE_PLAN, ...overrides }, 'test-plan.json');
}

export function person(p: Partial<CensusPerson> & { employeeId?: string } = {}): CensusPerson {
  return {
    employeeId: 'E1',
    birthDate: '1980-06-15',
    hireDate: '2015-01-05',
    annualCompensation: dec('60000'),
    jobLevel: 3,
    department: 'ENG',
    preTaxRate: null,
    rothRate: null,
    ...p,
  };
}

let n = 0;
export function decision(
  employeeId: string,
  date: string,
  payload: Record<string, unknown>,
): SimulationEvent {
  n++;
  return {
    event_id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    employee_id: employeeId,
    effective_date: date,
    created_at: '2026-01-15T09:00:00Z',
    scenario_id: 'test',
    plan_design_id: 'test',
    source_system: 'inputs',
    payload: payload as SimulationEvent['payload'],
  };
}

export function election(
  employeeId: string,
  date: string,
  pt: string,
  roth = '0',
  at?: string,
): SimulationEvent {
  return decision(employeeId, date, {
    event_type: 'enrollment',
    plan_id: 'P401K',
    enrollment_date: date,
    pre_tax_contribution_rate: pt,
    roth_contribution_rate: roth,
    ...(at === undefined ? {} : { after_tax_contribution_rate: at }),
  });
}

export function termination(employeeId: string, date: string, reason = 'voluntary'): SimulationEvent {
  return decision(employeeId, date, {
    event_type: 'termination',
    termination_reason: reason,
    final_pay_date: date,
  });
}

export function run(
  p: PlanDesign,
  who: CensusPerson,
  decisions: SimulationEvent[] = [],
  years: [number, number] = [2025, 2025],
): SimulationEvent[] {
  return projectPerson({
    plan: p,
    years,
    person: who,
    decisions,
    scenarioId: 'test',
    planDesignId: 'test-plan',
    sourceSystem: 'plan_engine',
    createdAt: '2026-01-01T00:00:00Z',
  });
}

type P = Record<string, unknown>;
export const payloads = (evs: SimulationEvent[], type: string, date?: string): P[] =>
  evs
    .filter((e) => e.payload.event_type === type && (date === undefined || e.effective_date === date))
    .map((e) => e.payload as unknown as P);

export const contributions = (
  evs: SimulationEvent[],
  source: string,
): { date: string; amount: string; p: P }[] =>
  evs
    .filter((e) => e.payload.event_type === 'contribution' && e.payload.source === source)
    .map((e) => ({
      date: e.effective_date,
      amount: (e.payload as unknown as P).amount as string,
      p: e.payload as unknown as P,
    }));
