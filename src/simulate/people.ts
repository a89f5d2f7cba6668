/**
 * People as the workforce model sees them, and the synthetic census
 * (docs/simulate.md, "The synthetic census"). Every draw for a census person is keyed by
 * (seed, employee id, first plan year, decision), so person i is the same whatever else is
 * generated, in whichever partition, thread or shard.
 */

import { dayAttainingAge, jan1 } from '../schema/dates.js';
import { type Decimal, dec, divRoundHalfAway, ONE } from '../schema/decimal.js';
import type { AgeDistribution, WorkforceConfig } from './config.js';
import { D, type Draws, type StreamKey, streamKey } from './prng.js';

/** An election given in the census (pre_tax_rate / roth_rate columns), as micro-unit rates. */
export interface OpeningElection {
  preTax: Decimal;
  roth: Decimal;
}

export interface Person {
  employeeId: string;
  key: StreamKey;
  birthDay: number;
  hireDay: number;
  /** Annual compensation at the census date or at hire, micro-units. */
  compensation: Decimal;
  level: number;
  department: string;
  /**
   * The election in force at the start, from the census columns: `undefined` when the census has
   * no such columns (the model draws one), `null` when the row leaves them blank (no election).
   */
  opening: OpeningElection | null | undefined;
  /** Hired by the model during the simulated period (not in the census). */
  hiredBySimulation: boolean;
}

/** Synthetic census ids: E000001 … (wider when N needs more digits). */
export function censusId(index: number, count: number): string {
  return `E${String(index).padStart(Math.max(6, String(count).length), '0')}`;
}

/** A whole-years age from a clipped normal distribution. */
export function drawAge(
  a: AgeDistribution,
  draws: Draws,
  key: StreamKey,
  year: number,
  decision: number,
): number {
  const age = Math.round(a.mean + a.sd * draws.normal(key, year, decision));
  return Math.min(a.max, Math.max(a.min, age));
}

/** Birth day of someone who is `age` on `onDay` (the day within the year drawn uniformly). */
export function drawBirthDay(age: number, onDay: number, draws: Draws, key: StreamKey, year: number): number {
  const latest = dayAttainingAge(onDay, -age); // the birthday that makes them exactly `age` on `onDay`
  return latest - Math.floor(draws.uniform(key, year, D.birth, 9) * 365);
}

/**
 * Annual pay for a level: the level's base (scaled by `scale`, micro-units of 1) times a
 * log-normal spread, rounded to `round_to` (money stays bigint; only the random factor is a float).
 */
export function drawSalary(
  cfg: WorkforceConfig,
  level: number,
  scale: Decimal,
  draws: Draws,
  key: StreamKey,
  year: number,
): Decimal {
  const base = dec(cfg.compensation.base_by_level[level - 1]);
  const factor = BigInt(
    Math.round(Math.exp(cfg.compensation.spread * draws.normal(key, year, D.salary)) * 1e6),
  );
  const step = dec(cfg.compensation.round_to);
  const raw = divRoundHalfAway(base * scale * factor, ONE * ONE);
  const rounded = divRoundHalfAway(raw, step) * step;
  return rounded > 0n ? rounded : step;
}

/** The highest level plausible at an age: one level per three years of working life after 20. */
export function levelCapForAge(age: number): number {
  return Math.max(1, Math.min(10, 1 + Math.floor((age - 20) / 3)));
}

/** Synthetic census person `index` (1-based) of `count`, as of 1 January of `firstYear`. */
export function syntheticPerson(
  index: number,
  count: number,
  firstYear: number,
  cfg: WorkforceConfig,
  draws: Draws,
): Person {
  const employeeId = censusId(index, count);
  const key = streamKey(employeeId);
  const start = jan1(firstYear);
  const c = cfg.census;
  const age = drawAge(c.age, draws, key, firstYear, D.birth);
  const birthDay = drawBirthDay(age, start, draws, key, firstYear);
  // Tenure: exponential with the configured mean, at most `max` and never before age 18.
  const u = draws.uniform(key, firstYear, D.tenure);
  const years = Math.min(c.tenure_years.max, age - 18, -c.tenure_years.mean * Math.log(1 - u));
  const earliest = dayAttainingAge(birthDay, 18);
  const hireDay = Math.max(earliest, start - 1 - Math.floor(Math.max(0, years) * 365.25));
  const level = Math.min(levelCapForAge(age), 1 + draws.pick(c.level_weights, key, firstYear, D.level));
  const department =
    c.departments[
      draws.pick(
        c.departments.map((d) => d.weight),
        key,
        firstYear,
        D.department,
      )
    ].name;
  const compensation = drawSalary(cfg, level, ONE, draws, key, firstYear);
  return {
    employeeId,
    key,
    birthDay,
    hireDay,
    compensation,
    level,
    department,
    opening: undefined,
    hiredBySimulation: false,
  };
}
