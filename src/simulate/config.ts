/**
 * The workforce assumptions (config/workforce.json, documented in docs/simulate.md). A user
 * file given with `--config` is merged over the defaults (objects field by field, arrays
 * replaced whole) and the result is checked before any work; an error names the file and the
 * field. Probabilities and distribution shapes are plain numbers (they never become money);
 * salaries and rates that end up in events are decimal strings, parsed to exact bigints.
 */
import { readFileSync } from 'node:fs';
import { type Decimal, maxDec, parseDecimal } from '../schema/decimal.js';

export interface AgeDistribution {
  mean: number;
  sd: number;
  min: number;
  max: number;
}

export interface WorkforceConfig {
  census: {
    age: AgeDistribution;
    tenure_years: { mean: number; max: number };
    level_weights: number[];
    departments: { name: string; weight: number }[];
  };
  compensation: { base_by_level: string[]; spread: number; round_to: string };
  merit: { date: string; mean: string; sd: string; min: string; max: string; min_service_months: number };
  promotion: {
    date: string;
    probability_by_level: number[];
    raise_min: string;
    raise_max: string;
    min_service_months: number;
  };
  termination: {
    base_by_level: number[];
    tenure_multipliers: { under_years: number; multiplier: number }[];
    involuntary_share: number;
    retirement_by_age: { from_age: number; probability: number }[];
    death_by_age: { from_age: number; probability: number }[];
    disability: number;
  };
  hiring: { growth_rate: number; level_weights: number[]; age: AgeDistribution };
  elections: {
    opening: { own_election: number; declined: number };
    new_hire: {
      opt_out: number;
      own_election: number;
      days_after_hire_min: number;
      days_after_hire_max: number;
    };
    annual_change: number;
    rates: { rate: string; weight: number }[];
    roth: { probability: number; all_roth_share: number };
    after_tax: { probability: number; from_level: number; probability_from_level: number; rates: string[] };
    /** Drawn rates scaled by the factor of the highest pay band reached (rates rise with pay). */
    pay_factors: { bands: { from_pay: string; factor: number }[]; source: string };
    /** Share of voluntary elections made exactly at the match's cap. */
    match_cap: { share: number; source: string };
    /** Voluntary savers aged `from_age`+ electing up to 402(g) + catch-up, when at most `max_rate`. */
    catch_up: { probability: number; from_age: number; max_rate: string; source: string };
    /** Under automatic enrollment: the yearly chance of leaving the default without a choice made. */
    auto_default: { leave_per_year: number; source: string };
    /** The public source of each older default (opening, new_hire, annual_change, rates). */
    sources: Record<string, string>;
  };
}

/** A config problem: names the file, the field (JSON path) and the reason. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly file: string,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${file}: field ${field}: ${reason}`);
  }
}

export const DEFAULT_CONFIG_URL = new URL('../../config/workforce.json', import.meta.url);

/** The shipped defaults merged with an optional override file, validated. */
export function loadWorkforceConfig(overridePath?: string): WorkforceConfig {
  const defaultsFile = DEFAULT_CONFIG_URL.pathname;
  const defaults = readJson(defaultsFile);
  checkConfig(defaults, defaultsFile, true);
  if (overridePath === undefined) return defaults as WorkforceConfig;
  const override = readJson(overridePath);
  checkConfig(override, overridePath, false);
  const merged = mergeDeep(defaults, override);
  checkConfig(merged, overridePath, true);
  return merged as WorkforceConfig;
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, '/', `cannot read: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError(file, '/', `not valid JSON: ${(err as Error).message}`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Objects merge key by key; anything else (arrays included) is replaced by the override. */
export function mergeDeep(base: unknown, over: unknown): unknown {
  if (!isObject(base) || !isObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in base ? mergeDeep(base[k], v) : v;
  return out;
}

// ---- the checker: a small description of the shape, walked with the JSON path ----

type Check =
  | { t: 'prob' }
  | { t: 'num'; min: number; max: number; int?: boolean }
  | { t: 'money'; zero?: boolean }
  | { t: 'rate' }
  | { t: 'monthday' }
  | { t: 'id' }
  | { t: 'text' }
  | { t: 'map'; of: Check }
  | { t: 'arr'; of: Check; len?: number; min?: number }
  | { t: 'obj'; fields: Record<string, Check> };

const prob: Check = { t: 'prob' };
const num = (min: number, max: number, int = false): Check => ({ t: 'num', min, max, int });
const money: Check = { t: 'money' };
const rate: Check = { t: 'rate' };
const text: Check = { t: 'text' };
const obj = (fields: Record<string, Check>): Check => ({ t: 'obj', fields });
const arr = (of: Check, len?: number, min = 1): Check => ({ t: 'arr', of, len, min });
const weight = num(0, 1e9);
const age: Check = obj({
  mean: num(14, 100),
  sd: num(0, 50),
  min: num(14, 100, true),
  max: num(14, 100, true),
});
const byAge = arr(obj({ from_age: num(0, 120, true), probability: prob }));

const SHAPE: Check = obj({
  census: obj({
    age,
    tenure_years: obj({ mean: num(0, 60), max: num(0, 60) }),
    level_weights: arr(weight, 10),
    departments: arr(obj({ name: { t: 'id' }, weight })),
  }),
  compensation: obj({ base_by_level: arr(money, 10), spread: num(0, 2), round_to: money }),
  merit: obj({
    date: { t: 'monthday' },
    mean: rate,
    sd: rate,
    min: rate,
    max: rate,
    min_service_months: num(0, 600, true),
  }),
  promotion: obj({
    date: { t: 'monthday' },
    probability_by_level: arr(prob, 10),
    raise_min: rate,
    raise_max: rate,
    min_service_months: num(0, 600, true),
  }),
  termination: obj({
    base_by_level: arr(prob, 10),
    tenure_multipliers: arr(obj({ under_years: num(0, 1000), multiplier: num(0, 100) })),
    involuntary_share: prob,
    retirement_by_age: byAge,
    death_by_age: byAge,
    disability: prob,
  }),
  hiring: obj({ growth_rate: num(-0.5, 1), level_weights: arr(weight, 10), age }),
  elections: obj({
    opening: obj({ own_election: prob, declined: prob }),
    new_hire: obj({
      opt_out: prob,
      own_election: prob,
      days_after_hire_min: num(0, 366, true),
      days_after_hire_max: num(0, 366, true),
    }),
    annual_change: prob,
    rates: arr(obj({ rate, weight })),
    roth: obj({ probability: prob, all_roth_share: prob }),
    after_tax: obj({
      probability: prob,
      from_level: num(1, 11, true),
      probability_from_level: prob,
      rates: arr(rate),
    }),
    pay_factors: obj({
      bands: arr(obj({ from_pay: { t: 'money', zero: true }, factor: num(0, 10) })),
      source: text,
    }),
    match_cap: obj({ share: prob, source: text }),
    catch_up: obj({ probability: prob, from_age: num(50, 120, true), max_rate: rate, source: text }),
    auto_default: obj({ leave_per_year: prob, source: text }),
    sources: { t: 'map', of: text },
  }),
});

/**
 * Check a config value against the shape. `complete` demands every field (the merged result);
 * an override may leave fields out but never add unknown ones or give a wrong type.
 */
export function checkConfig(value: unknown, file: string, complete: boolean): void {
  walk(SHAPE, value, '', file, complete);
  if (complete) crossChecks(value as WorkforceConfig, file);
}

function walk(c: Check, v: unknown, path: string, file: string, complete: boolean): void {
  const fail = (reason: string): never => {
    throw new ConfigError(file, path || '/', reason);
  };
  switch (c.t) {
    case 'prob':
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1)
        fail(`expected a probability in [0, 1], found ${show(v)}`);
      return;
    case 'num':
      if (
        typeof v !== 'number' ||
        !Number.isFinite(v) ||
        v < c.min ||
        v > c.max ||
        (c.int && !Number.isInteger(v))
      )
        fail(`expected ${c.int ? 'an integer' : 'a number'} in [${c.min}, ${c.max}], found ${show(v)}`);
      return;
    case 'money':
      if (
        typeof v !== 'string' ||
        !/^[0-9]{1,12}(\.[0-9]{1,2})?$/.test(v) ||
        (parseDecimal(v) ?? 0n) < (c.zero ? 0n : 1n)
      )
        fail(`expected money ${c.zero ? '≥ 0' : '> 0'} as a decimal string (e.g. "58000"), found ${show(v)}`);
      return;
    case 'rate':
      if (
        typeof v !== 'string' ||
        !/^[0-9](\.[0-9]{1,4})?$/.test(v) ||
        (parseDecimal(v) ?? 2n * ONE_RATE) > ONE_RATE
      )
        fail(
          `expected a rate in [0, 1] as a decimal string with at most 4 places (e.g. "0.035"), found ${show(v)}`,
        );
      return;
    case 'monthday':
      if (typeof v !== 'string' || !/^(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])$/.test(v))
        fail(`expected a month-day "MM-DD" (day 01–28), found ${show(v)}`);
      return;
    case 'id':
      if (typeof v !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(v))
        fail(`expected a name of 1–64 letters, digits, '_', '.', '-', found ${show(v)}`);
      return;
    case 'text':
      if (typeof v !== 'string' || v.trim() === '') fail(`expected a non-empty text, found ${show(v)}`);
      return;
    case 'map':
      if (!isObject(v)) fail(`expected an object, found ${show(v)}`);
      for (const [k, x] of Object.entries(v as Record<string, unknown>))
        walk(c.of, x, `${path}/${k}`, file, true);
      return;
    case 'arr': {
      if (!Array.isArray(v)) fail(`expected an array, found ${show(v)}`);
      const a = v as unknown[];
      if (c.len !== undefined && a.length !== c.len)
        fail(`expected exactly ${c.len} entries (levels 1–10), found ${a.length}`);
      if (a.length < (c.min ?? 0)) fail('expected at least one entry');
      for (let i = 0; i < a.length; i++) walk(c.of, a[i], `${path}/${i}`, file, true);
      return;
    }
    case 'obj': {
      if (!isObject(v)) fail(`expected an object, found ${show(v)}`);
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o))
        if (!(k in c.fields)) throw new ConfigError(file, `${path}/${k}`, 'unknown field');
      for (const [k, sub] of Object.entries(c.fields)) {
        if (k in o) walk(sub, o[k], `${path}/${k}`, file, complete);
        else if (complete) throw new ConfigError(file, `${path}/${k}`, 'missing field');
      }
      return;
    }
  }
}

const ONE_RATE = 1_000_000n;

function show(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Rules between fields that the shape alone cannot state. */
function crossChecks(c: WorkforceConfig, file: string): void {
  const fail = (field: string, reason: string): never => {
    throw new ConfigError(file, field, reason);
  };
  for (const [name, a] of [
    ['/census/age', c.census.age],
    ['/hiring/age', c.hiring.age],
  ] as const) {
    if (a.min > a.max) fail(`${name}/min`, `min ${a.min} is above max ${a.max}`);
  }
  if (rateOf(c.merit.min) > rateOf(c.merit.max)) fail('/merit/min', 'min is above max');
  if (rateOf(c.promotion.raise_min) > rateOf(c.promotion.raise_max))
    fail('/promotion/raise_min', 'above raise_max');
  const nh = c.elections.new_hire;
  if (nh.days_after_hire_min > nh.days_after_hire_max)
    fail('/elections/new_hire/days_after_hire_min', 'above days_after_hire_max');
  if (nh.opt_out + nh.own_election > 1)
    fail('/elections/new_hire/opt_out', 'opt_out + own_election exceed 1');
  const op = c.elections.opening;
  if (op.own_election + op.declined > 1)
    fail('/elections/opening/own_election', 'own_election + declined exceed 1');
  if (c.census.level_weights.every((w) => w === 0)) fail('/census/level_weights', 'all weights are 0');
  if (c.hiring.level_weights.every((w) => w === 0)) fail('/hiring/level_weights', 'all weights are 0');
  const names = new Set<string>();
  c.census.departments.forEach((d, i) => {
    if (names.has(d.name)) fail(`/census/departments/${i}/name`, `duplicate department ${d.name}`);
    names.add(d.name);
  });
  const ascending = (
    list: { from_age?: number; under_years?: number }[],
    field: string,
    key: 'from_age' | 'under_years',
  ) => {
    for (let i = 1; i < list.length; i++)
      if ((list[i][key] as number) <= (list[i - 1][key] as number))
        fail(`${field}/${i}/${key}`, `must rise (after ${list[i - 1][key]})`);
  };
  ascending(c.termination.tenure_multipliers, '/termination/tenure_multipliers', 'under_years');
  ascending(c.termination.retirement_by_age, '/termination/retirement_by_age', 'from_age');
  ascending(c.termination.death_by_age, '/termination/death_by_age', 'from_age');
  // The separation probabilities of one person-year are drawn from one uniform, so they must fit in 1.
  const worst =
    Math.max(...c.termination.base_by_level) *
      Math.max(...c.termination.tenure_multipliers.map((m) => m.multiplier)) +
    Math.max(0, ...c.termination.retirement_by_age.map((r) => r.probability)) +
    Math.max(0, ...c.termination.death_by_age.map((r) => r.probability)) +
    c.termination.disability;
  if (worst > 1)
    fail('/termination/base_by_level', `separation probabilities can sum to ${worst.toFixed(3)} > 1`);
  const bands = c.elections.pay_factors.bands;
  for (let i = 1; i < bands.length; i++)
    if (rateOf(bands[i].from_pay) <= rateOf(bands[i - 1].from_pay))
      fail(`/elections/pay_factors/bands/${i}/from_pay`, `must rise (after ${bands[i - 1].from_pay})`);
  if (rateOf(c.elections.catch_up.max_rate) + maxRate(c.elections.after_tax.rates) > ONE_RATE)
    fail('/elections/catch_up/max_rate', 'with the largest after-tax rate the election would exceed 1');
  c.elections.rates.forEach((r, i) => {
    if (rateOf(r.rate) + maxRate(c.elections.after_tax.rates) > ONE_RATE)
      fail(`/elections/rates/${i}/rate`, 'with the largest after-tax rate the election would exceed 1');
  });
}

function rateOf(text: string): Decimal {
  return parseDecimal(text) as Decimal;
}

function maxRate(list: string[]): Decimal {
  return list.reduce((m, r) => maxDec(m, rateOf(r)), 0n);
}
