/**
 * calculations.md, "Eligibility" and "Elections and auto-enrollment", for one person: the
 * decision events read for their effects, the eligibility event, automatic enrollment and
 * escalation, and the election in effect on a pay date.
 */
import type { SimulationEvent } from '../schema/contract.js';
import { civil, fromDay, isValidDate, jan1, toDay } from '../schema/dates.js';
import { type Decimal, dec, minDec } from '../schema/decimal.js';
import { canonicalDecision, money, TYPE_RANK } from './canonical.js';
import { eligibilityReason, entryDay } from './eligibility.js';
import { EngineInputError } from './errors.js';
import type { Election, PersonState } from './person-state.js';

/**
 * Decision events are written as they are (canonical form) and read for their effects:
 * termination, compensation changes, participant elections.
 */
export function readDecisions(s: PersonState, decisions: readonly SimulationEvent[]): void {
  const emp = s.emp;
  for (const raw of decisions) {
    if (raw.employee_id !== emp)
      throw new EngineInputError(
        emp,
        `decision event ${raw.event_id} belongs to employee ${raw.employee_id}`,
      );
    if (!isValidDate(raw.effective_date))
      throw new EngineInputError(emp, `decision event ${raw.event_id} has an invalid effective_date`);
    const ev = canonicalDecision(raw);
    const day = toDay(ev.effective_date);
    const p = ev.payload;
    s.pushDecision(ev, day);
    if (p.event_type === 'termination') {
      // calculations.md, Elections: at most one termination per person.
      if (s.termEventId !== null) throw new EngineInputError(emp, 'more than one termination in the inputs');
      s.termDay = day;
      s.termReason = p.termination_reason;
      s.termEventId = ev.event_id;
    } else if (p.event_type === 'merit') {
      s.compChanges.push({ day, rank: TYPE_RANK.merit, comp: dec(p.new_compensation) });
    } else if (p.event_type === 'promotion') {
      s.compChanges.push({ day, rank: TYPE_RANK.promotion, comp: dec(p.new_annual_compensation) });
    } else if (p.event_type === 'enrollment') {
      s.elections.push({
        day,
        pt: dec(p.pre_tax_contribution_rate),
        roth: dec(p.roth_contribution_rate),
        at: dec(p.after_tax_contribution_rate ?? '0'),
        auto: false,
      });
    }
  }
}

/** Entry date, participation and the eligibility event (calculations.md, Eligibility). */
export function writeEligibility(s: PersonState): void {
  const ctx = s.ctx;
  s.entry = entryDay(s.plan, s.birth, s.hire);
  s.participant = s.entry <= ctx.lastDay && s.termDay >= s.entry;
  s.eligDay = Math.max(s.entry, ctx.firstDay);
  if (s.participant) {
    s.push(s.eligDay, fromDay(s.eligDay), 'eligibility', 0, {
      event_type: 'eligibility',
      plan_id: s.planId,
      eligible: true,
      eligibility_date: fromDay(s.entry),
      reason: eligibilityReason(s.plan),
    });
  }
}

/** Automatic enrollment on the entry date and escalation each 1 January after it. */
export function writeAutoEnrollment(s: PersonState): void {
  s.elections.sort((a, b) => a.day - b.day);
  const ae = s.plan.autoEnrollment;
  const eligDay = s.eligDay;
  if (!s.participant || !ae.enabled || s.elections.some((e) => e.day <= eligDay)) return;
  const autos: Election[] = [{ day: eligDay, pt: ae.defaultRate, roth: 0n, at: 0n, auto: true }];
  pushEnrollment(s, eligDay, ae.defaultRate, fromDay(eligDay + ae.optOutDays));
  const esc = ae.escalation;
  if (esc !== null) {
    let rate = ae.defaultRate;
    for (let y = civil(eligDay).y + 1; y <= s.ctx.last; y++) {
      const d = jan1(y);
      if (d > s.termDay) break; // employed on 1 January
      if (s.elections.some((e) => e.day <= d)) break; // a voluntary election ends escalation
      if (rate >= esc.cap) break;
      rate = minDec(rate + esc.step, esc.cap);
      autos.push({ day: d, pt: rate, roth: 0n, at: 0n, auto: true });
      pushEnrollment(s, d, rate, null);
    }
  }
  s.elections.push(...autos);
  s.elections.sort((a, b) => a.day - b.day);
}

function pushEnrollment(s: PersonState, day: number, rate: Decimal, optOut: string | null): void {
  const iso = fromDay(day);
  s.push(day, iso, 'enrollment', 0, {
    event_type: 'enrollment',
    plan_id: s.planId,
    enrollment_date: iso,
    pre_tax_contribution_rate: money(rate),
    roth_contribution_rate: '0',
    after_tax_contribution_rate: '0',
    auto_enrollment: true,
    opt_out_window_expires: optOut,
  });
}

/** The election in effect on `day`: the latest with an effective day on or before it. */
export function electionOn(s: PersonState, day: number): Election | null {
  const elections = s.elections;
  while (s.elIdx < elections.length && elections[s.elIdx].day <= day) s.election = elections[s.elIdx++];
  return s.election;
}
