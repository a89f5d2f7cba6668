/**
 * The one colour of each contribution source (and of the ledger bucket of the same name) in
 * every chart of every report, and the colours of the figures that are not a source. A source
 * not listed (a newer contract) takes a colour from SPARE in the contract's order.
 */
import { CONTRIBUTION_SOURCES } from '../schema/contract.js';

export const SOURCE_COLORS: Readonly<Record<string, string>> = {
  employee_pre_tax: '#0072B2',
  employee_roth: '#56B4E9',
  employee_after_tax: '#8C7A00',
  employee_catch_up: '#332288',
  employee_roth_catch_up: '#AA4499',
  employer_match: '#E69F00',
  employer_match_true_up: '#D55E00',
  employer_nonelective: '#009E73',
  employer_profit_sharing: '#CC79A7',
  forfeiture_allocation: '#44AA99',
};

const SPARE = ['#882255', '#117733', '#999933', '#661100'];

/** Figures that are not a source: employer totals, forfeitures, vested balance. */
export const FIGURE_COLORS = {
  employerGross: '#14324f',
  employerNet: '#6b7f99',
  forfeitures: '#555555',
  vested: '#000000',
  gain: '#0f7a3a',
  lose: '#b0001e',
  unchanged: '#9aa3ad',
} as const;

/** The colour of a source or bucket name. */
export function sourceColor(name: string): string {
  const known = SOURCE_COLORS[name];
  if (known !== undefined) return known;
  const extra = (CONTRIBUTION_SOURCES as readonly string[]).filter((s) => !(s in SOURCE_COLORS));
  const i = extra.indexOf(name);
  return SPARE[(i < 0 ? extra.length : i) % SPARE.length];
}

/** Colours of compared scenarios, in the order given (base first). */
export const SCENARIO_COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#8C7A00', '#555555'];
