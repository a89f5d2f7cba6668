/**
 * The cross-field rules of events.md that JSON Schema cannot express. They run on canonical
 * values (dates as `YYYY-MM-DD`, decimals in canonical text), after every field they read has
 * passed its own check. Decimals are compared digit by digit or as scaled bigints, never as
 * JS numbers. Nothing beyond the spec: whether events make sense together is the data-quality
 * rules' job.
 */
import type { EventType } from './contract.js';

/** One problem of an event: where (JSON pointer), what was expected, what was found (≤ 80 chars). */
export interface Problem {
  path: string;
  expected: string;
  found: string;
}

/** Canonical values by field name. */
export type Values = Record<string, unknown>;

export interface CrossRule {
  kind: EventType;
  /** Payload fields the rule reads; it runs only when each is valid (or defaulted). */
  reads: string[];
  /** Envelope fields the rule reads. */
  readsEnvelope: string[];
  path: string;
  expected: string;
  /** The text to report as found when the rule is broken; undefined when it holds. */
  broken(payload: Values, envelope: Values): string | undefined;
  /**
   * The same rule for the native recogniser (native/canonical.c): `date_ge A B`,
   * `null_or_date_ge A B`, `dec_ge A B`, `rates_le1 A B C` (payload fields) or `eq_env A B`
   * (payload field A equals envelope field B).
   */
  native: string;
}

/**
 * True when canonical rates (texts of [0, 1], at most 4 places) sum to at most 1: column
 * addition of their digits, as on paper (no float, no bigint allocation on the hot path).
 */
export function ratesSumAtMostOne(rates: readonly string[]): boolean {
  let units = 0; // integer parts: each rate is "1" or starts with "0"
  let carry = 0;
  let fractionNonZero = false;
  for (let place = 4; place >= 1; place--) {
    let column = carry;
    for (const r of rates) {
      const digit = r.length > 1 + place ? r.charCodeAt(1 + place) - 48 : 0;
      column += digit;
    }
    if (column % 10 !== 0) fractionNonZero = true;
    carry = (column - (column % 10)) / 10;
  }
  for (const r of rates) if (r === '1') units++;
  const whole = units + carry;
  return whole === 0 || (whole === 1 && !fractionNonZero);
}

/** Compare two canonical non-negative decimal texts: -1, 0 or 1. */
export function compareDecimalText(a: string, b: string): number {
  const ia = a.indexOf('.');
  const ib = b.indexOf('.');
  const la = ia < 0 ? a.length : ia;
  const lb = ib < 0 ? b.length : ib;
  if (la !== lb) return la < lb ? -1 : 1;
  // Same number of integer digits, no leading zeros, no trailing fractional zeros: text order is numeric order.
  return a < b ? -1 : a > b ? 1 : 0;
}

const notBefore = (kind: EventType, field: string, other: string): CrossRule => ({
  kind,
  reads: [field, other],
  readsEnvelope: [],
  path: `/payload/${field}`,
  expected: `date on or after ${other}`,
  broken: (p) =>
    (p[field] as string) < (p[other] as string) ? `${p[field]} (${other} ${p[other]})` : undefined,
  // Canonical dates compare as text.
  native: `date_ge ${field} ${other}`,
});

export const CROSS_RULES: readonly CrossRule[] = [
  {
    kind: 'enrollment',
    reads: ['pre_tax_contribution_rate', 'roth_contribution_rate', 'after_tax_contribution_rate'],
    readsEnvelope: [],
    path: '/payload',
    expected: 'pre_tax + roth + after_tax contribution rates ≤ 1',
    broken: (p) => {
      const a = p.pre_tax_contribution_rate as string;
      const b = p.roth_contribution_rate as string;
      const c = p.after_tax_contribution_rate as string;
      return ratesSumAtMostOne([a, b, c]) ? undefined : `${a} + ${b} + ${c}`;
    },
    native: 'rates_le1 pre_tax_contribution_rate roth_contribution_rate after_tax_contribution_rate',
  },
  {
    kind: 'enrollment',
    reads: ['opt_out_window_expires', 'enrollment_date'],
    readsEnvelope: [],
    path: '/payload/opt_out_window_expires',
    expected: 'null or a date on or after enrollment_date',
    broken: (p) => {
      const o = p.opt_out_window_expires as string | null;
      return o !== null && o < (p.enrollment_date as string)
        ? `${o} (enrollment_date ${p.enrollment_date})`
        : undefined;
    },
    native: 'null_or_date_ge opt_out_window_expires enrollment_date',
  },
  notBefore('contribution', 'contribution_date', 'pay_period_end'),
  {
    kind: 'contribution',
    reads: ['ytd_amount', 'amount'],
    readsEnvelope: [],
    path: '/payload/ytd_amount',
    expected: 'money ≥ amount',
    broken: (p) =>
      compareDecimalText(p.ytd_amount as string, p.amount as string) < 0
        ? `${p.ytd_amount} (amount ${p.amount})`
        : undefined,
    native: 'dec_ge ytd_amount amount',
  },
  notBefore('vesting', 'service_period_end_date', 'service_computation_date'),
  {
    kind: 'promotion',
    reads: ['effective_date'],
    readsEnvelope: ['effective_date'],
    path: '/payload/effective_date',
    expected: "the envelope's effective_date",
    broken: (p, e) =>
      p.effective_date !== e.effective_date
        ? `${p.effective_date} (envelope ${e.effective_date})`
        : undefined,
    native: 'eq_env effective_date effective_date',
  },
];

export const RULES_BY_KIND: ReadonlyMap<string, readonly CrossRule[]> = new Map(
  [...new Set(CROSS_RULES.map((r) => r.kind))].map((k) => [k, CROSS_RULES.filter((r) => r.kind === k)]),
);

/** True when every cross-field rule of the canonical event's kind holds (the fast path). */
export function crossRulesHold(event: Values & { payload: Values }): boolean {
  const rules = RULES_BY_KIND.get(event.payload.event_type as string);
  if (rules === undefined) return true;
  for (const r of rules) if (r.broken(event.payload, event) !== undefined) return false;
  return true;
}
