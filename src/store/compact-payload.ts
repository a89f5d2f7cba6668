/**
 * The compact stored form of a contribution's payload (docs/store.md, "The payload column").
 *
 * Contributions are nine events in ten of a simulation. Their canonical payload text (about 250
 * bytes) cost the simulation's workers its JSON and the store's writer its string compression
 * (docs/simulate.md, "The stored payload"). The events are stored in fct_yearly_events_stored and
 * read through the view fct_yearly_events (ddl.ts). A contribution whose payload the typed
 * columns rebuild exactly is stored without its text: `payload_text` is NULL, and the columns
 * below (with `plan_id`, `source`, `amount` and `ytd_amount`) hold its fields; the view's
 * `payload` is the stored text when there is one, else the canonical text rebuilt from them, so
 * every DuckDB client reads each event's canonical payload. Every other event keeps its text; so
 * does a contribution whose ids JSON would escape.
 *
 * A view rather than a generated column: DuckDB evaluates a generated column's expression on every
 * row appended (to check it), which made the appends several times slower (docs/store.md).
 */
import { ContributionPayload } from '../schema/contract.js';

/** The stored text of the payload; NULL for a compact contribution. */
export const PAYLOAD_TEXT_COLUMN = 'payload_text';

export type CompactType = 'BOOLEAN' | 'DATE' | 'VARCHAR';

export interface CompactColumn {
  /** Column name in fct_yearly_events_stored. */
  name: string;
  type: CompactType;
  /** The contribution payload's key. */
  key: string;
}

/** The typed columns that only the compact form needs, in table order (after the fact columns). */
export const COMPACT_COLUMNS: readonly CompactColumn[] = [
  { name: 'payload_pay_period_end', type: 'DATE', key: 'pay_period_end' },
  { name: 'payload_contribution_date', type: 'DATE', key: 'contribution_date' },
  { name: 'payload_irs_limit_applied', type: 'BOOLEAN', key: 'irs_limit_applied' },
  { name: 'payload_inferred_value', type: 'BOOLEAN', key: 'inferred_value' },
  // NULL when it is DEFAULT_PAYROLL_PREFIX and the pay period end.
  { name: 'payload_payroll_id', type: 'VARCHAR', key: 'payroll_id' },
];

/**
 * The fixed-width compact columns (all but the payroll id): the row batch fills them as typed
 * arrays (row-batch.ts), and a reader can take their fields from the stored table
 * (storedContributionFieldSql).
 */
export const COMPACT_TYPED_COLUMNS = COMPACT_COLUMNS.filter(
  (c): c is CompactColumn & { type: 'BOOLEAN' | 'DATE' } => c.type !== 'VARCHAR',
);

/**
 * A compact contribution's `payroll_id` when it is its pay period end after this prefix (the
 * engine names a pay date's payroll run so: src/engine/context.ts): the column is left NULL and
 * the view writes it back, which spares the writer a 13-byte string a row (DuckDB keeps strings
 * of up to 12 bytes inline; a longer one costs the writer a call into DuckDB).
 */
export const DEFAULT_PAYROLL_PREFIX = 'PR-';

/** Canonical money text (events.md, "Wire format") of a DECIMAL(18,6) column: no trailing zeros. */
const moneySql = (column: string) => `rtrim(rtrim(CAST(${column} AS VARCHAR), '0'), '.')`;

/** Each key of the contribution payload as the SQL of its JSON value. */
const VALUE_SQL: Record<string, string> = {
  event_type: `'"contribution"'`,
  plan_id: `'"' || plan_id || '"'`,
  source: `'"' || source || '"'`,
  amount: `'"' || ${moneySql('amount')} || '"'`,
  ytd_amount: `'"' || ${moneySql('ytd_amount')} || '"'`,
  ...Object.fromEntries(
    COMPACT_TYPED_COLUMNS.map((c) => [
      c.key,
      c.type === 'BOOLEAN' ? `CAST(${c.name} AS VARCHAR)` : `'"' || CAST(${c.name} AS VARCHAR) || '"'`,
    ]),
  ),
  payroll_id: `'"' || coalesce(payload_payroll_id, '${DEFAULT_PAYROLL_PREFIX}' || CAST(payload_pay_period_end AS VARCHAR)) || '"'`,
};

/** The payload's keys in the contract's order (the canonical order: events.md). */
const CONTRIBUTION_KEYS = Object.keys(ContributionPayload.properties);
{
  const missing = CONTRIBUTION_KEYS.filter((k) => VALUE_SQL[k] === undefined);
  if (missing.length > 0 || CONTRIBUTION_KEYS.length !== Object.keys(VALUE_SQL).length)
    throw new Error(`compact payload: the contract's contribution keys changed (${missing.join(', ')})`);
}

/** The canonical payload text of a compact contribution, from its row's typed columns. */
export const CONTRIBUTION_PAYLOAD_SQL = `'{' || ${CONTRIBUTION_KEYS.map(
  (k) => `'"${k}":' || ${VALUE_SQL[k]}`,
).join(` || ',' || `)} || '}'`;

/** The view's `payload`: the stored text, or the compact contribution's rebuilt (ddl.ts, EVENTS_VIEW_DDL). */
export const PAYLOAD_SQL = `coalesce(${PAYLOAD_TEXT_COLUMN}, CASE WHEN event_type = 'contribution' THEN ${CONTRIBUTION_PAYLOAD_SQL} END)`;

/**
 * A contribution's payload field `key` (one of a compact column's) read from
 * fct_yearly_events_stored without the view's rebuild of the whole text: the typed column of a
 * compact row, else the field of the stored text. For readers of many contributions
 * (docs/store.md, "Reading it costs a rebuild").
 */
export function storedContributionFieldSql(key: string): string {
  const c = COMPACT_TYPED_COLUMNS.find((x) => x.key === key);
  if (c === undefined) throw new Error(`no typed compact column holds ${key}`);
  return `coalesce(${c.name}, CAST(json_extract_string(${PAYLOAD_TEXT_COLUMN}, '$.${key}') AS ${c.type}))`;
}

/** The DDL of the compact columns, after the fact columns. */
export const COMPACT_COLUMN_DDL = COMPACT_COLUMNS.map((c) => `${c.name} ${c.type}`);

/**
 * An id whose JSON text is the id in quotes: no quote, backslash, control character or UTF-16
 * surrogate (JSON.stringify escapes those, the SQL above does not).
 */
const PLAIN_ID = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/**
 * True when a canonical contribution payload is stored compact: its ids need no escaping and its
 * dates are in years 1000–9999 (DuckDB writes a DATE as `YYYY-MM-DD` there).
 */
export function isCompactContribution(p: Record<string, unknown>): boolean {
  return (
    p.event_type === 'contribution' &&
    PLAIN_ID.test(p.plan_id as string) &&
    PLAIN_ID.test(p.payroll_id as string) &&
    (p.pay_period_end as string) >= '1000' &&
    (p.contribution_date as string) >= '1000'
  );
}

/** True when a compact contribution's `payroll_id` is left to the view (DEFAULT_PAYROLL_PREFIX). */
export function isDefaultPayrollId(p: Record<string, unknown>): boolean {
  const id = p.payroll_id as string;
  return (
    id.length === DEFAULT_PAYROLL_PREFIX.length + 10 &&
    id.startsWith(DEFAULT_PAYROLL_PREFIX) &&
    id.endsWith(p.pay_period_end as string)
  );
}
