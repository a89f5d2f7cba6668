/**
 * Reading DuckDB values into the project's exact types: DECIMAL → bigint micro-units (never a
 * JavaScript number), DATE → ISO text.
 */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { fromDay } from '../schema/dates.js';
import type { Decimal } from '../schema/decimal.js';
import { duckdb } from '../store/duckdb.js';

const { DuckDBDateValue, DuckDBDecimalValue } = duckdb();

/** A DECIMAL (any scale ≤ 6), BIGINT or NULL value as micro-units. */
export function micro(v: DuckDBValue): Decimal | null {
  if (v === null) return null;
  if (v instanceof DuckDBDecimalValue) return v.value * 10n ** BigInt(6 - v.scale);
  if (typeof v === 'bigint') return v * 1_000_000n;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v) * 1_000_000n;
  throw new Error(`expected a DECIMAL, found ${String(v)}`);
}

export function microOrZero(v: DuckDBValue): Decimal {
  return micro(v) ?? 0n;
}

/** A DATE value as `YYYY-MM-DD`. */
export function isoDate(v: DuckDBValue): string {
  if (v instanceof DuckDBDateValue) return fromDay(v.days);
  if (typeof v === 'string') return v;
  throw new Error(`expected a DATE, found ${String(v)}`);
}

export function toBigInt(v: DuckDBValue): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(v);
  throw new Error(`expected an integer, found ${String(v)}`);
}

/** Run a query and return its rows as objects of DuckDB values. */
export async function rows(
  conn: DuckDBConnection,
  sql: string,
  params: Record<string, DuckDBValue> | DuckDBValue[] = [],
): Promise<Record<string, DuckDBValue>[]> {
  const reader = await conn.runAndReadAll(sql, params);
  return reader.getRowObjects();
}
