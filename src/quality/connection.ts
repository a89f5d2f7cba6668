/**
 * What the quality area needs from a store: one DuckDB connection. Accepts the store object
 * (src/store, which holds its connection) or a bare connection.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

export type ConnectionSource =
  | DuckDBConnection
  | { connection: DuckDBConnection }
  | { conn: DuckDBConnection };

export function connectionOf(source: ConnectionSource): DuckDBConnection {
  if (typeof (source as DuckDBConnection).runAndReadAll === 'function') return source as DuckDBConnection;
  const holder = source as { connection?: DuckDBConnection; conn?: DuckDBConnection };
  const inner = holder.connection ?? holder.conn;
  if (inner && typeof inner.runAndReadAll === 'function') return inner;
  throw new TypeError('not a DuckDB connection or store');
}
