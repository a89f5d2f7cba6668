/**
 * Which payload key fills each payload column of fct_yearly_events (ddl.ts), by event kind: the
 * one table the ingest paths read (the SQL of sql.ts, the native recogniser's tables, native-spec.ts).
 * A kind not listed, or a column not listed for it, stores NULL.
 */
import type { EventType } from '../schema/contract.js';

export const PAYLOAD_COLUMNS = ['source', 'amount', 'ytd_amount', 'vested_percentage'] as const;
export type PayloadColumn = (typeof PAYLOAD_COLUMNS)[number];

export const PAYLOAD_COLUMN_KEYS: Partial<Record<EventType, Partial<Record<PayloadColumn, string>>>> = {
  contribution: { source: 'source', amount: 'amount', ytd_amount: 'ytd_amount' },
  forfeiture: { source: 'forfeited_from_source', amount: 'amount', vested_percentage: 'vested_percentage' },
  vesting: { vested_percentage: 'vested_percentage' },
};
