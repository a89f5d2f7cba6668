/**
 * The typed fact columns of fct_yearly_events (docs/store.md, "Fact columns"): a few payload
 * fields the nondiscrimination tests read (docs/ndt.md), kept beside the canonical payload text
 * so that a query reads them without reading the payload. This table is their one source of
 * truth: the DDL and the migration of an older store (ddl.ts), the row encoding of the writer
 * (row-batch.ts, writer.ts), and the SQL writers (ingest's read_json and read_csv paths, the
 * benchmarks' generators) all derive from it. Each column is NULL on every other kind.
 */
import type { EventType } from '../schema/contract.js';

export type FactType = 'BOOLEAN' | 'DATE' | 'DECIMAL(18,6)';

export interface FactColumn {
  /** Column name in fct_yearly_events. */
  name: string;
  type: FactType;
  /** The payload key that fills the column, by event kind (events.md, Payloads). */
  keys: Partial<Record<EventType, string>>;
}

export const FACT_COLUMNS: readonly FactColumn[] = [
  { name: 'payload_is_hce', type: 'BOOLEAN', keys: { hce_status: 'is_hce' } },
  { name: 'payload_eligible', type: 'BOOLEAN', keys: { eligibility: 'eligible' } },
  { name: 'payload_eligibility_date', type: 'DATE', keys: { eligibility: 'eligibility_date' } },
  {
    name: 'payload_new_compensation',
    type: 'DECIMAL(18,6)',
    keys: { merit: 'new_compensation', promotion: 'new_annual_compensation' },
  },
];

/** The kinds that fill any fact column. */
export const FACT_KINDS: readonly EventType[] = [
  ...new Set(FACT_COLUMNS.flatMap((c) => Object.keys(c.keys) as EventType[])),
];

/** The column definitions, as CREATE TABLE and ALTER TABLE … ADD COLUMN write them. */
export const FACT_COLUMN_DDL = FACT_COLUMNS.map((c) => `${c.name} ${c.type}`);

/**
 * The SQL value of fact column `c` from an event's kind and its payload's JSON text (canonical
 * text: money, dates and booleans cast exactly by DuckDB's standard casts).
 */
export function factSql(c: FactColumn, eventType = 'event_type', payload = 'payload'): string {
  const arms = Object.entries(c.keys).map(
    ([kind, key]) => `WHEN '${kind}' THEN CAST(json_extract_string(${payload}, '$.${key}') AS ${c.type})`,
  );
  return `CASE ${eventType} ${arms.join(' ')} END`;
}

/** Every fact column's SQL value, in table order, comma-separated (for an INSERT's SELECT list). */
export function factsSql(eventType = 'event_type', payload = 'payload'): string {
  return FACT_COLUMNS.map((c) => factSql(c, eventType, payload)).join(', ');
}
