/**
 * The plan engine for one person: census record + plan + that person's decision events →
 * the person's complete event stream, in the contract's order (events.md, Order of events).
 * Pure and deterministic; state is per person (PersonState), so a caller can stream any number
 * of people. Each section of calculations.md has its own module:
 *   payroll.ts (Payroll), limits.ts (Deferrals and limits), employer-money.ts (Employer money),
 *   vesting.ts (Vesting and forfeitures), hce-compliance.ts (HCE and compliance),
 *   participation.ts (Eligibility; Elections and auto-enrollment).
 */

import type { SimulationEvent } from '../schema/contract.js';
import { toDay } from '../schema/dates.js';
import { money } from './canonical.js';
import { planContext, type YearContext } from './context.js';
import { creditEmployerMoney, trueUp } from './employer-money.js';
import { catchUpTerms, check402g, check415c, determineHce } from './hce-compliance.js';
import { eventIdMaker } from './ids.js';
import { type CatchUpTerms, limitPayDate } from './limits.js';
import { electionOn, readDecisions, writeAutoEnrollment, writeEligibility } from './participation.js';
import { advanceComp, payGross, sortCompChanges } from './payroll.js';
import { PersonState, type ProjectPersonInput } from './person-state.js';
import { forfeitOnTermination, planVestingDays, vestBefore, vestThrough } from './vesting.js';
import { YearTotals } from './year-totals.js';

export type { ProjectPersonInput } from './person-state.js';

export function projectPerson(input: ProjectPersonInput): SimulationEvent[] {
  const ctx = planContext(input.plan, input.years);
  const s = new PersonState(input, ctx, toDay(input.person.hireDate), toDay(input.person.birthDate));
  readDecisions(s, input.decisions);
  const employedInPeriod = s.hire <= ctx.lastDay && s.termDay >= ctx.firstDay && s.termDay >= s.hire;
  if (employedInPeriod) projectEngineEvents(s);

  // Order by key; equal keys keep insertion order (decisions first, in file order).
  const { out, keys } = s;
  const order = Array.from(keys.keys());
  order.sort((a, b) => keys[a] - keys[b] || a - b);
  const idOf = eventIdMaker(input.scenarioId, s.emp);
  const result: SimulationEvent[] = new Array(out.length);
  for (let i = 0; i < order.length; i++) {
    const e = out[order[i]];
    if (e.event_id === '') e.event_id = idOf(i); // engine events get their deterministic id here
    result[i] = e;
  }
  return result;
}

function projectEngineEvents(s: PersonState): void {
  const { person } = s;
  // hire events only for people hired within the simulated period (calculations.md, Years).
  if (s.hire >= s.ctx.firstDay) {
    s.push(s.hire, person.hireDate, 'hire', 0, {
      event_type: 'hire',
      plan_id: null,
      hire_date: person.hireDate,
      department: person.department,
      job_level: person.jobLevel,
      annual_compensation: money(person.annualCompensation),
    });
  }
  writeEligibility(s);
  writeAutoEnrollment(s);
  planVestingDays(s);
  sortCompChanges(s);

  for (const yc of s.ctx.years) {
    if (yc.dec31 < s.hire) {
      s.prevYearGross = 0n;
      continue;
    }
    if (yc.jan1 > s.termDay) break;
    const priorWages = determineHce(s, yc);
    const cuTerms = catchUpTerms(s, yc, priorWages);
    const t = new YearTotals();
    payYear(s, yc, t, cuTerms);
    vestBefore(s, yc.dec31);
    if (trueUp(s, yc, t) && t.paidOnDec31) check415c(s, t, yc.limits.additions415c, yc.dec31, yc.dec31Iso);
    vestThrough(s, yc.dec31);
    forfeitOnTermination(s, yc);
    s.prevYearGross = t.gross;
  }
}

/** Every pay date of the year: pay, then for a participant from the entry date the contributions. */
function payYear(s: PersonState, yc: YearContext, t: YearTotals, cuTerms: CatchUpTerms): void {
  const L = yc.limits;
  const payDays = yc.payDays;
  for (let i = 0; i < payDays.length; i++) {
    const pd = payDays[i];
    if (pd < s.hire) continue;
    if (pd > s.termDay) break;
    vestBefore(s, pd);
    advanceComp(s, pd);
    const comp = payGross(s, t, L.comp401a17);
    if (!s.participant || pd < s.entry) continue;
    t.compFromEntry += comp;
    const a = limitPayDate(s.plan, L, t, comp, electionOn(s, pd), cuTerms);
    const cu = a.catchUp;
    const matchable = a.preTax + a.roth;
    t.deferral += matchable;
    t.matchableFromEntry += matchable;
    t.catchUp += cu.preTax;
    t.rothCatchUp += cu.roth;
    t.additions += matchable + a.match + a.ne + a.afterTax;
    const iso = yc.payIso[i];
    const dep = yc.depositIso[i];
    const pr = yc.payrollIds[i];
    t.preTax += a.preTax;
    t.roth += a.roth;
    t.afterTax += a.afterTax;
    if (a.preTax > 0n)
      s.contribution(pd, iso, 'employee_pre_tax', a.preTax, t.preTax, a.preTax < a.reqPreTax, dep, pr);
    if (a.roth > 0n) s.contribution(pd, iso, 'employee_roth', a.roth, t.roth, a.roth < a.reqRoth, dep, pr);
    if (a.afterTax > 0n)
      s.contribution(
        pd,
        iso,
        'employee_after_tax',
        a.afterTax,
        t.afterTax,
        a.afterTax < a.reqAfterTax,
        dep,
        pr,
      );
    if (cu.preTax > 0n)
      s.contribution(pd, iso, 'employee_catch_up', cu.preTax, t.catchUp, cu.preTaxLimited, dep, pr);
    if (cu.roth > 0n)
      s.contribution(pd, iso, 'employee_roth_catch_up', cu.roth, t.rothCatchUp, cu.rothLimited, dep, pr);
    creditEmployerMoney(s, t, pd, iso, dep, pr, a);
    // compliance: first pay date reaching 90% of the limit, once a year
    check402g(s, t, L.deferral402g, pd, iso);
    check415c(s, t, L.additions415c, pd, iso);
    if (pd === yc.dec31) t.paidOnDec31 = true;
  }
}
