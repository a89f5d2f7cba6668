/**
 * A synthetic, valid, canonical event stream for store tests and benchmarks: shaped like a
 * simulated workforce (events clustered by employee, about 60 events per person-year: biweekly
 * pre-tax and match contributions, year-end vesting, yearly hce_status and merit, some
 * terminations with forfeitures). It is not the engine (no plan rules are applied); it exists so
 * that the store can be measured at 30M events without depending on the simulator.
 * Deterministic for a given seed.
 */

import { mulberry32 } from './random.js';

export interface SyntheticOptions {
  employees: number;
  firstYear: number;
  years: number;
  scenarioId?: string;
  seed?: number;
  /** First employee number (for building several disjoint files). */
  firstEmployee?: number;
  createdAt?: string;
}

const rng = mulberry32;

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** A deterministic UUID (version-4 shaped) from a scenario number, an employee and a counter. */
function uuidFor(scenarioHash: number, employee: number, counter: number): string {
  return `${hex(scenarioHash, 8)}-${hex(employee >>> 16, 4)}-4${hex(employee & 0xfff, 3)}-8${hex(counter >>> 24, 3)}-${hex(counter & 0xffffff, 6)}${hex(employee & 0xffffff, 6)}`;
}

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

const pad2 = (n: number) => (n < 10 ? '0' : '') + n;
const isoDate = (d: Date) => `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;

/** Cents as canonical money text ("1234.5", "12", "0.01"). */
function money(cents: number): string {
  const whole = Math.floor(cents / 100);
  const frac = cents % 100;
  if (frac === 0) return String(whole);
  return frac % 10 === 0 ? `${whole}.${frac / 10}` : `${whole}.${pad2(frac)}`;
}

/**
 * Yield canonical NDJSON lines (no trailing newline), employee by employee, in the contract's
 * order within each person.
 */
export function* syntheticEventLines(opts: SyntheticOptions): Generator<string> {
  const scenario = opts.scenarioId ?? 'synthetic';
  const scenarioHash = hashString(scenario);
  const created = opts.createdAt ?? '2026-01-01T00:00:00Z';
  const first = opts.firstEmployee ?? 0;
  const random = rng(opts.seed ?? 42);
  const head = (id: string, emp: string, date: string) =>
    `{"event_id":"${id}","employee_id":"${emp}","effective_date":"${date}","created_at":"${created}","scenario_id":"${scenario}","plan_design_id":"design-1","source_system":"synthetic","payload":`;
  for (let e = first; e < first + opts.employees; e++) {
    const emp = `E${String(e).padStart(7, '0')}`;
    let counter = 0;
    const id = () => uuidFor(scenarioHash, e, counter++);
    let salaryCents = 4_000_000 + Math.floor(random() * 12_000_000);
    const level = 1 + Math.floor(random() * 10);
    const termYear = random() < 0.15 ? opts.firstYear + Math.floor(random() * opts.years) : -1;
    const hireYear = random() < 0.2 ? opts.firstYear : -1;
    let vested = 0;
    const ytdMatch = { employer_match: 0 };
    let matchBalance = 0;
    const tail = (corr: string | null) => `,"correlation_id":${corr === null ? 'null' : `"${corr}"`}}`;
    for (let y = opts.firstYear; y < opts.firstYear + opts.years; y++) {
      if (y === hireYear) {
        const hd = `${y}-01-01`;
        yield `${head(id(), emp, hd)}{"event_type":"hire","plan_id":null,"hire_date":"${hd}","department":"D${level}","job_level":${level},"annual_compensation":"${money(salaryCents)}"}${tail(null)}`;
        yield `${head(id(), emp, hd)}{"event_type":"eligibility","plan_id":"401k","eligible":true,"eligibility_date":"${hd}","reason":"immediate"}${tail(null)}`;
        yield `${head(id(), emp, hd)}{"event_type":"enrollment","plan_id":"401k","enrollment_date":"${hd}","pre_tax_contribution_rate":"0.06","roth_contribution_rate":"0","after_tax_contribution_rate":"0","auto_enrollment":true,"opt_out_window_expires":"${y}-04-01"}${tail(null)}`;
      }
      const jan1 = `${y}-01-01`;
      yield `${head(id(), emp, jan1)}{"event_type":"hce_status","plan_id":"401k","determination_method":"prior_year","ytd_compensation":"${money(salaryCents)}","annualized_compensation":"${money(salaryCents)}","hce_threshold":"155000","is_hce":${salaryCents > 15_500_000},"determination_date":"${jan1}","prior_year_hce":null}${tail(null)}`;
      const meritCents = Math.floor(salaryCents * 0.03);
      salaryCents += meritCents;
      const meritDate = `${y}-03-01`;
      const meritId = id();
      let ytdPre = 0;
      ytdMatch.employer_match = 0;
      const lastPay = y === termYear ? 13 : 26;
      for (let p = 0; p < lastPay; p++) {
        const payDate = isoDate(new Date(Date.UTC(y, 0, 9 + 14 * p)));
        if (p === 4) {
          yield `${head(meritId, emp, meritDate)}{"event_type":"merit","plan_id":null,"new_compensation":"${money(salaryCents)}","merit_percentage":"0.03"}${tail(null)}`;
        }
        const gross = Math.round(salaryCents / 26);
        const pre = Math.round(gross * 0.06);
        const match = Math.round(gross * 0.04);
        ytdPre += pre;
        ytdMatch.employer_match += match;
        matchBalance += match;
        const depositDate = isoDate(new Date(Date.UTC(y, 0, 11 + 14 * p)));
        yield `${head(id(), emp, payDate)}{"event_type":"contribution","plan_id":"401k","source":"employee_pre_tax","amount":"${money(pre)}","pay_period_end":"${payDate}","contribution_date":"${depositDate}","ytd_amount":"${money(ytdPre)}","payroll_id":"PR-${payDate}","irs_limit_applied":false,"inferred_value":false}${tail(null)}`;
        yield `${head(id(), emp, payDate)}{"event_type":"contribution","plan_id":"401k","source":"employer_match","amount":"${money(match)}","pay_period_end":"${payDate}","contribution_date":"${depositDate}","ytd_amount":"${money(ytdMatch.employer_match)}","payroll_id":"PR-${payDate}","irs_limit_applied":false,"inferred_value":false}${tail(null)}`;
      }
      vested = Math.min(1, vested + 0.2);
      const vestText = vested >= 1 ? '1' : String(Math.round(vested * 10) / 10);
      if (y === termYear) {
        const td = `${y}-07-15`;
        const termId = id();
        yield `${head(termId, emp, td)}{"event_type":"termination","plan_id":null,"termination_reason":"voluntary","final_pay_date":"${td}"}${tail(null)}`;
        yield `${head(id(), emp, td)}{"event_type":"vesting","plan_id":"401k","vested_percentage":"${vestText}","source_balances_vested":{"employer_match":"${money(matchBalance)}"},"vesting_schedule_type":"graded","service_computation_date":"${opts.firstYear - 3}-01-01","service_credited_hours":${1040 * (y - opts.firstYear + 1)},"service_period_end_date":"${td}"}${tail(termId)}`;
        if (vested < 1) {
          const kept = Math.round(matchBalance * vested);
          yield `${head(id(), emp, td)}{"event_type":"forfeiture","plan_id":"401k","forfeited_from_source":"employer_match","amount":"${money(matchBalance - kept)}","reason":"unvested_termination","vested_percentage":"${vestText}"}${tail(termId)}`;
        }
        break;
      }
      const dec31 = `${y}-12-31`;
      yield `${head(id(), emp, dec31)}{"event_type":"vesting","plan_id":"401k","vested_percentage":"${vestText}","source_balances_vested":{"employer_match":"${money(matchBalance)}"},"vesting_schedule_type":"graded","service_computation_date":"${opts.firstYear - 3}-01-01","service_credited_hours":${2080 * (y - opts.firstYear + 1)},"service_period_end_date":"${dec31}"}${tail(null)}`;
    }
  }
}
