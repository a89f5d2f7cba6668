/**
 * Decisions of the workforce model as contract events (events.md): the `merit`, `promotion`,
 * `termination` and `enrollment` inputs of the engine. Their ids are deterministic and live in
 * their own name space (scenario, employee, "workforce", sequence), apart from the ids the engine
 * gives the events it writes.
 */

import { eventIdMaker } from '../engine/ids.js';
import type { SimulationEvent } from '../schema/contract.js';
import { fromDay } from '../schema/dates.js';
import { formatDecimal } from '../schema/decimal.js';
import type { Decision } from './workforce.js';

export const WORKFORCE_SOURCE_SYSTEM = 'workforce_model';

export interface EnvelopeParts {
  scenarioId: string;
  planDesignId: string;
  planId: string;
  createdAt: string;
}

export function decisionEvents(
  employeeId: string,
  decisions: readonly Decision[],
  env: EnvelopeParts,
): SimulationEvent[] {
  if (decisions.length === 0) return [];
  const id = eventIdMaker(env.scenarioId, `${employeeId}\u0000workforce`);
  return decisions.map((d, seq) => {
    const date = fromDay(d.day);
    return {
      event_id: id(seq),
      employee_id: employeeId,
      effective_date: date,
      created_at: env.createdAt,
      scenario_id: env.scenarioId,
      plan_design_id: env.planDesignId,
      source_system: WORKFORCE_SOURCE_SYSTEM,
      payload: payloadOf(d, date, env.planId),
      correlation_id: null,
    };
  });
}

function payloadOf(d: Decision, date: string, planId: string): SimulationEvent['payload'] {
  switch (d.kind) {
    case 'merit':
      return {
        event_type: 'merit',
        plan_id: null,
        new_compensation: formatDecimal(d.newCompensation),
        merit_percentage: formatDecimal(d.rate),
      };
    case 'promotion':
      return {
        event_type: 'promotion',
        plan_id: null,
        new_job_level: d.newLevel,
        new_annual_compensation: formatDecimal(d.newCompensation),
        effective_date: date,
      };
    case 'termination':
      return {
        event_type: 'termination',
        plan_id: null,
        termination_reason: d.reason,
        final_pay_date: fromDay(d.finalPayDay),
      };
    case 'enrollment':
      return {
        event_type: 'enrollment',
        plan_id: planId,
        enrollment_date: date,
        pre_tax_contribution_rate: formatDecimal(d.preTax),
        roth_contribution_rate: formatDecimal(d.roth),
        after_tax_contribution_rate: formatDecimal(d.afterTax),
        auto_enrollment: false,
        opt_out_window_expires: null,
      };
  }
}
