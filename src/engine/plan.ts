/**
 * The plan design (golden.md, "Plan design"): parsed and checked field by field.
 * Unknown fields and impossible values are rejected with a PlanError naming the file and field.
 * Money and rates become bigint micro-units (src/schema/decimal.ts).
 */

import { checkSafeHarbor } from '../ndt/safe-harbor.js';
import { isValidDate, toDay } from '../schema/dates.js';
import { type Decimal, ONE, parseDecimal } from '../schema/decimal.js';
import { PlanError } from './errors.js';
import { IRS_LIMITS } from './irs-limits.js';

export const FREQUENCIES = ['weekly', 'biweekly', 'semimonthly', 'monthly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];
export const ENTRY_SCHEDULES = ['immediate', 'monthly', 'quarterly'] as const;
export type EntrySchedule = (typeof ENTRY_SCHEDULES)[number];
export const VESTING_SCHEDULES = ['immediate', 'cliff', 'graded'] as const;
export type VestingSchedule = (typeof VESTING_SCHEDULES)[number];
export const SAFE_HARBORS = ['match', 'nonelective'] as const;
export type SafeHarbor = (typeof SAFE_HARBORS)[number];
export const NDT_METHODS = ['current_year', 'prior_year'] as const;
export type NdtMethod = (typeof NDT_METHODS)[number];

/** One year's IRS limits in micro-units. `catchUp6063` null: no separate 60–63 figure that year. */
export interface IrsLimits {
  deferral402g: Decimal;
  catchUp: Decimal;
  catchUp6063: Decimal | null;
  additions415c: Decimal;
  comp401a17: Decimal;
  hce: Decimal;
  /** SECURE 2.0 §603 prior-year wage figure; null: the Roth catch-up rule is not in force. */
  rothCatchUpWages: Decimal | null;
}

export interface MatchTier {
  rate: Decimal;
  upTo: Decimal;
}

export interface PlanDesign {
  planId: string;
  payroll: {
    frequency: Frequency;
    /** ISO date; required for weekly and biweekly, ignored otherwise. */
    anchorPayDate: string | null;
    depositLagDays: number;
  };
  eligibility: { minAge: number; serviceMonths: number; entry: EntrySchedule };
  autoEnrollment: {
    enabled: boolean;
    defaultRate: Decimal;
    optOutDays: number;
    escalation: { step: Decimal; cap: Decimal } | null;
  };
  match: { tiers: MatchTier[]; trueUp: boolean };
  nonelective: { rate: Decimal };
  vesting: { schedule: VestingSchedule; cliffYears: number; graded: Decimal[] };
  /** nondiscrimination.md, Safe harbor: null when the plan claims none. */
  safeHarbor: SafeHarbor | null;
  /** nondiscrimination.md, The ratios: the ADP/ACP testing method (default current_year). */
  nondiscrimination: { method: NdtMethod };
  /** The built-in table merged with the plan's `irs_limits`, by year. */
  irsLimits: ReadonlyMap<number, IrsLimits>;
}

type Obj = Record<string, unknown>;

/** Field-by-field reader that throws PlanError with the full field path. */
class Reader {
  constructor(readonly file: string) {}

  fail(field: string, reason: string): never {
    throw new PlanError(this.file, field, reason);
  }

  object(v: unknown, field: string, allowed: readonly string[]): Obj {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      this.fail(field, `expected an object, found ${show(v)}`);
    for (const k of Object.keys(v as Obj)) {
      if (!allowed.includes(k)) this.fail(join(field, k), `unknown field (allowed: ${allowed.join(', ')})`);
    }
    return v as Obj;
  }

  required(o: Obj, field: string, key: string): unknown {
    if (!(key in o) || o[key] === undefined) this.fail(join(field, key), 'required field is missing');
    return o[key];
  }

  id(v: unknown, field: string): string {
    if (
      typeof v !== 'string' ||
      v.length === 0 ||
      v.length > 128 ||
      v.trim() !== v ||
      /[\u0000-\u001f\u007f]/.test(v)
    )
      this.fail(field, `expected an id (1–128 characters, no surrounding spaces), found ${show(v)}`);
    return v;
  }

  bool(v: unknown, field: string): boolean {
    if (typeof v !== 'boolean') this.fail(field, `expected true or false, found ${show(v)}`);
    return v;
  }

  int(v: unknown, field: string, min: number, max: number): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
      this.fail(field, `expected a whole number from ${min} to ${max}, found ${show(v)}`);
    return v;
  }

  oneOf<T extends string>(v: unknown, field: string, values: readonly T[]): T {
    if (typeof v !== 'string' || !values.includes(v as T))
      this.fail(field, `expected one of ${values.join(', ')}, found ${show(v)}`);
    return v as T;
  }

  /** A rate: decimal string in [0, 1], at most 4 places (events.md, Wire format). */
  rate(v: unknown, field: string): Decimal {
    const d = typeof v === 'string' ? parseDecimal(v, 4) : undefined;
    if (d === undefined)
      this.fail(field, `expected a rate as a decimal string with at most 4 places, found ${show(v)}`);
    if (d < 0n || d > ONE) this.fail(field, `a rate must be between 0 and 1, found ${show(v)}`);
    return d;
  }

  /** Money > 0 as a decimal string with at most 2 places. */
  money(v: unknown, field: string): Decimal {
    const d = typeof v === 'string' ? parseDecimal(v, 2) : undefined;
    if (d === undefined || d <= 0n)
      this.fail(field, `expected a positive amount as a decimal string (at most 2 places), found ${show(v)}`);
    return d;
  }

  date(v: unknown, field: string): string {
    if (typeof v !== 'string' || !isValidDate(v))
      this.fail(field, `expected a date YYYY-MM-DD, found ${show(v)}`);
    return v;
  }
}

function join(field: string, key: string): string {
  return field === '' ? key : `${field}.${key}`;
}

function show(v: unknown): string {
  const s = v === undefined ? 'nothing' : JSON.stringify(v);
  return s.length > 80 ? s.slice(0, 77) + '...' : s;
}

/**
 * Parse and check a plan design. `file` names where it came from (for errors); `prefix` is the
 * field path of the plan object inside that file (e.g. "plan" in a golden case.json).
 * With `years`, also checks that IRS limits exist for every simulated year and each year's
 * HCE look-back year (calculations.md, HCE).
 */
export function parsePlan(
  json: unknown,
  file: string,
  opts: { prefix?: string; years?: [number, number] } = {},
): PlanDesign {
  const r: Reader = new Reader(file);
  const p = opts.prefix ?? '';
  const o = r.object(json, p, [
    'plan_id',
    'payroll',
    'eligibility',
    'auto_enrollment',
    'match',
    'nonelective',
    'vesting',
    'irs_limits',
    'safe_harbor',
    'nondiscrimination',
  ]);
  const planId = r.id(r.required(o, p, 'plan_id'), join(p, 'plan_id'));

  const fPay = join(p, 'payroll');
  const pay = r.object(r.required(o, p, 'payroll'), fPay, [
    'frequency',
    'anchor_pay_date',
    'deposit_lag_days',
  ]);
  const frequency = r.oneOf(r.required(pay, fPay, 'frequency'), join(fPay, 'frequency'), FREQUENCIES);
  let anchorPayDate: string | null = null;
  if (pay.anchor_pay_date !== undefined && pay.anchor_pay_date !== null)
    anchorPayDate = r.date(pay.anchor_pay_date, join(fPay, 'anchor_pay_date'));
  if ((frequency === 'weekly' || frequency === 'biweekly') && anchorPayDate === null)
    r.fail(join(fPay, 'anchor_pay_date'), `required for ${frequency} payroll (pay dates step from it)`);
  const depositLagDays =
    pay.deposit_lag_days === undefined
      ? 2
      : r.int(pay.deposit_lag_days, join(fPay, 'deposit_lag_days'), 0, 365);

  const fEl = join(p, 'eligibility');
  const el = r.object(r.required(o, p, 'eligibility'), fEl, ['min_age', 'service_months', 'entry']);
  const eligibility = {
    minAge: r.int(r.required(el, fEl, 'min_age'), join(fEl, 'min_age'), 0, 100),
    serviceMonths: r.int(r.required(el, fEl, 'service_months'), join(fEl, 'service_months'), 0, 1200),
    entry: r.oneOf(r.required(el, fEl, 'entry'), join(fEl, 'entry'), ENTRY_SCHEDULES),
  };

  const fAe = join(p, 'auto_enrollment');
  const ae = r.object(r.required(o, p, 'auto_enrollment'), fAe, [
    'enabled',
    'default_rate',
    'opt_out_days',
    'escalation',
  ]);
  const enabled = r.bool(r.required(ae, fAe, 'enabled'), join(fAe, 'enabled'));
  const defaultRate =
    enabled || ae.default_rate !== undefined
      ? r.rate(r.required(ae, fAe, 'default_rate'), join(fAe, 'default_rate'))
      : 0n;
  const optOutDays =
    ae.opt_out_days === undefined ? 90 : r.int(ae.opt_out_days, join(fAe, 'opt_out_days'), 0, 3660);
  let escalation: { step: Decimal; cap: Decimal } | null = null;
  if (ae.escalation !== undefined && ae.escalation !== null) {
    const fEs = join(fAe, 'escalation');
    const es = r.object(ae.escalation, fEs, ['step', 'cap']);
    const step = r.rate(r.required(es, fEs, 'step'), join(fEs, 'step'));
    const cap = r.rate(r.required(es, fEs, 'cap'), join(fEs, 'cap'));
    if (step === 0n) r.fail(join(fEs, 'step'), 'an escalation step must be above 0');
    if (cap < defaultRate)
      r.fail(join(fEs, 'cap'), 'the escalation cap is below auto_enrollment.default_rate');
    escalation = { step, cap };
  }

  // golden.md: `match` may be left out (no match, no true-up).
  const fM = join(p, 'match');
  const m = r.object(o.match === undefined ? { tiers: [] } : o.match, fM, ['tiers', 'true_up']);
  const tiersRaw = r.required(m, fM, 'tiers');
  if (!Array.isArray(tiersRaw))
    r.fail(join(fM, 'tiers'), `expected a list of {rate, up_to}, found ${show(tiersRaw)}`);
  const tiers: MatchTier[] = [];
  tiersRaw.forEach((t, i) => {
    const fT = `${join(fM, 'tiers')}[${i}]`;
    const to = r.object(t, fT, ['rate', 'up_to']);
    const rate = r.rate(r.required(to, fT, 'rate'), join(fT, 'rate'));
    const upTo = r.rate(r.required(to, fT, 'up_to'), join(fT, 'up_to'));
    const prev = i === 0 ? 0n : tiers[i - 1].upTo;
    if (upTo <= prev)
      r.fail(join(fT, 'up_to'), 'tiers must have rising up_to, each above the previous one (and above 0)');
    tiers.push({ rate, upTo });
  });
  const trueUp = m.true_up === undefined ? false : r.bool(m.true_up, join(fM, 'true_up'));

  let neRate = 0n;
  if (o.nonelective !== undefined) {
    const fN = join(p, 'nonelective');
    const ne = r.object(o.nonelective, fN, ['rate']);
    neRate = r.rate(r.required(ne, fN, 'rate'), join(fN, 'rate'));
  }

  const fV = join(p, 'vesting');
  const vRaw = r.required(o, p, 'vesting');
  const schedule = r.oneOf(
    r.required(r.object(vRaw, fV, ['schedule', 'cliff_years', 'graded']), fV, 'schedule'),
    join(fV, 'schedule'),
    VESTING_SCHEDULES,
  );
  const v = r.object(
    vRaw,
    fV,
    schedule === 'cliff'
      ? ['schedule', 'cliff_years']
      : schedule === 'graded'
        ? ['schedule', 'graded']
        : ['schedule'],
  );
  let cliffYears = 0;
  const graded: Decimal[] = [];
  if (schedule === 'cliff')
    cliffYears = r.int(r.required(v, fV, 'cliff_years'), join(fV, 'cliff_years'), 1, 50);
  if (schedule === 'graded') {
    const g = r.required(v, fV, 'graded');
    if (!Array.isArray(g) || g.length === 0)
      r.fail(join(fV, 'graded'), 'expected a non-empty list of vested fractions');
    g.forEach((x, i) => {
      const f = r.rate(x, `${join(fV, 'graded')}[${i}]`);
      if (i > 0 && f < graded[i - 1])
        r.fail(`${join(fV, 'graded')}[${i}]`, 'vested fractions may not fall as service grows');
      graded.push(f);
    });
  }

  const irsLimits = new Map<number, IrsLimits>();
  for (const [year, lim] of Object.entries(IRS_LIMITS))
    irsLimits.set(Number(year), limitsFrom(r, lim, `irs-limits.ts ${year}`));
  if (o.irs_limits !== undefined) {
    const fL = join(p, 'irs_limits');
    const lims = r.object(o.irs_limits, fL, Object.keys(o.irs_limits as Obj));
    for (const [year, lim] of Object.entries(lims)) {
      if (!/^[0-9]{4}$/.test(year)) r.fail(join(fL, year), 'expected a four-digit year as the key');
      irsLimits.set(Number(year), limitsFrom(r, lim, join(fL, year)));
    }
  }

  const plan: PlanDesign = {
    planId,
    payroll: { frequency, anchorPayDate, depositLagDays },
    eligibility,
    autoEnrollment: { enabled, defaultRate, optOutDays, escalation },
    match: { tiers, trueUp },
    nonelective: { rate: neRate },
    vesting: { schedule, cliffYears, graded },
    ...nondiscriminationOf(r, o, p, tiers, neRate),
    irsLimits,
  };
  if (opts.years) checkYears(plan, opts.years, file, join(p, 'irs_limits'));
  return plan;
}

/**
 * `safe_harbor` and `nondiscrimination.method` (nondiscrimination.md). A safe-harbor claim the
 * match or nonelective rate does not meet is an error naming that field.
 */
function nondiscriminationOf(
  r: Reader,
  o: Obj,
  p: string,
  tiers: MatchTier[],
  neRate: Decimal,
): Pick<PlanDesign, 'safeHarbor' | 'nondiscrimination'> {
  let safeHarbor: SafeHarbor | null = null;
  if (o.safe_harbor !== undefined && o.safe_harbor !== null) {
    safeHarbor = r.oneOf(o.safe_harbor, join(p, 'safe_harbor'), SAFE_HARBORS);
    const bad = checkSafeHarbor(safeHarbor, tiers, neRate);
    if (bad !== null) r.fail(join(p, bad.field), bad.reason);
  }
  let method: NdtMethod = 'current_year';
  if (o.nondiscrimination !== undefined && o.nondiscrimination !== null) {
    const fN = join(p, 'nondiscrimination');
    const nd = r.object(o.nondiscrimination, fN, ['method']);
    if (nd.method !== undefined) method = r.oneOf(nd.method, join(fN, 'method'), NDT_METHODS);
  }
  return { safeHarbor, nondiscrimination: { method } };
}

function limitsFrom(r: Reader, v: unknown, field: string): IrsLimits {
  const o = r.object(v, field, [
    '402g',
    'catch_up',
    'catch_up_60_63',
    '415c',
    '401a17',
    'hce',
    'roth_catch_up_wages',
  ]);
  const deferral402g = r.money(r.required(o, field, '402g'), join(field, '402g'));
  const catchUp = r.money(r.required(o, field, 'catch_up'), join(field, 'catch_up'));
  const c6063 = r.required(o, field, 'catch_up_60_63');
  const rothWages = o.roth_catch_up_wages;
  return {
    deferral402g,
    catchUp,
    catchUp6063: c6063 === null ? null : r.money(c6063, join(field, 'catch_up_60_63')),
    additions415c: r.money(r.required(o, field, '415c'), join(field, '415c')),
    comp401a17: r.money(r.required(o, field, '401a17'), join(field, '401a17')),
    hce: r.money(r.required(o, field, 'hce'), join(field, 'hce')),
    rothCatchUpWages:
      rothWages === undefined || rothWages === null
        ? null
        : r.money(rothWages, join(field, 'roth_catch_up_wages')),
  };
}

/**
 * Every simulated year needs its limits, and the year before it for the HCE look-back
 * threshold (calculations.md, HCE). A missing year is an error naming it.
 */
export function checkYears(
  plan: PlanDesign,
  years: [number, number],
  file: string,
  field = 'irs_limits',
): void {
  const [first, last] = years;
  if (!Number.isInteger(first) || !Number.isInteger(last) || first > last || first < 1900 || last > 9999)
    throw new PlanError(
      file,
      'years',
      `expected [first, last] plan years with first ≤ last, found ${show(years)}`,
    );
  for (let y = first - 1; y <= last; y++) {
    if (!plan.irsLimits.has(y)) {
      const why = y === first - 1 ? ` (the HCE look-back year of ${first})` : '';
      throw new PlanError(
        file,
        `${field}.${y}`,
        `no IRS limits for ${y}${why}; the plan must supply that year`,
      );
    }
  }
}

/** One year's limits, or an error naming the year. */
export function limitsFor(plan: PlanDesign, year: number): IrsLimits {
  const l = plan.irsLimits.get(year);
  if (l === undefined) throw new PlanError('plan', `irs_limits.${year}`, `no IRS limits for ${year}`);
  return l;
}

/** Day number of the anchor pay date (weekly/biweekly). */
export function anchorDay(plan: PlanDesign): number {
  if (plan.payroll.anchorPayDate === null) throw new PlanError('plan', 'payroll.anchor_pay_date', 'missing');
  return toDay(plan.payroll.anchorPayDate);
}
