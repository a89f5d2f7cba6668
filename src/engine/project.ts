/**
 * The plan engine for one person: census record + plan + that person's decision events →
 * the person's complete event stream, in the contract's order (events.md, Order of events).
 * Pure and deterministic; state is per person, so a caller can stream any number of people.
 * Rules: calculations.md (cited by section where the why is not obvious).
 */

import { vestedAmount } from '../ledger/ledger.js';
import { COMPLIANCE_TYPES, CONTRIBUTION_SOURCES, type SimulationEvent } from '../schema/contract.js';
import { civil, dec31, fromDay, isValidDate, jan1, toDay } from '../schema/dates.js';
import { type Decimal, dec, divIntRoundCents, minDec, mulRoundCents, ONE } from '../schema/decimal.js';
import { canonicalDecision, money, TYPE_RANK } from './canonical.js';
import type { CensusPerson } from './census.js';
import { planContext } from './context.js';
import { eligibilityReason, entryDay } from './eligibility.js';
import { EngineInputError } from './errors.js';
import { eventIdMaker } from './ids.js';
import { matchAmount } from './match.js';
import type { PlanDesign } from './plan.js';
import { ServiceRecord, vestedFraction } from './service.js';

export interface ProjectPersonInput {
  plan: PlanDesign;
  /** Simulated plan years [first, last]. */
  years: readonly [number, number];
  person: CensusPerson;
  /** That person's merit, promotion, termination and enrollment events, in file order. */
  decisions: readonly SimulationEvent[];
  scenarioId: string;
  planDesignId: string;
  sourceSystem: string;
  /** Canonical RFC 3339 timestamp (UTC, Z) written on every engine event. */
  createdAt: string;
}

interface Election {
  day: number;
  pt: Decimal;
  roth: Decimal;
  at: Decimal;
  auto: boolean;
}

interface CompChange {
  day: number;
  rank: number;
  comp: Decimal;
}

const SOURCE_SUB: Readonly<Record<string, number>> = Object.fromEntries(
  CONTRIBUTION_SOURCES.map((s, i) => [s, i]),
);
const COMPLIANCE_SUB: Readonly<Record<string, number>> = Object.fromEntries(
  COMPLIANCE_TYPES.map((s, i) => [s, i]),
);
const FULL_VEST_REASONS = new Set(['retirement', 'death', 'disability']);

const nonNegative = (x: Decimal): Decimal => (x < 0n ? 0n : x);

interface CatchUp {
  preTax: Decimal;
  roth: Decimal;
  preTaxLimited: boolean;
  rothLimited: boolean;
}
const NO_CATCH_UP: CatchUp = { preTax: 0n, roth: 0n, preTaxLimited: false, rothLimited: false };

/**
 * calculations.md, Deferrals and limits, step 4: the cut deferral becomes catch-up, up to the
 * room left under the year's catch-up limit, in the order pre-tax cut by 402(g), Roth cut by
 * 402(g), pre-tax cut by 415(c), Roth cut by 415(c). Each part keeps its character, except that
 * a Roth catch-up earner's catch-up is all Roth (SECURE 2.0 §603, deemed Roth election).
 */
function catchUpOfCuts(
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

function sortKey(day: number, type: string, sub: number): number {
  return (day * 16 + TYPE_RANK[type]) * 16 + sub;
}

export function projectPerson(input: ProjectPersonInput): SimulationEvent[] {
  const { plan, person } = input;
  const ctx = planContext(plan, input.years);
  const emp = person.employeeId;
  const planId = plan.planId;
  // The stream before ordering: events and their sort keys (day, type precedence, sub-order).
  const out: SimulationEvent[] = [];
  const keys: number[] = [];

  // ---- decision events: written as they are (canonical form), and read for their effects ----
  let termDay = Number.POSITIVE_INFINITY;
  let termReason = '';
  let termEventId: string | null = null;
  const compChanges: CompChange[] = [];
  const elections: Election[] = [];
  for (const raw of input.decisions) {
    if (raw.employee_id !== emp)
      throw new EngineInputError(
        emp,
        `decision event ${raw.event_id} belongs to employee ${raw.employee_id}`,
      );
    if (!isValidDate(raw.effective_date))
      throw new EngineInputError(emp, `decision event ${raw.event_id} has an invalid effective_date`);
    const ev = canonicalDecision(raw);
    const day = toDay(ev.effective_date);
    const p = ev.payload;
    out.push(ev);
    keys.push(sortKey(day, p.event_type, 0));
    if (p.event_type === 'termination') {
      // calculations.md, Elections: at most one termination per person.
      if (termEventId !== null) throw new EngineInputError(emp, 'more than one termination in the inputs');
      termDay = day;
      termReason = p.termination_reason;
      termEventId = ev.event_id;
    } else if (p.event_type === 'merit') {
      compChanges.push({ day, rank: TYPE_RANK.merit, comp: dec(p.new_compensation) });
    } else if (p.event_type === 'promotion') {
      compChanges.push({ day, rank: TYPE_RANK.promotion, comp: dec(p.new_annual_compensation) });
    } else if (p.event_type === 'enrollment') {
      elections.push({
        day,
        pt: dec(p.pre_tax_contribution_rate),
        roth: dec(p.roth_contribution_rate),
        at: dec(p.after_tax_contribution_rate ?? '0'),
        auto: false,
      });
    }
  }

  const hire = toDay(person.hireDate);
  const birth = toDay(person.birthDate);
  const employedInPeriod = hire <= ctx.lastDay && termDay >= ctx.firstDay && termDay >= hire;
  if (employedInPeriod) projectEngineEvents();

  // Order by key; equal keys keep insertion order (decisions first, in file order).
  const order = Array.from(keys.keys());
  order.sort((a, b) => keys[a] - keys[b] || a - b);
  const idOf = eventIdMaker(input.scenarioId, emp);
  const result: SimulationEvent[] = new Array(out.length);
  for (let i = 0; i < order.length; i++) {
    const e = out[order[i]];
    if (e.event_id === '') e.event_id = idOf(i); // engine events get their deterministic id here
    result[i] = e;
  }
  return result;

  function push(
    day: number,
    iso: string,
    type: string,
    sub: number,
    payload: object,
    correlation: string | null = null,
  ) {
    keys.push(sortKey(day, type, sub));
    out.push({
      event_id: '',
      employee_id: emp,
      effective_date: iso,
      created_at: input.createdAt,
      scenario_id: input.scenarioId,
      plan_design_id: input.planDesignId,
      source_system: input.sourceSystem,
      payload: payload as SimulationEvent['payload'],
      correlation_id: correlation,
    });
  }

  function projectEngineEvents(): void {
    // hire events only for people hired within the simulated period (calculations.md, Years).
    if (hire >= ctx.firstDay) {
      push(hire, person.hireDate, 'hire', 0, {
        event_type: 'hire',
        plan_id: null,
        hire_date: person.hireDate,
        department: person.department,
        job_level: person.jobLevel,
        annual_compensation: money(person.annualCompensation),
      });
    }

    // ---- eligibility (calculations.md, Eligibility) ----
    const entry = entryDay(plan, birth, hire);
    const participant = entry <= ctx.lastDay && termDay >= entry;
    const eligDay = Math.max(entry, ctx.firstDay);
    if (participant) {
      push(eligDay, fromDay(eligDay), 'eligibility', 0, {
        event_type: 'eligibility',
        plan_id: planId,
        eligible: true,
        eligibility_date: fromDay(entry),
        reason: eligibilityReason(plan),
      });
    }

    // ---- elections, auto-enrollment and escalation (calculations.md, Elections and auto-enrollment) ----
    elections.sort((a, b) => a.day - b.day);
    const ae = plan.autoEnrollment;
    if (participant && ae.enabled && !elections.some((e) => e.day <= eligDay)) {
      const autos: Election[] = [{ day: eligDay, pt: ae.defaultRate, roth: 0n, at: 0n, auto: true }];
      pushEnrollment(eligDay, ae.defaultRate, fromDay(eligDay + ae.optOutDays));
      const esc = ae.escalation;
      if (esc !== null) {
        let rate = ae.defaultRate;
        for (let y = civil(eligDay).y + 1; y <= ctx.last; y++) {
          const d = jan1(y);
          if (d > termDay) break; // employed on 1 January
          if (elections.some((e) => e.day <= d)) break; // a voluntary election ends escalation
          if (rate >= esc.cap) break;
          rate = minDec(rate + esc.step, esc.cap);
          autos.push({ day: d, pt: rate, roth: 0n, at: 0n, auto: true });
          pushEnrollment(d, rate, null);
        }
      }
      elections.push(...autos);
      elections.sort((a, b) => a.day - b.day);
    }

    // ---- vesting days (calculations.md, Vesting and forfeitures) ----
    const svc = participant ? new ServiceRecord(hire, termDay, ctx.last) : null;
    const fullVestOnTerm = FULL_VEST_REASONS.has(termReason);
    const fractionAt = (d: number): Decimal =>
      d === termDay && fullVestOnTerm ? ONE : vestedFraction(plan, svc!.yearsAsOf(d));
    const vestDays: number[] = [];
    if (svc !== null) {
      const until = Math.min(ctx.lastDay, termDay);
      vestDays.push(eligDay);
      for (const c of svc.creditDaysBetween(eligDay + 1, until)) {
        if (vestedFraction(plan, svc.yearsAsOf(c)) !== vestedFraction(plan, svc.yearsAsOf(c - 1)))
          vestDays.push(c);
      }
      for (const yc of ctx.years) if (yc.dec31 >= eligDay && yc.dec31 <= termDay) vestDays.push(yc.dec31);
      if (termDay >= eligDay && termDay <= ctx.lastDay) vestDays.push(termDay);
      vestDays.sort((a, b) => a - b);
      // at most one vesting event per person a day (a termination on 31 December writes one)
      for (let i = vestDays.length - 1; i > 0; i--)
        if (vestDays[i] === vestDays[i - 1]) vestDays.splice(i, 1);
    }
    let vi = 0;

    // ---- running state ----
    let compIdx = 0;
    compChanges.sort((a, b) => a.day - b.day || a.rank - b.rank);
    let gross = divIntRoundCents(person.annualCompensation, ctx.periods);
    let annual = person.annualCompensation;
    const advanceComp = (day: number) => {
      let changed = false;
      while (compIdx < compChanges.length && compChanges[compIdx].day <= day) {
        annual = compChanges[compIdx++].comp;
        changed = true;
      }
      if (changed) gross = divIntRoundCents(annual, ctx.periods);
    };
    let elIdx = 0;
    let election: Election | null = null;
    const advanceElection = (day: number) => {
      while (elIdx < elections.length && elections[elIdx].day <= day) election = elections[elIdx++];
    };
    let balMatch = 0n;
    let grossMatch = 0n;
    let balNe = 0n;
    let grossNe = 0n;
    let prevYearGross = 0n;
    let prevHce: boolean | null = null;
    const tiers = plan.match.tiers;
    const neRate = plan.nonelective.rate;
    const birthYear = civil(birth).y;

    const emitVesting = (d: number) => {
      const v = fractionAt(d);
      const balances: Record<string, string> = {};
      if (balMatch > 0n) balances.employer_match = money(vestedAmount(balMatch, grossMatch, v));
      if (balNe > 0n) balances.employer_nonelective = money(vestedAmount(balNe, grossNe, v));
      const iso = fromDay(d);
      push(d, iso, 'vesting', 0, {
        event_type: 'vesting',
        plan_id: planId,
        vested_percentage: money(v),
        source_balances_vested: balances,
        vesting_schedule_type: plan.vesting.schedule,
        service_computation_date: person.hireDate,
        service_credited_hours: svc!.hoursAsOf(d),
        service_period_end_date: iso,
      });
    };

    for (const yc of ctx.years) {
      if (yc.dec31 < hire) {
        prevYearGross = 0n;
        continue;
      }
      if (yc.jan1 > termDay) break;
      const L = yc.limits;

      // ---- 1 January: HCE determination (calculations.md, HCE and compliance) ----
      // Previous-year wages: also the §603 Roth catch-up test (calculations.md, Years, limits and tables).
      let priorWages: Decimal | null = null;
      if (hire <= yc.jan1 && yc.jan1 <= termDay) {
        advanceComp(yc.jan1);
        const lookBack = yc.year - 1;
        const ytdComp = lookBack >= ctx.first ? prevYearGross : lookBackPay(lookBack);
        priorWages = ytdComp;
        const isHce = ytdComp > yc.hceThreshold;
        push(yc.jan1, yc.jan1Iso, 'hce_status', 0, {
          event_type: 'hce_status',
          plan_id: planId,
          determination_method: 'prior_year',
          ytd_compensation: money(ytdComp),
          annualized_compensation: money(annual),
          hce_threshold: yc.hceThresholdText,
          is_hce: isHce,
          determination_date: yc.jan1Iso,
          prior_year_hce: prevHce,
        });
        prevHce = isHce;
      }
      const rothCatchUpEarner =
        L.rothCatchUpWages !== null && priorWages !== null && priorWages > L.rothCatchUpWages;

      // ---- catch-up eligibility: attains 50 by 31 December; 60–63 figure when the table has one ----
      const ageAtYearEnd = yc.year - birthYear;
      const catchUpEligible = ageAtYearEnd >= 50;
      const catchUpLimit =
        ageAtYearEnd >= 60 && ageAtYearEnd <= 63 && L.catchUp6063 !== null ? L.catchUp6063 : L.catchUp;
      if (participant && catchUpEligible) {
        const d = Math.max(yc.jan1, entry);
        if (d <= yc.dec31 && d <= termDay) {
          const iso = fromDay(d);
          push(d, iso, 'compliance', COMPLIANCE_SUB.catch_up_eligible, {
            event_type: 'compliance',
            plan_id: planId,
            compliance_type: 'catch_up_eligible',
            limit_type: 'catch_up',
            applicable_limit: money(catchUpLimit),
            current_amount: '0',
            monitoring_date: iso,
          });
        }
      }

      // ---- pay dates ----
      let yGross = 0n;
      let yPlanComp = 0n;
      let yDeferral = 0n; // pre-tax + Roth (402(g))
      let yCatchUp = 0n; // employee_catch_up
      let yRothCatchUp = 0n; // employee_roth_catch_up
      let yAdditions = 0n; // 415(c): every contribution except catch-up
      let yPreTax = 0n;
      let yRoth = 0n;
      let yAfterTax = 0n;
      let yMatch = 0n;
      let yNe = 0n;
      let yCompFromEntry = 0n;
      let yMatchableFromEntry = 0n;
      let flagged402g = false;
      let flagged415c = false;
      let paidOnDec31 = false;
      const limit402g = L.deferral402g;
      const limit415c = L.additions415c;

      const contribution = (
        day: number,
        iso: string,
        source: string,
        amount: Decimal,
        ytd: Decimal,
        limited: boolean,
        depositIso: string,
        payrollId: string,
      ) =>
        push(day, iso, 'contribution', SOURCE_SUB[source], {
          event_type: 'contribution',
          plan_id: planId,
          source,
          amount: money(amount),
          pay_period_end: iso,
          contribution_date: depositIso,
          ytd_amount: money(ytd),
          payroll_id: payrollId,
          irs_limit_applied: limited,
          inferred_value: false,
        });
      const check415c = (day: number, iso: string) => {
        if (!flagged415c && yAdditions * 10n >= limit415c * 9n) {
          flagged415c = true;
          pushLimitApproach(day, iso, '415c_limit_approach', 'annual_additions', limit415c, yAdditions);
        }
      };

      const payDays = yc.payDays;
      for (let i = 0; i < payDays.length; i++) {
        const pd = payDays[i];
        if (pd < hire) continue;
        if (pd > termDay) break;
        while (vi < vestDays.length && vestDays[vi] < pd) emitVesting(vestDays[vi++]);
        advanceComp(pd);
        yGross += gross;
        // 401(a)(17): year-to-date plan compensation never exceeds the limit (all pay dates count).
        let comp = L.comp401a17 - yPlanComp;
        if (comp > gross) comp = gross;
        if (comp < 0n) comp = 0n;
        yPlanComp += comp;
        if (!participant || pd < entry) continue;
        yCompFromEntry += comp;
        advanceElection(pd);
        const el = election as Election | null;

        // 1. requested amounts
        const reqPreTax = el === null || el.pt === 0n ? 0n : mulRoundCents(comp, el.pt);
        const reqRoth = el === null || el.roth === 0n ? 0n : mulRoundCents(comp, el.roth);
        const reqAfterTax = el === null || el.at === 0n ? 0n : mulRoundCents(comp, el.at);
        // 2. 402(g): pre-tax takes the room first, then Roth
        let room = nonNegative(limit402g - yDeferral);
        const preTax402g = minDec(reqPreTax, room);
        room -= preTax402g;
        const roth402g = minDec(reqRoth, room);
        // 3. 415(c): the smaller of the dollar limit and 100% of year-to-date gross pay
        // (§415(c)(1)(B)); pre-tax, Roth, match, nonelective, after-tax take the room in turn.
        let addRoom = nonNegative(minDec(limit415c, yGross) - yAdditions);
        const preTax = minDec(preTax402g, addRoom);
        addRoom -= preTax;
        const roth = minDec(roth402g, addRoom);
        addRoom -= roth;
        const matchable = preTax + roth;
        const reqMatch = tiers.length === 0 ? 0n : matchAmount(tiers, comp, matchable);
        const match = minDec(reqMatch, addRoom);
        addRoom -= match;
        const reqNe = neRate === 0n ? 0n : mulRoundCents(comp, neRate);
        const ne = minDec(reqNe, addRoom);
        addRoom -= ne;
        const afterTax = minDec(reqAfterTax, addRoom);
        // 4. catch-up: deferral cut by 402(g) or 415(c) (Treas. Reg. §1.414(v)-1(b)(1))
        const cu = catchUpEligible
          ? catchUpOfCuts(
              nonNegative(catchUpLimit - yCatchUp - yRothCatchUp),
              rothCatchUpEarner,
              reqPreTax - preTax402g,
              reqRoth - roth402g,
              preTax402g - preTax,
              roth402g - roth,
            )
          : NO_CATCH_UP;

        yDeferral += matchable;
        yMatchableFromEntry += matchable;
        yCatchUp += cu.preTax;
        yRothCatchUp += cu.roth;
        yAdditions += matchable + match + ne + afterTax;
        const iso = yc.payIso[i];
        const dep = yc.depositIso[i];
        const pr = yc.payrollIds[i];
        yPreTax += preTax;
        yRoth += roth;
        yAfterTax += afterTax;
        if (preTax > 0n)
          contribution(pd, iso, 'employee_pre_tax', preTax, yPreTax, preTax < reqPreTax, dep, pr);
        if (roth > 0n) contribution(pd, iso, 'employee_roth', roth, yRoth, roth < reqRoth, dep, pr);
        if (afterTax > 0n) {
          contribution(pd, iso, 'employee_after_tax', afterTax, yAfterTax, afterTax < reqAfterTax, dep, pr);
        }
        if (cu.preTax > 0n)
          contribution(pd, iso, 'employee_catch_up', cu.preTax, yCatchUp, cu.preTaxLimited, dep, pr);
        if (cu.roth > 0n)
          contribution(pd, iso, 'employee_roth_catch_up', cu.roth, yRothCatchUp, cu.rothLimited, dep, pr);
        if (match > 0n) {
          yMatch += match;
          balMatch += match;
          grossMatch += match;
          contribution(pd, iso, 'employer_match', match, yMatch, match < reqMatch, dep, pr);
        }
        if (ne > 0n) {
          yNe += ne;
          balNe += ne;
          grossNe += ne;
          contribution(pd, iso, 'employer_nonelective', ne, yNe, ne < reqNe, dep, pr);
        }
        // compliance: first pay date reaching 90% of the limit, once a year
        if (!flagged402g && yDeferral * 10n >= limit402g * 9n) {
          flagged402g = true;
          pushLimitApproach(pd, iso, '402g_limit_approach', 'elective_deferral', limit402g, yDeferral);
        }
        check415c(pd, iso);
        if (pd === yc.dec31) paidOnDec31 = true;
      }

      while (vi < vestDays.length && vestDays[vi] < yc.dec31) emitVesting(vestDays[vi++]);

      // ---- 31 December: true-up (calculations.md, Employer money) ----
      if (plan.match.trueUp && participant && entry <= yc.dec31 && termDay >= yc.dec31) {
        const annualMatch = matchAmount(tiers, yCompFromEntry, yMatchableFromEntry);
        const due = annualMatch - yMatch;
        if (due > 0n) {
          // 415(c) room on 31 December, against the year's whole gross pay
          const trueUp = minDec(due, nonNegative(minDec(limit415c, yGross) - yAdditions));
          if (trueUp > 0n) {
            yAdditions += trueUp;
            balMatch += trueUp;
            grossMatch += trueUp;
            contribution(
              yc.dec31,
              yc.dec31Iso,
              'employer_match_true_up',
              trueUp,
              trueUp,
              trueUp < due,
              yc.trueUpDepositIso,
              yc.trueUpPayrollId,
            );
            if (paidOnDec31) check415c(yc.dec31, yc.dec31Iso);
          }
        }
      }
      while (vi < vestDays.length && vestDays[vi] <= yc.dec31) emitVesting(vestDays[vi++]);

      // ---- termination: forfeiture of the unvested employer money ----
      if (svc !== null && termDay >= yc.jan1 && termDay <= yc.dec31) {
        const v = fractionAt(termDay);
        if (v < ONE) {
          const iso = fromDay(termDay);
          const fm = balMatch - mulRoundCents(balMatch, v);
          if (balMatch > 0n && fm > 0n) {
            pushForfeiture(termDay, iso, 0, 'employer_match', fm, v);
            balMatch -= fm;
          }
          const fn = balNe - mulRoundCents(balNe, v);
          if (balNe > 0n && fn > 0n) {
            pushForfeiture(termDay, iso, 1, 'employer_nonelective', fn, v);
            balNe -= fn;
          }
        }
      }
      prevYearGross = yGross;
    }
  }

  /** HCE look-back pay for a look-back year before the simulated period (calculations.md, HCE). */
  function lookBackPay(lookBack: number): Decimal {
    if (hire < jan1(lookBack)) return person.annualCompensation;
    if (hire > dec31(lookBack)) return 0n;
    // hired during the look-back year: its pay dates from the hire date on, at the census rate
    const paid = ctx.lookBackPayDays.filter((d) => d >= hire).length;
    return BigInt(paid) * divIntRoundCents(person.annualCompensation, ctx.periods);
  }

  function pushEnrollment(day: number, rate: Decimal, optOut: string | null): void {
    const iso = fromDay(day);
    push(day, iso, 'enrollment', 0, {
      event_type: 'enrollment',
      plan_id: planId,
      enrollment_date: iso,
      pre_tax_contribution_rate: money(rate),
      roth_contribution_rate: '0',
      after_tax_contribution_rate: '0',
      auto_enrollment: true,
      opt_out_window_expires: optOut,
    });
  }

  function pushLimitApproach(
    day: number,
    iso: string,
    type: '402g_limit_approach' | '415c_limit_approach',
    limitType: 'elective_deferral' | 'annual_additions',
    limit: Decimal,
    current: Decimal,
  ): void {
    push(day, iso, 'compliance', COMPLIANCE_SUB[type], {
      event_type: 'compliance',
      plan_id: planId,
      compliance_type: type,
      limit_type: limitType,
      applicable_limit: money(limit),
      current_amount: money(current),
      monitoring_date: iso,
    });
  }

  function pushForfeiture(
    day: number,
    iso: string,
    sub: number,
    bucket: string,
    amount: Decimal,
    v: Decimal,
  ): void {
    push(
      day,
      iso,
      'forfeiture',
      sub,
      {
        event_type: 'forfeiture',
        plan_id: planId,
        forfeited_from_source: bucket,
        amount: money(amount),
        reason: 'unvested_termination',
        vested_percentage: money(v),
      },
      termEventId,
    );
  }
}
