/**
 * The event contract of events.md, written once. From these definitions come:
 *  - the TypeScript types (`Type.Static`),
 *  - the compiled runtime validator (src/schema/validate.ts),
 *  - the JSON Schema files under schemas/ (src/schema/emit.ts).
 * Checks JSON Schema cannot express (real calendar dates, cross-field rules) live in
 * src/schema/rules.ts and run after the structural check.
 */
import Type from 'typebox';

// ---- scalar formats (events.md, Wire format) ----

/** Money ≥ 0: at most 12 integer digits and 6 places; an optional '+'; never a JSON number. */
export const MONEY_NONNEG_PATTERN = '^\\+?[0-9]{1,12}(\\.[0-9]{1,6})?$';
/** Money > 0: as above with at least one non-zero digit. */
export const MONEY_POS_PATTERN = '^\\+?(?=[0-9.]*[1-9])[0-9]{1,12}(\\.[0-9]{1,6})?$';
/** Rate in [0, 1] with at most 4 places (and at most 12 integer digits, as money). */
export const RATE_PATTERN = '^\\+?0{0,11}(1(\\.0{1,4})?|0(\\.[0-9]{1,4})?)$';
/** Rate in [0, 1): the forfeiture's vested_percentage (events.md, forfeiture: "rate below 1"). */
export const RATE_BELOW_ONE_PATTERN = '^\\+?0{0,11}0(\\.[0-9]{1,4})?$';
export const DATE_PATTERN = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';
export const TIMESTAMP_PATTERN =
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,6})?([Zz]|[+-][0-9]{2}:[0-9]{2})$';
export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
/**
 * Id: 1–128 characters (code points), no control characters (Unicode Cc: U+0000–U+001F,
 * U+007F–U+009F), no leading or trailing white space (the `\\s` class of JavaScript and JSON Schema).
 */
export const ID_PATTERN =
  '^[^\\s\\u0000-\\u001f\\u007f-\\u009f]([^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f])?$';

export const MoneyPos = Type.String({
  pattern: MONEY_POS_PATTERN,
  description: 'money > 0 (decimal string)',
});
export const MoneyNonNeg = Type.String({
  pattern: MONEY_NONNEG_PATTERN,
  description: 'money ≥ 0 (decimal string)',
});
const RATE_TEXT = 'rate in [0, 1] (decimal string)';
export const Rate = Type.String({ pattern: RATE_PATTERN, description: RATE_TEXT });
export const RateBelowOne = Type.String({
  pattern: RATE_BELOW_ONE_PATTERN,
  description: 'rate in [0, 1) (decimal string)',
});
export const DateStr = Type.String({ pattern: DATE_PATTERN, description: 'calendar date YYYY-MM-DD' });
export const Timestamp = Type.String({
  pattern: TIMESTAMP_PATTERN,
  description: 'RFC 3339 timestamp with zone',
});
export const Uuid = Type.String({ pattern: UUID_PATTERN, description: 'UUID' });
export const Id = Type.String({
  minLength: 1,
  maxLength: 128,
  pattern: ID_PATTERN,
  description: 'identifier',
});
export const NullableId = Type.Union([Id, Type.Null()], { description: 'identifier or null' });
export const NullableDate = Type.Union([DateStr, Type.Null()], {
  description: 'calendar date YYYY-MM-DD or null',
});
export const Bool = Type.Boolean({ description: 'boolean' });
export const NullableBool = Type.Union([Bool, Type.Null()], { description: 'boolean or null' });
export const Level = Type.Integer({ minimum: 1, maximum: 10, description: 'integer 1–10' });
export const Hours = Type.Integer({ minimum: 0, description: 'integer ≥ 0' });

const strict = { additionalProperties: false } as const;

// ---- enumerations (orders matter: events.md, Order of events) ----

export const EVENT_TYPES = [
  'hire',
  'hce_status',
  'merit',
  'promotion',
  'eligibility',
  'enrollment',
  'contribution',
  'compliance',
  'termination',
  'vesting',
  'forfeiture',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const CONTRIBUTION_SOURCES = [
  'employee_pre_tax',
  'employee_roth',
  'employee_after_tax',
  'employee_catch_up',
  'employee_roth_catch_up',
  'employer_match',
  'employer_match_true_up',
  'employer_nonelective',
  'employer_profit_sharing',
  'forfeiture_allocation',
] as const;
export type ContributionSource = (typeof CONTRIBUTION_SOURCES)[number];

export const EMPLOYER_BUCKETS = [
  'employer_match',
  'employer_nonelective',
  'employer_profit_sharing',
] as const;
export type EmployerBucket = (typeof EMPLOYER_BUCKETS)[number];

export const TERMINATION_REASONS = ['voluntary', 'involuntary', 'retirement', 'death', 'disability'] as const;
export const ELIGIBILITY_REASONS = ['age_and_service', 'immediate', 'hours_requirement', 'rehire'] as const;
export const VESTING_SCHEDULE_TYPES = ['graded', 'cliff', 'immediate'] as const;
export const FORFEITURE_REASONS = ['unvested_termination', 'break_in_service'] as const;
export const HCE_METHODS = ['prior_year', 'current_year'] as const;
export const COMPLIANCE_TYPES = ['402g_limit_approach', '415c_limit_approach', 'catch_up_eligible'] as const;
export const LIMIT_TYPES = ['elective_deferral', 'annual_additions', 'catch_up'] as const;

const oneOf = <T extends readonly string[]>(values: T) =>
  Type.Union(values.map((v) => Type.Literal(v)) as never, {
    description: `one of ${values.join(', ')}`,
  }) as unknown as ReturnType<typeof Type.Unsafe<T[number]>>;

// ---- payloads (events.md, Payloads); keys in the order of the spec = canonical order ----

export const HirePayload = Type.Object(
  {
    event_type: Type.Literal('hire'),
    plan_id: Type.Optional(NullableId),
    hire_date: DateStr,
    department: Id,
    job_level: Level,
    annual_compensation: MoneyPos,
  },
  strict,
);

export const PromotionPayload = Type.Object(
  {
    event_type: Type.Literal('promotion'),
    plan_id: Type.Optional(NullableId),
    new_job_level: Level,
    new_annual_compensation: MoneyPos,
    effective_date: DateStr,
  },
  strict,
);

export const TerminationPayload = Type.Object(
  {
    event_type: Type.Literal('termination'),
    plan_id: Type.Optional(NullableId),
    termination_reason: oneOf(TERMINATION_REASONS),
    final_pay_date: DateStr,
  },
  strict,
);

export const MeritPayload = Type.Object(
  {
    event_type: Type.Literal('merit'),
    plan_id: Type.Optional(NullableId),
    new_compensation: MoneyPos,
    merit_percentage: Rate,
  },
  strict,
);

export const EligibilityPayload = Type.Object(
  {
    event_type: Type.Literal('eligibility'),
    plan_id: Id,
    eligible: Bool,
    eligibility_date: DateStr,
    reason: oneOf(ELIGIBILITY_REASONS),
  },
  strict,
);

export const EnrollmentPayload = Type.Object(
  {
    event_type: Type.Literal('enrollment'),
    plan_id: Id,
    enrollment_date: DateStr,
    pre_tax_contribution_rate: Rate,
    roth_contribution_rate: Rate,
    after_tax_contribution_rate: Type.Optional(
      Type.String({ pattern: RATE_PATTERN, description: RATE_TEXT, default: '0' }),
    ),
    auto_enrollment: Type.Optional(Type.Boolean({ description: 'boolean', default: false })),
    opt_out_window_expires: Type.Optional(NullableDate),
  },
  strict,
);

export const ContributionPayload = Type.Object(
  {
    event_type: Type.Literal('contribution'),
    plan_id: Id,
    source: oneOf(CONTRIBUTION_SOURCES),
    amount: MoneyPos,
    pay_period_end: DateStr,
    contribution_date: DateStr,
    ytd_amount: MoneyNonNeg,
    payroll_id: Id,
    irs_limit_applied: Type.Optional(Type.Boolean({ description: 'boolean', default: false })),
    inferred_value: Type.Optional(Type.Boolean({ description: 'boolean', default: false })),
  },
  strict,
);

export const SourceBalancesVested = Type.Object(
  {
    employer_match: Type.Optional(MoneyNonNeg),
    employer_nonelective: Type.Optional(MoneyNonNeg),
    employer_profit_sharing: Type.Optional(MoneyNonNeg),
  },
  strict,
);

export const VestingPayload = Type.Object(
  {
    event_type: Type.Literal('vesting'),
    plan_id: Id,
    vested_percentage: Rate,
    source_balances_vested: SourceBalancesVested,
    vesting_schedule_type: oneOf(VESTING_SCHEDULE_TYPES),
    service_computation_date: DateStr,
    service_credited_hours: Hours,
    service_period_end_date: DateStr,
  },
  strict,
);

export const ForfeiturePayload = Type.Object(
  {
    event_type: Type.Literal('forfeiture'),
    plan_id: Id,
    forfeited_from_source: oneOf(EMPLOYER_BUCKETS),
    amount: MoneyPos,
    reason: oneOf(FORFEITURE_REASONS),
    vested_percentage: RateBelowOne,
  },
  strict,
);

export const HceStatusPayload = Type.Object(
  {
    event_type: Type.Literal('hce_status'),
    plan_id: Id,
    determination_method: oneOf(HCE_METHODS),
    ytd_compensation: MoneyNonNeg,
    annualized_compensation: MoneyNonNeg,
    hce_threshold: MoneyPos,
    is_hce: Bool,
    determination_date: DateStr,
    prior_year_hce: NullableBool,
  },
  strict,
);

export const CompliancePayload = Type.Object(
  {
    event_type: Type.Literal('compliance'),
    plan_id: Id,
    compliance_type: oneOf(COMPLIANCE_TYPES),
    limit_type: oneOf(LIMIT_TYPES),
    applicable_limit: MoneyPos,
    current_amount: MoneyNonNeg,
    monitoring_date: DateStr,
  },
  strict,
);

/** Payload schema by event_type: the discriminator. */
export const PAYLOADS = {
  hire: HirePayload,
  promotion: PromotionPayload,
  termination: TerminationPayload,
  merit: MeritPayload,
  eligibility: EligibilityPayload,
  enrollment: EnrollmentPayload,
  contribution: ContributionPayload,
  vesting: VestingPayload,
  forfeiture: ForfeiturePayload,
  hce_status: HceStatusPayload,
  compliance: CompliancePayload,
} as const;

export const Payload = Type.Union([
  HirePayload,
  PromotionPayload,
  TerminationPayload,
  MeritPayload,
  EligibilityPayload,
  EnrollmentPayload,
  ContributionPayload,
  VestingPayload,
  ForfeiturePayload,
  HceStatusPayload,
  CompliancePayload,
]);

/** The envelope (events.md, Envelope); key order = canonical order. */
export const SimulationEvent = Type.Object(
  {
    event_id: Uuid,
    employee_id: Id,
    effective_date: DateStr,
    created_at: Timestamp,
    scenario_id: Id,
    plan_design_id: Id,
    source_system: Id,
    payload: Payload,
    correlation_id: Type.Optional(NullableId),
  },
  strict,
);

export type HirePayload = Type.Static<typeof HirePayload>;
export type PromotionPayload = Type.Static<typeof PromotionPayload>;
export type TerminationPayload = Type.Static<typeof TerminationPayload>;
export type MeritPayload = Type.Static<typeof MeritPayload>;
export type EligibilityPayload = Type.Static<typeof EligibilityPayload>;
export type EnrollmentPayload = Type.Static<typeof EnrollmentPayload>;
export type ContributionPayload = Type.Static<typeof ContributionPayload>;
export type VestingPayload = Type.Static<typeof VestingPayload>;
export type ForfeiturePayload = Type.Static<typeof ForfeiturePayload>;
export type HceStatusPayload = Type.Static<typeof HceStatusPayload>;
export type CompliancePayload = Type.Static<typeof CompliancePayload>;
export type Payload = Type.Static<typeof Payload>;
/** An event as on the wire (optional fields may be absent). */
export type SimulationEvent = Type.Static<typeof SimulationEvent>;

/** Every optional field present: the canonical form fills defaults and writes absent optionals as null. */
type Filled<T> = { [K in keyof T]-?: Exclude<T[K], undefined> };
export type CanonicalPayload =
  | Filled<HirePayload>
  | Filled<PromotionPayload>
  | Filled<TerminationPayload>
  | Filled<MeritPayload>
  | Filled<EligibilityPayload>
  | Filled<EnrollmentPayload>
  | Filled<ContributionPayload>
  | Filled<VestingPayload>
  | Filled<ForfeiturePayload>
  | Filled<HceStatusPayload>
  | Filled<CompliancePayload>;
/** A validated event in canonical form (events.md, Wire format: "Canonical event"). */
export type CanonicalEvent = Filled<Omit<SimulationEvent, 'payload'>> & { payload: CanonicalPayload };
