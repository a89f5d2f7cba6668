/**
 * calculations.md, "Deferrals and limits" (each pay date), steps 1–4: requested amounts,
 * 402(g), 415(c) (the smaller of the dollar limit and 100% of year-to-date gross pay) and the
 * catch-up that the cuts become. Pure: amounts in, amounts out.
 */
import { type Decimal, minDec, mulRoundCents } from '../schema/decimal.js';
import { requestedMatch, requestedNonelective } from './employer-money.js';
import type { Election } from './person-state.js';
import type { IrsLimits, PlanDesign } from './plan.js';
import type { YearTotals } from './year-totals.js';

export const nonNegative = (x: Decimal): Decimal => (x < 0n ? 0n : x);

export interface CatchUp {
  preTax: Decimal;
  roth: Decimal;
  preTaxLimited: boolean;
  rothLimited: boolean;
}
const NO_CATCH_UP: CatchUp = { preTax: 0n, roth: 0n, preTaxLimited: false, rothLimited: false };

/**
 * Step 4: the cut deferral becomes catch-up, up to the room left under the year's catch-up
 * limit, in the order pre-tax cut by 402(g), Roth cut by 402(g), pre-tax cut by 415(c), Roth cut
 * by 415(c). Each part keeps its character, except that a Roth catch-up earner's catch-up is all
 * Roth (SECURE 2.0 §603, deemed Roth election).
 */
export function catchUpOfCuts(
  room: Decimal,
  rothEarner: boolean,
  preTaxCut402g: Decimal,
  rothCut402g: Decimal,
  preTaxCut415c: Decimal,
  rothCut415c: Decimal,
): CatchUp {
  const cu = { ...NO_CATCH_UP };
  const parts: [Decimal, boolean][] = [
    [preTaxCut402g, false],
    [rothCut402g, true],
    [preTaxCut415c, false],
    [rothCut415c, true],
  ];
  for (const [cut, isRoth] of parts) {
    if (cut <= 0n) continue;
    const taken = minDec(cut, room);
    room -= taken;
    if (isRoth || rothEarner) {
      cu.roth += taken;
      if (taken < cut) cu.rothLimited = true;
    } else {
      cu.preTax += taken;
      if (taken < cut) cu.preTaxLimited = true;
    }
  }
  return cu;
}

/** Who may make catch-up this year, up to what, and whether it must be Roth. */
export interface CatchUpTerms {
  eligible: boolean;
  limit: Decimal;
  rothEarner: boolean;
}

/** Every amount of one pay date after the limits, with what was requested. */
export interface PayDateAmounts {
  reqPreTax: Decimal;
  reqRoth: Decimal;
  reqAfterTax: Decimal;
  preTax: Decimal;
  roth: Decimal;
  afterTax: Decimal;
  reqMatch: Decimal;
  match: Decimal;
  reqNe: Decimal;
  ne: Decimal;
  catchUp: CatchUp;
}

/** Steps 1–4 for one pay date with plan compensation `comp`, before the year's totals move. */
export function limitPayDate(
  plan: PlanDesign,
  L: IrsLimits,
  t: YearTotals,
  comp: Decimal,
  el: Election | null,
  cuTerms: CatchUpTerms,
): PayDateAmounts {
  // 1. requested amounts
  const reqPreTax = el === null || el.pt === 0n ? 0n : mulRoundCents(comp, el.pt);
  const reqRoth = el === null || el.roth === 0n ? 0n : mulRoundCents(comp, el.roth);
  const reqAfterTax = el === null || el.at === 0n ? 0n : mulRoundCents(comp, el.at);
  // 2. 402(g): pre-tax takes the room first, then Roth
  let room = nonNegative(L.deferral402g - t.deferral);
  const preTax402g = minDec(reqPreTax, room);
  room -= preTax402g;
  const roth402g = minDec(reqRoth, room);
  // 3. 415(c): the smaller of the dollar limit and 100% of year-to-date gross pay
  // (§415(c)(1)(B)); pre-tax, Roth, match, nonelective, after-tax take the room in turn.
  let addRoom = nonNegative(minDec(L.additions415c, t.gross) - t.additions);
  const preTax = minDec(preTax402g, addRoom);
  addRoom -= preTax;
  const roth = minDec(roth402g, addRoom);
  addRoom -= roth;
  const reqMatch = requestedMatch(plan, comp, preTax + roth);
  const match = minDec(reqMatch, addRoom);
  addRoom -= match;
  const reqNe = requestedNonelective(plan, comp);
  const ne = minDec(reqNe, addRoom);
  addRoom -= ne;
  const afterTax = minDec(reqAfterTax, addRoom);
  // 4. catch-up: deferral cut by 402(g) or 415(c) (Treas. Reg. §1.414(v)-1(b)(1))
  const catchUp = cuTerms.eligible
    ? catchUpOfCuts(
        nonNegative(cuTerms.limit - t.catchUp - t.rothCatchUp),
        cuTerms.rothEarner,
        reqPreTax - preTax402g,
        reqRoth - roth402g,
        preTax402g - preTax,
        roth402g - roth,
      )
    : NO_CATCH_UP;
  return { reqPreTax, reqRoth, reqAfterTax, preTax, roth, afterTax, reqMatch, match, reqNe, ne, catchUp };
}
