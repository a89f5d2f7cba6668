/**
 * calculations.md, "Vesting and forfeitures", for one participant: the days that write a
 * vesting event, the events themselves, and the forfeiture on the termination date.
 */
import { vestedAmount } from '../ledger/ledger.js';
import { fromDay } from '../schema/dates.js';
import { type Decimal, mulRoundCents, ONE } from '../schema/decimal.js';
import { money } from './canonical.js';
import type { YearContext } from './context.js';
import type { PersonState } from './person-state.js';
import { ServiceRecord, vestedFraction } from './service.js';

const FULL_VEST_REASONS = new Set(['retirement', 'death', 'disability']);

/** The vested fraction on day `d` (1 on a retirement, death or disability termination date). */
function fractionAt(s: PersonState, d: number): Decimal {
  return d === s.termDay && FULL_VEST_REASONS.has(s.termReason)
    ? ONE
    : vestedFraction(s.plan, s.svc!.yearsAsOf(d));
}

/**
 * Vesting days from the entry date (or the first simulated day): that day, each day a newly
 * credited year changes the fraction, each 31 December while employed, the termination date;
 * at most one a day.
 */
export function planVestingDays(s: PersonState): void {
  if (!s.participant) return;
  const ctx = s.ctx;
  const svc = new ServiceRecord(s.hire, s.termDay, ctx.last);
  s.svc = svc;
  const eligDay = s.eligDay;
  const termDay = s.termDay;
  const vestDays = s.vestDays;
  const until = Math.min(ctx.lastDay, termDay);
  vestDays.push(eligDay);
  for (const c of svc.creditDaysBetween(eligDay + 1, until)) {
    if (vestedFraction(s.plan, svc.yearsAsOf(c)) !== vestedFraction(s.plan, svc.yearsAsOf(c - 1)))
      vestDays.push(c);
  }
  for (const yc of ctx.years) if (yc.dec31 >= eligDay && yc.dec31 <= termDay) vestDays.push(yc.dec31);
  if (termDay >= eligDay && termDay <= ctx.lastDay) vestDays.push(termDay);
  vestDays.sort((a, b) => a - b);
  // at most one vesting event per person a day (a termination on 31 December writes one)
  for (let i = vestDays.length - 1; i > 0; i--) if (vestDays[i] === vestDays[i - 1]) vestDays.splice(i, 1);
}

/** Write the vesting events of the days before `day` not yet written. */
export function vestBefore(s: PersonState, day: number): void {
  while (s.vi < s.vestDays.length && s.vestDays[s.vi] < day) emitVesting(s, s.vestDays[s.vi++]);
}

/** Write the vesting events of the days up to and including `day` not yet written. */
export function vestThrough(s: PersonState, day: number): void {
  while (s.vi < s.vestDays.length && s.vestDays[s.vi] <= day) emitVesting(s, s.vestDays[s.vi++]);
}

function emitVesting(s: PersonState, d: number): void {
  const v = fractionAt(s, d);
  const balances: Record<string, string> = {};
  if (s.balMatch > 0n) balances.employer_match = money(vestedAmount(s.balMatch, s.grossMatch, v));
  if (s.balNe > 0n) balances.employer_nonelective = money(vestedAmount(s.balNe, s.grossNe, v));
  const iso = fromDay(d);
  s.push(d, iso, 'vesting', 0, {
    event_type: 'vesting',
    plan_id: s.planId,
    vested_percentage: money(v),
    source_balances_vested: balances,
    vesting_schedule_type: s.plan.vesting.schedule,
    service_computation_date: s.person.hireDate,
    service_credited_hours: s.svc!.hoursAsOf(d),
    service_period_end_date: iso,
  });
}

/** Forfeiture of the unvested employer money on a termination date in year `yc`. */
export function forfeitOnTermination(s: PersonState, yc: YearContext): void {
  const termDay = s.termDay;
  if (s.svc === null || termDay < yc.jan1 || termDay > yc.dec31) return;
  const v = fractionAt(s, termDay);
  if (v >= ONE) return;
  const iso = fromDay(termDay);
  const fm = s.balMatch - mulRoundCents(s.balMatch, v);
  if (s.balMatch > 0n && fm > 0n) {
    pushForfeiture(s, termDay, iso, 0, 'employer_match', fm, v);
    s.balMatch -= fm;
  }
  const fn = s.balNe - mulRoundCents(s.balNe, v);
  if (s.balNe > 0n && fn > 0n) {
    pushForfeiture(s, termDay, iso, 1, 'employer_nonelective', fn, v);
    s.balNe -= fn;
  }
}

function pushForfeiture(
  s: PersonState,
  day: number,
  iso: string,
  sub: number,
  bucket: string,
  amount: Decimal,
  v: Decimal,
): void {
  s.push(
    day,
    iso,
    'forfeiture',
    sub,
    {
      event_type: 'forfeiture',
      plan_id: s.planId,
      forfeited_from_source: bucket,
      amount: money(amount),
      reason: 'unvested_termination',
      vested_percentage: money(v),
    },
    s.termEventId,
  );
}
