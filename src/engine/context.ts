/**
 * Everything about a plan and a span of years that does not depend on the person, computed
 * once and cached: pay calendars with their ISO strings, deposit dates and payroll ids, and
 * each year's limits. Keeps the per-pay-date loop free of date formatting and parsing.
 */
import { dec31, fromDay, jan1 } from '../schema/dates.js';
import { type Decimal, formatDecimal } from '../schema/decimal.js';
import { PERIODS, payDatesOfYear } from './calendar.js';
import { anchorDay, checkYears, type IrsLimits, limitsFor, type PlanDesign } from './plan.js';

export interface YearContext {
  year: number;
  jan1: number;
  dec31: number;
  jan1Iso: string;
  dec31Iso: string;
  limits: IrsLimits;
  /** HCE threshold for determination year Y: the 414(q) figure of Y−1 (calculations.md, HCE). */
  hceThreshold: Decimal;
  hceThresholdText: string;
  payDays: number[];
  payIso: string[];
  depositIso: string[];
  payrollIds: string[];
  trueUpDepositIso: string;
  trueUpPayrollId: string;
}

export interface PlanContext {
  plan: PlanDesign;
  first: number;
  last: number;
  firstDay: number;
  lastDay: number;
  /** Pay periods per year (the divisor of the annual rate). */
  periods: bigint;
  /** Pay dates of the first year's look-back year (first − 1): HCE look-back before the period. */
  lookBackPayDays: number[];
  years: YearContext[];
}

const cache = new WeakMap<PlanDesign, Map<string, PlanContext>>();

export function planContext(plan: PlanDesign, years: readonly [number, number]): PlanContext {
  let byYears = cache.get(plan);
  if (byYears === undefined) {
    byYears = new Map();
    cache.set(plan, byYears);
  }
  const key = `${years[0]}-${years[1]}`;
  let ctx = byYears.get(key);
  if (ctx === undefined) {
    ctx = buildContext(plan, years[0], years[1]);
    byYears.set(key, ctx);
  }
  return ctx;
}

function buildContext(plan: PlanDesign, first: number, last: number): PlanContext {
  checkYears(plan, [first, last], 'plan');
  const anchor =
    plan.payroll.frequency === 'weekly' || plan.payroll.frequency === 'biweekly' ? anchorDay(plan) : null;
  const lag = plan.payroll.depositLagDays;
  const years: YearContext[] = [];
  for (let y = first; y <= last; y++) {
    const payDays = payDatesOfYear(plan.payroll.frequency, y, anchor);
    const payIso = payDays.map(fromDay);
    const hce = limitsFor(plan, y - 1).hce;
    years.push({
      year: y,
      jan1: jan1(y),
      dec31: dec31(y),
      jan1Iso: fromDay(jan1(y)),
      dec31Iso: fromDay(dec31(y)),
      limits: limitsFor(plan, y),
      hceThreshold: hce,
      hceThresholdText: formatDecimal(hce),
      payDays,
      payIso,
      depositIso: payDays.map((d) => fromDay(d + lag)),
      payrollIds: payIso.map((s) => 'PR-' + s),
      trueUpDepositIso: fromDay(dec31(y) + lag),
      trueUpPayrollId: 'TU-' + y,
    });
  }
  return {
    plan,
    first,
    last,
    firstDay: jan1(first),
    lastDay: dec31(last),
    periods: BigInt(PERIODS[plan.payroll.frequency]),
    lookBackPayDays: payDatesOfYear(plan.payroll.frequency, first - 1, anchor),
    years,
  };
}
