/**
 * The workforce model of one partition (docs/simulate.md, "The workforce model"): year by year,
 * each person may leave (by level, tenure and age, with a reason), receive a merit increase and
 * a promotion, and change their election; then the partition hires up to its headcount target.
 * The output is the partition's people (census order, then hires by year and index) with their
 * decisions in date order: the engine's inputs (calculations.md, "Elections and auto-enrollment").
 *
 * The workforce decisions (hires, merits, promotions, terminations) never depend on the plan;
 * elections do (src/simulate/elections.ts). `simulateWorkforce` draws the first, so that a
 * comparison of plan designs draws them once and adds each design's elections to the same people.
 */

import type { PlanDesign } from '../engine/plan.js';
import { addMonths, dayAttainingAge, dayNumber, dec31, jan1, yearOf } from '../schema/dates.js';
import { type Decimal, dec, mulRoundCents, ONE } from '../schema/decimal.js';
import type { WorkforceConfig } from './config.js';
import { addElections } from './elections.js';
import { hireId } from './partition.js';
import { drawAge, drawBirthDay, drawSalary, levelCapForAge, type Person } from './people.js';
import { D, type Draws, partitionKey, streamKey } from './prng.js';

export type TerminationReason = 'voluntary' | 'involuntary' | 'retirement' | 'death' | 'disability';

export type Decision =
  | { kind: 'merit'; day: number; newCompensation: Decimal; rate: Decimal }
  | { kind: 'promotion'; day: number; newLevel: number; newCompensation: Decimal }
  | { kind: 'enrollment'; day: number; preTax: Decimal; roth: Decimal; afterTax: Decimal }
  | { kind: 'termination'; day: number; reason: TerminationReason; finalPayDay: number };

/** A person and what happened to them in the simulated years. */
export interface Track {
  person: Person;
  compensation: Decimal;
  level: number;
  termDay: number | null;
  termReason: TerminationReason | null;
  decisions: Decision[];
}

export interface PartitionInput {
  partition: number;
  /** The partition's census people, in census order. */
  people: Person[];
  years: [number, number];
  cfg: WorkforceConfig;
  draws: Draws;
  /** The last pay date on or before a day (for a termination's informational final_pay_date). */
  lastPayDay: (day: number) => number;
  /** The plan the elections respond to (match cap, auto-enrollment, IRS limits); none: plan-blind. */
  plan?: PlanDesign;
}

/** Contract order of decisions on one day (events.md, Order of events). */
const KIND_ORDER = { merit: 0, promotion: 1, enrollment: 2, termination: 3 } as const;

/** The partition's people with their workforce decisions and elections, in date order. */
export function simulatePartition(input: PartitionInput): Track[] {
  const tracks = simulateWorkforce(input);
  addElections(tracks, input);
  return tracks;
}

/** Hires, merits, promotions and terminations only: what every plan design shares. */
export function simulateWorkforce(input: PartitionInput): Track[] {
  const { cfg, years } = input;
  const [first, last] = years;
  const tracks: Track[] = input.people.map(newTrack);
  const openingHeadcount = tracks.filter((t) => t.person.hireDay <= jan1(first)).length;
  const model = new YearModel(input);
  for (let year = first; year <= last; year++) {
    for (const t of tracks)
      if (t.person.hireDay <= dec31(year) && t.termDay === null) model.personYear(t, year);
    let survivors = tracks.filter((t) => t.person.hireDay <= dec31(year) && t.termDay === null).length;
    // Hiring to the partition's target: opening headcount grown by growth_rate a year, rounded
    // stochastically (a keyed draw per partition and year) so that small partitions grow on
    // average too. Hires who leave within the year are replaced as well (docs/simulate.md).
    const exact = openingHeadcount * (1 + cfg.hiring.growth_rate) ** (year - first + 1);
    const target = Math.floor(exact + input.draws.uniform(partitionKey(input.partition), year, D.hireCount));
    const maxHires = 3 * Math.max(0, target - survivors) + 3;
    for (let index = 0; survivors < target && index < maxHires; index++) {
      const t = newTrack(model.hire(year, index));
      tracks.push(t);
      model.personYear(t, year);
      if (t.termDay === null) survivors++;
    }
  }
  for (const t of tracks) sortDecisions(t);
  return tracks;
}

function newTrack(person: Person): Track {
  return {
    person,
    compensation: person.compensation,
    level: person.level,
    termDay: null,
    termReason: null,
    decisions: [],
  };
}

/** Elections on or after the termination (or after the period) are dropped; then date order. */
export function finishDecisions(t: Track, lastDay: number): void {
  const end = t.termDay ?? lastDay + 1;
  t.decisions = t.decisions.filter((d) => d.kind !== 'enrollment' || d.day < end);
  sortDecisions(t);
}

function sortDecisions(t: Track): void {
  t.decisions.sort((a, b) => a.day - b.day || KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
}

/** Whole years of age on a day. */
export function ageOn(birthDay: number, day: number): number {
  let years = yearOf(day) - yearOf(birthDay);
  if (dayAttainingAge(birthDay, years) > day) years--;
  return years;
}

function monthDay(year: number, md: string): number {
  return dayNumber(year, Number(md.slice(0, 2)), Number(md.slice(3, 5)));
}

function bandValue(bands: { from_age: number; probability: number }[], age: number): number {
  let p = 0;
  for (const b of bands) if (age >= b.from_age) p = b.probability;
  return p;
}

/** One basis point in micro-units. */
export const BP = 100n;

class YearModel {
  private readonly cfg: WorkforceConfig;
  private readonly draws: Draws;
  private readonly first: number;

  constructor(private readonly input: PartitionInput) {
    this.cfg = input.cfg;
    this.draws = input.draws;
    this.first = input.years[0];
  }

  /** Everything that can happen to one person in one year. */
  personYear(t: Track, year: number): void {
    const p = t.person;
    const start = Math.max(jan1(year), p.hireDay);
    const end = dec31(year);
    this.terminate(t, year, start, end);
    this.merit(t, year);
    this.promotion(t, year);
  }

  private employedOn(t: Track, day: number): boolean {
    return t.person.hireDay <= day && (t.termDay === null || t.termDay > day);
  }

  private terminate(t: Track, year: number, start: number, end: number): void {
    const c = this.cfg.termination;
    const p = t.person;
    const age = ageOn(p.birthDay, start);
    const tenureYears = (start - p.hireDay) / 365.25;
    const mult = c.tenure_multipliers.find((m) => tenureYears < m.under_years)?.multiplier ?? 1;
    // Someone hired during the year is exposed only for the rest of it.
    const exposure = (end - start + 1) / (end - jan1(year) + 1);
    const death = bandValue(c.death_by_age, age) * exposure;
    const disability = c.disability * exposure;
    const retirement = bandValue(c.retirement_by_age, age) * exposure;
    const other = c.base_by_level[t.level - 1] * mult * exposure;
    const u = this.draws.uniform(p.key, year, D.termination);
    let reason: TerminationReason | null = null;
    if (u < death) reason = 'death';
    else if (u < death + disability) reason = 'disability';
    else if (u < death + disability + retirement) reason = 'retirement';
    else if (u < death + disability + retirement + other)
      reason = this.draws.chance(c.involuntary_share, p.key, year, D.terminationReason)
        ? 'involuntary'
        : 'voluntary';
    if (reason === null) return;
    const day = start + Math.floor(this.draws.uniform(p.key, year, D.terminationDay) * (end - start + 1));
    t.termDay = day;
    t.termReason = reason;
    t.decisions.push({
      kind: 'termination',
      day,
      reason,
      finalPayDay: Math.max(p.hireDay, this.input.lastPayDay(day)),
    });
  }

  private merit(t: Track, year: number): void {
    const m = this.cfg.merit;
    const day = monthDay(year, m.date);
    if (!this.employedOn(t, day) || addMonths(t.person.hireDay, m.min_service_months) > day) return;
    const z = this.draws.normal(t.person.key, year, D.merit);
    const bp = Math.round(Number(dec(m.mean) / BP) + Number(dec(m.sd) / BP) * z);
    const clamped = BigInt(Math.min(Number(dec(m.max) / BP), Math.max(Number(dec(m.min) / BP), bp)));
    if (clamped <= 0n) return; // no increase this year: no event
    const rate = clamped * BP;
    t.compensation = mulRoundCents(t.compensation, ONE + rate);
    t.decisions.push({ kind: 'merit', day, newCompensation: t.compensation, rate });
  }

  private promotion(t: Track, year: number): void {
    const c = this.cfg.promotion;
    const p = t.person;
    const day = monthDay(year, c.date);
    if (t.level >= 10 || !this.employedOn(t, day) || addMonths(p.hireDay, c.min_service_months) > day) return;
    if (!this.draws.chance(c.probability_by_level[t.level - 1], p.key, year, D.promotion)) return;
    const lo = Number(dec(c.raise_min) / BP);
    const hi = Number(dec(c.raise_max) / BP);
    const bp = BigInt(this.draws.intBetween(lo, hi, p.key, year, D.promotionRaise));
    t.level += 1;
    t.compensation = mulRoundCents(t.compensation, ONE + bp * BP);
    t.decisions.push({ kind: 'promotion', day, newLevel: t.level, newCompensation: t.compensation });
  }

  /** The `index`-th hire of this partition in `year`. */
  hire(year: number, index: number): Person {
    const cfg = this.cfg;
    const employeeId = hireId(this.input.partition, year, index);
    const key = streamKey(employeeId);
    const hireDay =
      jan1(year) + Math.floor(this.draws.uniform(key, year, D.hireDay) * (dec31(year) - jan1(year) + 1));
    const age = drawAge(cfg.hiring.age, this.draws, key, year, D.birth);
    const birthDay = drawBirthDay(age, hireDay, this.draws, key, year);
    const level = Math.min(
      levelCapForAge(age),
      1 + this.draws.pick(cfg.hiring.level_weights, key, year, D.level),
    );
    const deps = cfg.census.departments;
    const department =
      deps[
        this.draws.pick(
          deps.map((d) => d.weight),
          key,
          year,
          D.department,
        )
      ].name;
    // New-hire pay keeps pace with incumbents: the level bases grow by the mean merit each year.
    let scale = ONE;
    for (let y = this.first; y < year; y++) scale = mulRoundMicro(scale, ONE + dec(cfg.merit.mean));
    const compensation = drawSalary(cfg, level, scale, this.draws, key, year);
    return {
      employeeId,
      key,
      birthDay,
      hireDay,
      compensation,
      level,
      department,
      opening: undefined,
      hiredBySimulation: true,
    };
  }
}

/** a × b for two micro-unit factors, rounded to a micro-unit. */
function mulRoundMicro(a: Decimal, b: Decimal): Decimal {
  return (a * b + ONE / 2n) / ONE;
}
