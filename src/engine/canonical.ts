/**
 * Canonical forms (events.md, Wire format): every field written in the order of the contract,
 * absent optional fields as null, decimals in their shortest form, timestamps in UTC with Z.
 * The engine writes its own events directly in this form; decision events from the inputs are
 * brought to it here (they are few per person).
 */

import { EVENT_TYPES, type SimulationEvent } from '../schema/contract.js';
import { formatDecimal, parseDecimal } from '../schema/decimal.js';
import { EngineInputError } from './errors.js';

/**
 * Canonical decimal text of micro-units (same result as formatDecimal, without divisions or
 * regular expressions: it runs for every amount the engine writes).
 */
export function money(v: bigint): string {
  if (v < 0n) return '-' + money(-v);
  const s = v.toString();
  const n = s.length;
  const int = n > 6 ? s.slice(0, n - 6) : '0';
  const frac = n > 6 ? s.slice(n - 6) : s.padStart(6, '0');
  let end = 6;
  while (end > 0 && frac.charCodeAt(end - 1) === 48) end--;
  return end === 0 ? int : int + '.' + frac.slice(0, end);
}

const TS_RE =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]{1,6})?([Zz]|([+-])([0-9]{2}):([0-9]{2}))$/;

/** Canonical RFC 3339 timestamp: UTC with `Z`, fractional seconds only when not zero. */
export function canonicalTimestamp(text: string): string {
  const m = TS_RE.exec(text);
  if (m === null) throw new Error(`not an RFC 3339 timestamp: ${JSON.stringify(text)}`);
  let ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  if (m[9] !== undefined) ms -= (m[9] === '-' ? -1 : 1) * (+m[10] * 60 + +m[11]) * 60_000;
  const base = new Date(ms).toISOString().slice(0, 19);
  const frac = (m[7] ?? '').replace(/0+$/, '');
  return base + (frac === '.' ? '' : frac) + 'Z';
}

function canonDec(v: unknown, employeeId: string, field: string, places: number): string {
  const d = typeof v === 'string' ? parseDecimal(v, places) : undefined;
  if (d === undefined)
    throw new EngineInputError(employeeId, `${field}: expected a decimal string, found ${JSON.stringify(v)}`);
  return formatDecimal(d);
}

/** Rank of an event type in the contract's same-day precedence (events.md, Order of events). */
export const TYPE_RANK: Readonly<Record<string, number>> = Object.fromEntries(
  EVENT_TYPES.map((t, i) => [t, i]),
);

/** The canonical form of a decision event (merit, promotion, termination, enrollment). */
export function canonicalDecision(ev: SimulationEvent): SimulationEvent {
  const p = ev.payload as unknown as Record<string, unknown>;
  const id = ev.employee_id;
  const planId = (p.plan_id as string | null | undefined) ?? null;
  let payload: Record<string, unknown>;
  switch (p.event_type) {
    case 'merit':
      payload = {
        event_type: 'merit',
        plan_id: planId,
        new_compensation: canonDec(p.new_compensation, id, 'new_compensation', 6),
        merit_percentage: canonDec(p.merit_percentage, id, 'merit_percentage', 4),
      };
      break;
    case 'promotion':
      payload = {
        event_type: 'promotion',
        plan_id: planId,
        new_job_level: p.new_job_level,
        new_annual_compensation: canonDec(p.new_annual_compensation, id, 'new_annual_compensation', 6),
        effective_date: p.effective_date,
      };
      break;
    case 'termination':
      payload = {
        event_type: 'termination',
        plan_id: planId,
        termination_reason: p.termination_reason,
        final_pay_date: p.final_pay_date,
      };
      break;
    case 'enrollment':
      payload = {
        event_type: 'enrollment',
        plan_id: p.plan_id,
        enrollment_date: p.enrollment_date,
        pre_tax_contribution_rate: canonDec(p.pre_tax_contribution_rate, id, 'pre_tax_contribution_rate', 4),
        roth_contribution_rate: canonDec(p.roth_contribution_rate, id, 'roth_contribution_rate', 4),
        after_tax_contribution_rate: canonDec(
          p.after_tax_contribution_rate ?? '0',
          id,
          'after_tax_contribution_rate',
          4,
        ),
        auto_enrollment: p.auto_enrollment ?? false,
        opt_out_window_expires: p.opt_out_window_expires ?? null,
      };
      break;
    default:
      throw new EngineInputError(
        id,
        `a decision event must be a merit, promotion, termination or enrollment, found ${JSON.stringify(p.event_type)}`,
      );
  }
  return {
    event_id: ev.event_id.toLowerCase(),
    employee_id: ev.employee_id,
    effective_date: ev.effective_date,
    created_at: canonicalTimestamp(ev.created_at),
    scenario_id: ev.scenario_id,
    plan_design_id: ev.plan_design_id,
    source_system: ev.source_system,
    payload: payload as SimulationEvent['payload'],
    correlation_id: ev.correlation_id ?? null,
  };
}
