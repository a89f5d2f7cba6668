/**
 * A participant's state as of a date, from their events (and their census record, which
 * holds the starting compensation of the opening population, who have no hire event).
 * Used by the golden runner and by `history` for the end state.
 */
import type { SimulationEvent } from '../schema/contract.js';
import { type Decimal, dec } from '../schema/decimal.js';
import { LedgerState } from './ledger.js';

export interface Election {
  effectiveDate: string;
  preTax: Decimal;
  roth: Decimal;
  afterTax: Decimal;
  auto: boolean;
}

export interface ParticipantState {
  employed: boolean;
  hireDate: string | null;
  terminationDate: string | null;
  compensation: Decimal | null;
  jobLevel: number | null;
  /** Date of the first eligibility event with eligible = true (its effective date), or null. */
  eligibleSince: string | null;
  election: Election | null;
  isHce: boolean | null;
  ledger: LedgerState;
}

export interface CensusBase {
  hireDate: string;
  annualCompensation: Decimal;
  jobLevel: number;
}

/** Fold the events with effective_date ≤ asOf, in history order. */
export function participantStateAsOf(
  events: Iterable<SimulationEvent>,
  asOf: string,
  census: CensusBase | null = null,
): ParticipantState {
  const s: ParticipantState = {
    employed: census !== null && census.hireDate <= asOf,
    hireDate: census?.hireDate ?? null,
    terminationDate: null,
    compensation: census !== null ? census.annualCompensation : null,
    jobLevel: census?.jobLevel ?? null,
    eligibleSince: null,
    election: null,
    isHce: null,
    ledger: new LedgerState(),
  };
  for (const ev of events) {
    if (ev.effective_date > asOf) continue;
    s.ledger.apply(ev);
    const p = ev.payload;
    switch (p.event_type) {
      case 'hire':
        s.employed = true;
        s.hireDate = p.hire_date;
        s.compensation = dec(p.annual_compensation);
        s.jobLevel = p.job_level;
        break;
      case 'merit':
        s.compensation = dec(p.new_compensation);
        break;
      case 'promotion':
        s.compensation = dec(p.new_annual_compensation);
        s.jobLevel = p.new_job_level;
        break;
      case 'termination':
        // employed through the termination date itself (calculations.md, Years)
        s.terminationDate = ev.effective_date;
        s.employed = ev.effective_date >= asOf;
        break;
      case 'eligibility':
        if (p.eligible && s.eligibleSince === null) s.eligibleSince = ev.effective_date;
        break;
      case 'enrollment':
        s.election = {
          effectiveDate: ev.effective_date,
          preTax: dec(p.pre_tax_contribution_rate),
          roth: dec(p.roth_contribution_rate),
          afterTax: dec(p.after_tax_contribution_rate ?? '0'),
          auto: p.auto_enrollment ?? false,
        };
        break;
      case 'hce_status':
        s.isHce = p.is_hce;
        break;
    }
  }
  return s;
}
