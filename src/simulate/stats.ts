/**
 * The closing summary of a simulation: per year headcount, hires, terminations, participation,
 * contributions by source, employer cost, HCE count and forfeitures; events by kind. Workers
 * accumulate it per partition (money as exact bigint micro-units) and the main thread merges.
 */

import { EMPLOYEE_SOURCES, EMPLOYER_SOURCES } from '../figures/sources.js';
import {
  CONTRIBUTION_SOURCES,
  type ContributionSource,
  EVENT_TYPES,
  type SimulationEvent,
} from '../schema/contract.js';
import { dec31, toDay } from '../schema/dates.js';
import { type Decimal, formatDecimal } from '../schema/decimal.js';
import { scaledOf } from '../store/row-batch.js';
import type { Track } from './workforce.js';

export interface YearStats {
  year: number;
  /** Employed on 31 December: not terminated on or before it (src/figures, the one definition). */
  headcount: number;
  hires: number;
  terminations: number;
  /** Employed on 31 December and eligible by then. */
  eligible: number;
  /** Of those eligible: with an employee contribution (any source) during the year. */
  participating: number;
  hce: number;
  contributions: Record<ContributionSource, Decimal>;
  forfeitures: Decimal;
}

export interface Stats {
  people: number;
  events: number;
  byKind: Record<string, number>;
  years: YearStats[];
}

const EMPLOYEE: ReadonlySet<string> = new Set(EMPLOYEE_SOURCES);

export function emptyStats(years: [number, number]): Stats {
  const out: YearStats[] = [];
  for (let y = years[0]; y <= years[1]; y++) {
    out.push({
      year: y,
      headcount: 0,
      hires: 0,
      terminations: 0,
      eligible: 0,
      participating: 0,
      hce: 0,
      contributions: Object.fromEntries(CONTRIBUTION_SOURCES.map((s) => [s, 0n])) as Record<
        ContributionSource,
        Decimal
      >,
      forfeitures: 0n,
    });
  }
  return { people: 0, events: 0, byKind: Object.fromEntries(EVENT_TYPES.map((k) => [k, 0])), years: out };
}

/** Add one person's track and events to the partition's figures. */
export function addPerson(stats: Stats, t: Track, events: readonly SimulationEvent[]): void {
  const first = stats.years[0].year;
  const last = stats.years[stats.years.length - 1].year;
  stats.people++;
  stats.events += events.length;
  let eligibleDay = Number.POSITIVE_INFINITY;
  const contributed = new Set<number>();
  for (const e of events) {
    const p = e.payload;
    stats.byKind[p.event_type]++;
    const year = Number(e.effective_date.slice(0, 4));
    const ys = stats.years[year - first];
    if (ys === undefined) continue;
    switch (p.event_type) {
      case 'contribution':
        ys.contributions[p.source] += scaledOf(p.amount, 6);
        if (EMPLOYEE.has(p.source)) contributed.add(year);
        break;
      case 'forfeiture':
        ys.forfeitures += scaledOf(p.amount, 6);
        break;
      case 'hce_status':
        if (p.is_hce) ys.hce++;
        break;
      case 'eligibility':
        if (p.eligible && eligibleDay === Number.POSITIVE_INFINITY) eligibleDay = toDay(e.effective_date);
        break;
    }
  }
  const hire = t.person.hireDay;
  for (let y = first; y <= last; y++) {
    const ys = stats.years[y - first];
    const end = dec31(y);
    if (hire > dec31(y - 1) && hire <= end) ys.hires++;
    if (t.termDay !== null && t.termDay > dec31(y - 1) && t.termDay <= end) ys.terminations++;
    const employed = hire <= end && (t.termDay === null || t.termDay > end);
    if (!employed) continue;
    ys.headcount++;
    if (eligibleDay <= end) {
      ys.eligible++;
      if (contributed.has(y)) ys.participating++;
    }
  }
}

export function mergeStats(into: Stats, from: Stats): void {
  into.people += from.people;
  into.events += from.events;
  for (const [k, n] of Object.entries(from.byKind)) into.byKind[k] = (into.byKind[k] ?? 0) + n;
  from.years.forEach((f, i) => {
    const t = into.years[i];
    t.headcount += f.headcount;
    t.hires += f.hires;
    t.terminations += f.terminations;
    t.eligible += f.eligible;
    t.participating += f.participating;
    t.hce += f.hce;
    t.forfeitures += f.forfeitures;
    for (const s of CONTRIBUTION_SOURCES) t.contributions[s] += f.contributions[s];
  });
}

export function employerContributions(y: YearStats): Decimal {
  return EMPLOYER_SOURCES.reduce((sum, s) => sum + y.contributions[s], 0n);
}

/** The summary as JSON: money as decimal strings, rates with 4 places. */
export function statsJson(s: Stats) {
  return {
    people: s.people,
    events: s.events,
    events_by_kind: s.byKind,
    years: s.years.map((y) => ({
      year: y.year,
      headcount: y.headcount,
      hires: y.hires,
      terminations: y.terminations,
      eligible: y.eligible,
      participating: y.participating,
      participation_rate: y.eligible === 0 ? '0' : (y.participating / y.eligible).toFixed(4),
      hce_count: y.hce,
      contributions: Object.fromEntries(
        CONTRIBUTION_SOURCES.map((c) => [c, formatDecimal(y.contributions[c])]),
      ),
      employer_contributions: formatDecimal(employerContributions(y)),
      forfeitures: formatDecimal(y.forfeitures),
      employer_cost: formatDecimal(employerContributions(y) - y.forfeitures),
    })),
  };
}
