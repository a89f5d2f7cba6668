/**
 * Valid example events of every kind, deterministic from an index: for documentation, tests
 * and the validation benchmark (a mixed corpus of all eleven kinds).
 */
import { EVENT_TYPES, type EventType } from './contract.js';

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

/** A valid wire event of `kind`; `i` varies ids, dates and amounts. */
export function exampleEvent(kind: EventType, i = 0): Record<string, unknown> {
  const month = `2025-${pad((i % 12) + 1, 2)}`;
  const day = `${month}-${pad((i % 27) + 1, 2)}`;
  const later = `${month}-${pad((i % 27) + 2, 2)}`;
  const cents = `${1000 + (i % 9000)}.${pad(i % 100, 2)}`;
  const payloads: Record<EventType, Record<string, unknown>> = {
    hire: {
      event_type: 'hire',
      hire_date: day,
      department: 'ENG',
      job_level: (i % 10) + 1,
      annual_compensation: '85000',
    },
    promotion: {
      event_type: 'promotion',
      new_job_level: (i % 10) + 1,
      new_annual_compensation: '92000.5',
      effective_date: day,
    },
    termination: { event_type: 'termination', termination_reason: 'voluntary', final_pay_date: later },
    merit: { event_type: 'merit', new_compensation: '87550.5', merit_percentage: '0.03' },
    eligibility: {
      event_type: 'eligibility',
      plan_id: 'P401K',
      eligible: true,
      eligibility_date: day,
      reason: 'age_and_service',
    },
    enrollment: {
      event_type: 'enrollment',
      plan_id: 'P401K',
      enrollment_date: day,
      pre_tax_contribution_rate: '0.06',
      roth_contribution_rate: '0.02',
      auto_enrollment: i % 2 === 0,
      opt_out_window_expires: later,
    },
    contribution: {
      event_type: 'contribution',
      plan_id: 'P401K',
      source: 'employee_pre_tax',
      amount: cents,
      pay_period_end: day,
      contribution_date: later,
      ytd_amount: `${20000 + (i % 1000)}.5`,
      payroll_id: `PR-${pad(i % 1000, 4)}`,
    },
    vesting: {
      event_type: 'vesting',
      plan_id: 'P401K',
      vested_percentage: '0.4',
      source_balances_vested: { employer_match: cents, employer_nonelective: '0' },
      vesting_schedule_type: 'graded',
      service_computation_date: '2021-01-01',
      service_credited_hours: 1000 + (i % 1000),
      service_period_end_date: day,
    },
    forfeiture: {
      event_type: 'forfeiture',
      plan_id: 'P401K',
      forfeited_from_source: 'employer_match',
      amount: cents,
      reason: 'unvested_termination',
      vested_percentage: '0.6',
    },
    hce_status: {
      event_type: 'hce_status',
      plan_id: 'P401K',
      determination_method: 'prior_year',
      ytd_compensation: '61000',
      annualized_compensation: '160000',
      hce_threshold: '160000',
      is_hce: true,
      determination_date: day,
      prior_year_hce: null,
    },
    compliance: {
      event_type: 'compliance',
      plan_id: 'P401K',
      compliance_type: '402g_limit_approach',
      limit_type: 'elective_deferral',
      applicable_limit: '23500',
      current_amount: cents,
      monitoring_date: day,
    },
  };
  return {
    event_id: `${pad(i % 100000000, 8)}-0000-4000-8000-${pad(EVENT_TYPES.indexOf(kind), 12)}`,
    employee_id: `E${pad(i % 100000, 6)}`,
    effective_date: day,
    created_at: '2026-01-15T09:00:00Z',
    scenario_id: 'baseline',
    plan_design_id: 'standard-2025',
    source_system: 'planledger',
    payload: payloads[kind],
  };
}

/** `n` valid events cycling through all eleven kinds. */
export function mixedCorpus(n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => exampleEvent(EVENT_TYPES[i % EVENT_TYPES.length], i));
}
