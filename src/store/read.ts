/**
 * Reading stored events back in canonical form: the envelope from its typed columns, the
 * payload from its stored canonical text (events.md: "a stored event reads back as the
 * canonical form of what was ingested").
 */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { fromDay } from '../schema/dates.js';
import type { CanonicalEvent } from '../schema/index.js';

export interface StoredEvent {
  seq: bigint;
  /** The canonical JSON text of the event. */
  text: string;
}

export interface ReadEventsQuery {
  scenarioId?: string;
  employeeId?: string;
  /** Effective dates from this day (inclusive). */
  from?: string;
  /** Effective dates up to this day (inclusive). */
  to?: string;
  /** Only events with seq in [seqFrom, seqTo] (lets zonemaps skip row groups: docs/store.md, "Layout"). */
  seqFrom?: bigint;
  seqTo?: bigint;
  /** `history`: effective date then sequence (the contract's order); `seq`: production/ingest order. */
  order?: 'history' | 'seq';
}

/** The SELECT list that rebuilds an event: see `canonicalText`. */
export const CANONICAL_COLUMNS = `seq, event_id::VARCHAR, employee_id, date_diff('day', DATE '1970-01-01', effective_date)::INTEGER,
  epoch_us(created_at), scenario_id, plan_design_id, source_system, payload, correlation_id`;

const q = (s: string) => JSON.stringify(s);

/** Canonical timestamp text of microseconds since the epoch (UTC, fraction only when not zero). */
export function timestampText(micros: bigint): string {
  const day = micros >= 0n ? micros / 86_400_000_000n : -((-micros + 86_399_999_999n) / 86_400_000_000n);
  const rest = Number(micros - day * 86_400_000_000n);
  const secs = Math.floor(rest / 1_000_000);
  const frac = rest % 1_000_000;
  const hh = Math.floor(secs / 3600);
  const mm = Math.floor((secs % 3600) / 60);
  const ss = secs % 60;
  const two = (n: number) => (n < 10 ? '0' : '') + n;
  const f = frac === 0 ? '' : '.' + String(frac).padStart(6, '0').replace(/0+$/, '');
  return `${fromDay(Number(day))}T${two(hh)}:${two(mm)}:${two(ss)}${f}Z`;
}

/** The canonical text of a row selected with CANONICAL_COLUMNS. */
export function canonicalText(row: readonly DuckDBValue[]): string {
  const corr = row[9];
  return (
    `{"event_id":${q(String(row[1]))},"employee_id":${q(String(row[2]))},"effective_date":"${fromDay(Number(row[3]))}",` +
    `"created_at":"${timestampText(BigInt(row[4] as bigint))}","scenario_id":${q(String(row[5]))},` +
    `"plan_design_id":${q(String(row[6]))},"source_system":${q(String(row[7]))},"payload":${String(row[8])},` +
    `"correlation_id":${corr === null ? 'null' : q(String(corr))}}`
  );
}

function whereClause(query: ReadEventsQuery): { sql: string; params: Record<string, string | bigint> } {
  const parts: string[] = [];
  const params: Record<string, string | bigint> = {};
  if (query.seqFrom !== undefined && query.seqTo !== undefined) {
    parts.push('seq BETWEEN $seq_from AND $seq_to');
    params.seq_from = query.seqFrom;
    params.seq_to = query.seqTo;
  }
  if (query.scenarioId !== undefined) {
    parts.push('scenario_id = $scenario');
    params.scenario = query.scenarioId;
  }
  if (query.employeeId !== undefined) {
    parts.push('employee_id = $employee');
    params.employee = query.employeeId;
  }
  if (query.from !== undefined) {
    parts.push('effective_date >= $from::DATE');
    params.from = query.from;
  }
  if (query.to !== undefined) {
    parts.push('effective_date <= $to::DATE');
    params.to = query.to;
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

/** Stream stored events as canonical text, in history or ingest order. */
export async function* readEventsCanonical(
  conn: DuckDBConnection,
  query: ReadEventsQuery = {},
): AsyncGenerator<StoredEvent> {
  const { sql, params } = whereClause(query);
  const order = query.order === 'seq' ? 'seq' : 'effective_date, seq';
  const result = await conn.stream(
    `SELECT ${CANONICAL_COLUMNS} FROM fct_yearly_events ${sql} ORDER BY ${order}`,
    params,
  );
  for await (const rows of result.yieldRows()) {
    for (const row of rows) yield { seq: row[0] as bigint, text: canonicalText(row) };
  }
}

/** All matching events, parsed (for small sets such as one participant's history). */
export async function readEvents(
  conn: DuckDBConnection,
  query: ReadEventsQuery,
): Promise<{ seq: bigint; text: string; event: CanonicalEvent }[]> {
  const { sql, params } = whereClause(query);
  const order = query.order === 'seq' ? 'seq' : 'effective_date, seq';
  const r = await conn.runAndReadAll(
    `SELECT ${CANONICAL_COLUMNS} FROM fct_yearly_events ${sql} ORDER BY ${order}`,
    params,
  );
  return r.getRows().map((row) => {
    const text = canonicalText(row);
    return { seq: row[0] as bigint, text, event: JSON.parse(text) as CanonicalEvent };
  });
}
