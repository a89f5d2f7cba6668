/**
 * fast-check generators of valid wire events of every kind, in every accepted spelling
 * ('+', leading zeros, trailing zeros, upper-case UUIDs, offsets), and of single mutations
 * that break exactly one rule, with the path where the validator must report it.
 */
import fc from 'fast-check';
import {
  COMPLIANCE_TYPES,
  CONTRIBUTION_SOURCES,
  ELIGIBILITY_REASONS,
  EMPLOYER_BUCKETS,
  EVENT_TYPES,
  type EventType,
  FORFEITURE_REASONS,
  HCE_METHODS,
  ID_PATTERN,
  LIMIT_TYPES,
  TERMINATION_REASONS,
  VESTING_SCHEDULE_TYPES,
} from '../../src/schema/contract.js';
import { dayNumber, fromDay } from '../../src/schema/dates.js';
import { formatDecimal } from '../../src/schema/decimal.js';

type Obj = Record<string, unknown>;
const ID_RE = new RegExp(ID_PATTERN, 'u');

const MAX_MONEY = 999_999_999_999_999_999n; // 12 integer digits, 6 places

/** A decimal text of `micro` micro-units in a random accepted spelling. */
function spell(micro: bigint, maxFrac: number): fc.Arbitrary<string> {
  const canon = formatDecimal(micro);
  const [int, frac = ''] = canon.split('.');
  return fc
    .record({ plus: fc.boolean(), lead: fc.nat(12 - int.length), trail: fc.nat(maxFrac - frac.length) })
    .map(({ plus, lead, trail }) => {
      const f = frac + '0'.repeat(trail);
      return (plus ? '+' : '') + '0'.repeat(lead) + int + (f ? '.' + f : '');
    });
}

export const moneyMicro = (min: bigint, max = MAX_MONEY): fc.Arbitrary<bigint> =>
  fc.oneof(
    fc.bigInt(min, max),
    fc.bigInt(min, max < 100_000_000n ? max : 100_000_000n).map((v) => v - (v % 10_000n) || min),
  );

export const money = (min: bigint, max = MAX_MONEY): fc.Arbitrary<string> =>
  moneyMicro(min, max).chain((v) => spell(v, 6));

/** Rate in ten-thousandths (0..max) spelled as a decimal text. */
export const rateOf = (tenThousandths: number): fc.Arbitrary<string> =>
  spell(BigInt(tenThousandths) * 100n, 4);
export const rate = (max = 10_000): fc.Arbitrary<string> => fc.integer({ min: 0, max }).chain(rateOf);

const MIN_DAY = dayNumber(1, 1, 1);
const MAX_DAY = dayNumber(9999, 12, 31);
export const dayNo = fc.oneof(
  fc.integer({ min: MIN_DAY, max: MAX_DAY }),
  fc.integer({ min: dayNumber(2020, 1, 1), max: dayNumber(2030, 12, 31) }),
);
export const date = dayNo.map(fromDay);

const two = (n: number): string => String(n).padStart(2, '0');
export const timestamp = fc
  .record({
    day: fc.integer({ min: dayNumber(2, 1, 1), max: dayNumber(9998, 12, 31) }),
    h: fc.integer({ min: 0, max: 23 }),
    m: fc.integer({ min: 0, max: 59 }),
    s: fc.integer({ min: 0, max: 59 }),
    frac: fc.oneof(fc.constant(''), fc.stringMatching(/^\.[0-9]{1,6}$/)),
    t: fc.constantFrom('T', 't'),
    zone: fc.oneof(
      fc.constantFrom('Z', 'z', '+00:00', '-00:00'),
      fc
        .record({
          sign: fc.constantFrom('+', '-'),
          h: fc.integer({ min: 0, max: 23 }),
          m: fc.integer({ min: 0, max: 59 }),
        })
        .map(({ sign, h, m }) => `${sign}${two(h)}:${two(m)}`),
    ),
  })
  .map(({ day, h, m, s, frac, t, zone }) => `${fromDay(day)}${t}${two(h)}:${two(m)}:${two(s)}${frac}${zone}`);

export const uuid = fc.uuid().chain((u) => fc.boolean().map((up) => (up ? u.toUpperCase() : u)));

export const id = fc
  .oneof(
    fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/),
    fc.string({ minLength: 1, maxLength: 128, unit: 'grapheme' }),
    fc.string({ minLength: 1, maxLength: 40, unit: 'binary' }),
  )
  .filter((s) => ID_RE.test(s) && [...s].length <= 128);

const level = fc.integer({ min: 1, max: 10 });
const pick = <T extends string>(values: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...values);
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });

/** Two dates, the second on or after the first. */
const ordered = fc
  .tuple(dayNo, fc.nat(4000))
  .map(([a, d]) => [fromDay(a), fromDay(Math.min(a + d, MAX_DAY))] as const);

function payload(kind: EventType, effective: string): fc.Arbitrary<Obj> {
  switch (kind) {
    case 'hire':
      return fc.record(
        {
          event_type: fc.constant(kind),
          plan_id: opt(nullable(id)),
          hire_date: date,
          department: id,
          job_level: level,
          annual_compensation: money(1n),
        },
        { requiredKeys: ['event_type', 'hire_date', 'department', 'job_level', 'annual_compensation'] },
      );
    case 'promotion':
      return fc.record(
        {
          event_type: fc.constant(kind),
          plan_id: opt(nullable(id)),
          new_job_level: level,
          new_annual_compensation: money(1n),
          effective_date: fc.constant(effective),
        },
        { requiredKeys: ['event_type', 'new_job_level', 'new_annual_compensation', 'effective_date'] },
      );
    case 'termination':
      return fc.record(
        {
          event_type: fc.constant(kind),
          plan_id: opt(nullable(id)),
          termination_reason: pick(TERMINATION_REASONS),
          final_pay_date: date,
        },
        { requiredKeys: ['event_type', 'termination_reason', 'final_pay_date'] },
      );
    case 'merit':
      return fc.record(
        {
          event_type: fc.constant(kind),
          plan_id: opt(nullable(id)),
          new_compensation: money(1n),
          merit_percentage: rate(),
        },
        { requiredKeys: ['event_type', 'new_compensation', 'merit_percentage'] },
      );
    case 'eligibility':
      return fc.record({
        event_type: fc.constant(kind),
        plan_id: id,
        eligible: fc.boolean(),
        eligibility_date: date,
        reason: pick(ELIGIBILITY_REASONS),
      });
    case 'enrollment':
      return fc
        .tuple(
          fc.integer({ min: 0, max: 10_000 }),
          fc.integer({ min: 0, max: 10_000 }),
          fc.integer({ min: 0, max: 10_000 }),
        )
        .map(([a, b, c]) => (a + b + c > 10_000 ? [a, Math.min(b, 10_000 - a), 0] : [a, b, c]))
        .chain(([a, b, c]) =>
          fc.record(
            {
              event_type: fc.constant(kind),
              plan_id: id,
              dates: ordered,
              pre_tax_contribution_rate: rateOf(a),
              roth_contribution_rate: rateOf(b),
              after_tax_contribution_rate: c === 0 ? opt(rateOf(0)) : rateOf(c),
              auto_enrollment: opt(fc.boolean()),
              optOut: opt(fc.boolean()),
            },
            {
              requiredKeys: [
                'event_type',
                'plan_id',
                'dates',
                'pre_tax_contribution_rate',
                'roth_contribution_rate',
                'optOut',
              ],
            },
          ),
        )
        .map(({ dates, optOut, ...p }) => {
          const out: Obj = { ...p, enrollment_date: dates[0] };
          if (optOut !== undefined) out.opt_out_window_expires = optOut ? dates[1] : null;
          return out;
        });
    case 'contribution':
      return fc
        .record(
          {
            event_type: fc.constant(kind),
            plan_id: id,
            source: pick(CONTRIBUTION_SOURCES),
            amounts: moneyMicro(1n, MAX_MONEY / 2n).chain((a) =>
              fc.tuple(
                spell(a, 6),
                moneyMicro(0n, MAX_MONEY / 2n).chain((d) => spell(a + d, 6)),
              ),
            ),
            dates: ordered,
            payroll_id: id,
            irs_limit_applied: opt(fc.boolean()),
            inferred_value: opt(fc.boolean()),
          },
          { requiredKeys: ['event_type', 'plan_id', 'source', 'amounts', 'dates', 'payroll_id'] },
        )
        .map(({ amounts, dates, ...p }) => ({
          ...p,
          amount: amounts[0],
          pay_period_end: dates[0],
          contribution_date: dates[1],
          ytd_amount: amounts[1],
        }));
    case 'vesting':
      return fc
        .record({
          event_type: fc.constant(kind),
          plan_id: id,
          vested_percentage: rate(),
          source_balances_vested: fc.record(
            {
              employer_match: money(0n),
              employer_nonelective: money(0n),
              employer_profit_sharing: money(0n),
            },
            { requiredKeys: [] },
          ),
          vesting_schedule_type: pick(VESTING_SCHEDULE_TYPES),
          dates: ordered,
          service_credited_hours: fc.oneof(fc.nat(5000), fc.maxSafeNat()),
        })
        .map(({ dates, ...p }) => ({
          ...p,
          service_computation_date: dates[0],
          service_period_end_date: dates[1],
        }));
    case 'forfeiture':
      return fc.record({
        event_type: fc.constant(kind),
        plan_id: id,
        forfeited_from_source: pick(EMPLOYER_BUCKETS),
        amount: money(1n),
        reason: pick(FORFEITURE_REASONS),
        vested_percentage: rate(9_999),
      });
    case 'hce_status':
      return fc.record({
        event_type: fc.constant(kind),
        plan_id: id,
        determination_method: pick(HCE_METHODS),
        ytd_compensation: money(0n),
        annualized_compensation: money(0n),
        hce_threshold: money(1n),
        is_hce: fc.boolean(),
        determination_date: date,
        prior_year_hce: nullable(fc.boolean()),
      });
    case 'compliance':
      return fc.record({
        event_type: fc.constant(kind),
        plan_id: id,
        compliance_type: pick(COMPLIANCE_TYPES),
        limit_type: pick(LIMIT_TYPES),
        applicable_limit: money(1n),
        current_amount: money(0n),
        monitoring_date: date,
      });
  }
}

/** A valid wire event of the given kind (or any kind). */
export function validEvent(kind?: EventType): fc.Arbitrary<Obj> {
  const kinds: fc.Arbitrary<EventType> = kind === undefined ? pick(EVENT_TYPES) : fc.constant(kind);
  return fc.tuple(kinds, date).chain(([k, effective]) =>
    fc.record(
      {
        event_id: uuid,
        employee_id: id,
        effective_date: fc.constant(effective),
        created_at: timestamp,
        scenario_id: id,
        plan_design_id: id,
        source_system: id,
        payload: payload(k, effective),
        correlation_id: opt(nullable(id)),
      },
      {
        requiredKeys: [
          'event_id',
          'employee_id',
          'effective_date',
          'created_at',
          'scenario_id',
          'plan_design_id',
          'source_system',
          'payload',
        ],
      },
    ),
  );
}
