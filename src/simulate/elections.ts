/**
 * Elections of the workforce model (docs/simulate.md, "Elections"): who elects, when, and at
 * what rate. Unlike the workforce decisions they respond to the plan and to pay:
 * - the drawn rate is scaled by a factor of the person's pay band (deferral rates rise with pay);
 * - a share of voluntary savers elect exactly the rate that earns the full match (the match's
 *   cap), so moving the cap moves them;
 * - savers aged 50 or more may elect enough to reach the 402(g) limit plus catch-up;
 * - under automatic enrollment, people who made no election of their own stay at the default,
 *   leaving it at a yearly rate (in a plan without it, they join at the ordinary yearly rate).
 * Every draw is keyed by person, year and decision (src/simulate/prng.ts), so elections are the
 * same for any worker count or shard, and the workforce draws are untouched by them.
 */

import type { PlanDesign } from '../engine/plan.js';
import { dec31, jan1, yearOf } from '../schema/dates.js';
import { type Decimal, dec, maxDec, ONE } from '../schema/decimal.js';
import type { WorkforceConfig } from './config.js';
import { D, type Draws, type StreamKey } from './prng.js';
import { ageOn, BP, finishDecisions, type PartitionInput, type Track } from './workforce.js';

/** One percent in micro-units. */
const PERCENT = 10_000n;

/** The smallest deferral rate that earns the whole match: the highest `up_to` of a matching tier. */
export function matchCap(plan: PlanDesign | undefined): Decimal {
  let cap = 0n;
  for (const t of plan?.match.tiers ?? []) if (t.rate > 0n && t.upTo > cap) cap = t.upTo;
  return cap;
}

/** Add each person's elections under the input's plan, then drop those after leaving and sort. */
export function addElections(tracks: Track[], input: PartitionInput): void {
  const model = new ElectionModel(input);
  for (const t of tracks) {
    model.personElections(t);
    finishDecisions(t, dec31(input.years[1]));
    finalPayDays(t, input.lastPayDay);
  }
}

/** A termination's final pay date is the plan's last pay date on or before it (its payroll). */
function finalPayDays(t: Track, lastPayDay: (day: number) => number): void {
  for (const d of t.decisions)
    if (d.kind === 'termination') d.finalPayDay = Math.max(t.person.hireDay, lastPayDay(d.day));
}

class ElectionModel {
  private readonly e: WorkforceConfig['elections'];
  private readonly draws: Draws;
  private readonly first: number;
  private readonly last: number;
  private readonly rates: Decimal[];
  private readonly rateWeights: number[];
  private readonly maxRate: Decimal;
  private readonly cap: Decimal;
  private readonly autoEnrolls: boolean;

  constructor(private readonly input: PartitionInput) {
    this.e = input.cfg.elections;
    this.draws = input.draws;
    [this.first, this.last] = input.years;
    this.rates = this.e.rates.map((r) => dec(r.rate));
    this.rateWeights = this.e.rates.map((r) => r.weight);
    this.maxRate = this.rates.reduce(maxDec, 0n);
    this.cap = matchCap(input.plan);
    this.autoEnrolls = input.plan?.autoEnrollment.enabled ?? false;
  }

  /** Opening elections, new-hire choices within the opt-out window, and occasional changes later. */
  personElections(t: Track): void {
    const p = t.person;
    const lastYear = t.termDay === null ? this.last : Math.min(this.last, yearOf(t.termDay));
    let own = false; // made an election of their own (an opt-out included)
    for (let year = Math.max(this.first, yearOf(p.hireDay)); year <= lastYear; year++) {
      const start = Math.max(jan1(year), p.hireDay);
      const end = dec31(year);
      const u = this.draws.uniform(p.key, year, D.election);
      if (year === this.first && p.hireDay < jan1(this.first)) own = this.opening(t, u);
      else if (p.hireDay >= jan1(year)) own = this.newHire(t, year, u);
      else if (end > start) {
        // Someone left at the automatic default leaves it at the observed yearly rate.
        const change = !own && this.autoEnrolls ? this.e.auto_default.leave_per_year : this.e.annual_change;
        if (u >= change) continue;
        const day = this.draws.intBetween(start + 1, end, p.key, year, D.electionDay);
        if (this.draws.chance(this.e.new_hire.opt_out, p.key, year, D.electionChange))
          this.elect(t, day, 0n, 0n, 0n);
        else this.electDrawn(t, year, day, 1);
        own = true;
      }
    }
  }

  /** The census's own elections on the first day, or drawn ones; true when the person chose. */
  private opening(t: Track, u: number): boolean {
    const p = t.person;
    const firstDay = jan1(this.first);
    const o = this.e.opening;
    if (p.opening === null) return false;
    if (p.opening !== undefined) {
      this.elect(t, firstDay, p.opening.preTax, p.opening.roth, 0n);
      return true;
    }
    if (u < o.own_election) this.electDrawn(t, this.first, firstDay, 0);
    else if (u < o.own_election + o.declined) this.elect(t, firstDay, 0n, 0n, 0n);
    else return false;
    return true;
  }

  /** A hire's choice within the opt-out window (census people hired in the period elect their rates). */
  private newHire(t: Track, year: number, u: number): boolean {
    const p = t.person;
    if (p.opening === null) return false;
    if (p.opening !== undefined) {
      this.elect(t, p.hireDay, p.opening.preTax, p.opening.roth, 0n);
      return true;
    }
    const nh = this.e.new_hire;
    const day =
      p.hireDay +
      this.draws.intBetween(nh.days_after_hire_min, nh.days_after_hire_max, p.key, year, D.electionDay);
    if (day > dec31(this.last)) return false;
    if (u < nh.opt_out) this.elect(t, day, 0n, 0n, 0n);
    else if (u < nh.opt_out + nh.own_election) this.electDrawn(t, year, day, 0);
    else return false;
    return true;
  }

  private electDrawn(t: Track, year: number, day: number, counter: number): void {
    const key: StreamKey = t.person.key;
    const rate = this.drawnRate(t, year, day, counter);
    let preTax = rate;
    let roth = 0n;
    if (this.draws.chance(this.e.roth.probability, key, year, D.electionRoth, 2 * counter)) {
      // All Roth, or an even split rounded down to a basis point for Roth.
      roth = this.draws.chance(this.e.roth.all_roth_share, key, year, D.electionRoth, 2 * counter + 1)
        ? rate
        : (rate / 2n / BP) * BP;
      preTax = rate - roth;
    }
    const at = this.e.after_tax;
    const level = levelOn(t, day);
    const pAfter = level >= at.from_level ? at.probability_from_level : at.probability;
    let afterTax = 0n;
    if (this.draws.chance(pAfter, key, year, D.electionAfterTax, 2 * counter))
      afterTax = dec(
        at.rates[
          this.draws.intBetween(0, at.rates.length - 1, key, year, D.electionAfterTax, 2 * counter + 1)
        ],
      );
    this.elect(t, day, preTax, roth, afterTax);
  }

  /**
   * The deferral rate (pre-tax + Roth) of a voluntary election: a draw from `rates` scaled by the
   * pay band's factor (whole percents), or the match's cap, or enough for catch-up at 50+.
   */
  private drawnRate(t: Track, year: number, day: number, counter: number): Decimal {
    const key = t.person.key;
    const pay = payOn(t, day);
    const base = this.rates[this.draws.pick(this.rateWeights, key, year, D.electionRate, counter)];
    let rate = scaleRate(base, payFactor(this.e.pay_factors.bands, pay), this.maxRate);
    if (this.cap > 0n && this.draws.chance(this.e.match_cap.share, key, year, D.electionMatchCap, counter))
      rate = this.cap;
    const cu = this.e.catch_up;
    if (
      ageOn(t.person.birthDay, dec31(year)) >= cu.from_age &&
      this.draws.chance(cu.probability, key, year, D.electionCatchUp, counter)
    ) {
      const needed = catchUpRate(this.input.plan, year, ageOn(t.person.birthDay, dec31(year)), pay);
      if (needed !== null && needed <= dec(cu.max_rate) && needed > rate) rate = needed;
    }
    return rate;
  }

  private elect(t: Track, day: number, preTax: Decimal, roth: Decimal, afterTax: Decimal): void {
    t.decisions.push({ kind: 'enrollment', day, preTax, roth, afterTax });
  }
}

/** Annual pay in effect on a day: the census or hire pay, then merits and promotions up to it. */
export function payOn(t: Track, day: number): Decimal {
  let pay = t.person.compensation;
  for (const d of t.decisions) {
    if (d.day > day) break;
    if (d.kind === 'merit' || d.kind === 'promotion') pay = d.newCompensation;
  }
  return pay;
}

function levelOn(t: Track, day: number): number {
  let level = t.person.level;
  for (const d of t.decisions) {
    if (d.day > day) break;
    if (d.kind === 'promotion') level = d.newLevel;
  }
  return level;
}

/** The factor of the highest band whose `from_pay` the pay reaches. */
export function payFactor(bands: readonly { from_pay: string; factor: number }[], pay: Decimal): number {
  let f = 1;
  for (const b of bands) if (pay >= dec(b.from_pay)) f = b.factor;
  return f;
}

/** rate × factor rounded to a whole percent, at least 1% and at most `max`. */
function scaleRate(rate: Decimal, factor: number, max: Decimal): Decimal {
  const percents = BigInt(Math.round((Number(rate) * factor) / Number(PERCENT)));
  const scaled = percents * PERCENT;
  return scaled < PERCENT ? PERCENT : scaled > max ? max : scaled;
}

/**
 * The whole-percent deferral rate at which a year's pay reaches the 402(g) limit plus the
 * catch-up limit of the person's age (calculations.md, Deferrals and limits, step 4); null when
 * the plan gives no limits for the year.
 */
function catchUpRate(plan: PlanDesign | undefined, year: number, age: number, pay: Decimal): Decimal | null {
  const l = plan?.irsLimits.get(year);
  if (l === undefined || pay <= 0n) return null;
  const catchUp = age >= 60 && age <= 63 && l.catchUp6063 !== null ? l.catchUp6063 : l.catchUp;
  const target = l.deferral402g + catchUp;
  const percents = (target * 100n + pay - 1n) / pay; // ceil(target / pay × 100)
  return percents * PERCENT > ONE ? ONE : percents * PERCENT;
}
