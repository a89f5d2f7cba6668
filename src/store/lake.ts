/**
 * The Parquet lake: the exchange format past one machine (docs/report.md, "Past one machine").
 *
 * A lake directory holds one folder per exported table, Hive-partitioned:
 *
 *   LAKE/fct_yearly_events/scenario_id=S/year=Y/part-<uuid>.parquet
 *   LAKE/fct_participant_balance_snapshots/scenario_id=S/year=Y/part-<uuid>.parquet
 *   LAKE/scenarios/scenario_id=S/part-<uuid>.parquet
 *   LAKE/dim_participants/scenario_id=S/part-<uuid>.parquet
 *   LAKE/<table>/_columns.json      the store's column names and DuckDB types
 *
 * `openLake` opens an in-memory DuckDB whose views carry the store tables' names and types over
 * those files, so that query code written for the store file runs unchanged over a lake.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type DuckDBConnection, type DuckDBInstance, quotedString } from '@duckdb/node-api';
import { CORE_DDL, EVENTS_STORED, participantRangesSql } from './ddl.js';
import { DEFAULT_DB_PATH, type Store } from './open.js';

export interface LakeTable {
  name: string;
  /** SQL over the store table giving the `year` partition, or null: partitioned by scenario only. */
  year: string | null;
  /**
   * The date column `year` is the year of, when it is one: the export selects a year as a range of
   * it, which DuckDB answers from the row groups of that year alone (src/store/export.ts).
   */
  yearDate?: string;
  /**
   * How the rows of several exports (shards) combine in the view: `all` (facts: the shards hold
   * disjoint rows), `distinct` (dimensions that every shard writes whole: one copy of identical
   * rows), `builds` (the snapshot build state: one row per scenario, see BUILDS_COMBINE).
   */
  combine: 'all' | 'distinct' | 'builds';
  /** Row order inside the files: one participant's rows sit together (row-group pruning). */
  order: string;
}

export const LAKE_TABLES: readonly LakeTable[] = [
  {
    name: 'fct_yearly_events',
    year: 'simulation_year',
    combine: 'all',
    order: 'employee_id, effective_date, seq',
  },
  {
    name: 'fct_participant_balance_snapshots',
    year: 'CAST(year(snapshot_date) AS INTEGER)',
    yearDate: 'snapshot_date',
    combine: 'all',
    order: 'employee_id, snapshot_date',
  },
  { name: 'scenarios', year: null, combine: 'distinct', order: 'scenario_id' },
  { name: 'dim_participants', year: null, combine: 'distinct', order: 'employee_id' },
  { name: 'snapshot_builds', year: null, combine: 'builds', order: 'scenario_id' },
  { name: 'participant_event_ranges', year: null, combine: 'all', order: 'employee_id' },
];

/**
 * Tables a lake may lack (exported by an older planledger) that queries can derive from the
 * events: the view is then computed (slower, same answers).
 */
const DERIVED: Record<string, string> = {
  participant_event_ranges: participantRangesSql(),
};

/** One column of a lake table, as the store defines it (`DESCRIBE`). */
export interface LakeColumn {
  name: string;
  type: string;
}

/** Contents of `LAKE/<table>/_columns.json`. */
export interface LakeTableSchema {
  table: string;
  partition_by: string[];
  columns: LakeColumn[];
}

export const COLUMNS_FILE = '_columns.json';

/** Store types that Parquet readers (Spark, Trino) do not all read back: written as text. */
export function parquetType(type: string): 'VARCHAR' | null {
  return type === 'UUID' || type === 'JSON' ? 'VARCHAR' : null;
}

export function partitionColumns(t: LakeTable): string[] {
  return t.year === null ? ['scenario_id'] : ['scenario_id', 'year'];
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function readTableSchema(lakeDir: string, table: string): LakeTableSchema | null {
  const file = join(lakeDir, table, COLUMNS_FILE);
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LakeTableSchema;
  } catch (err) {
    throw new Error(`${file}: not a valid lake column file (${(err as Error).message})`);
  }
}

function hasParquet(dir: string): boolean {
  if (!existsSync(dir)) return false;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.parquet')) return true;
    if (entry.isDirectory() && hasParquet(join(dir, entry.name))) return true;
  }
  return false;
}

/** `read_parquet` over one lake table, with the partition columns typed (never guessed). */
export function readParquetSql(lakeDir: string, t: LakeTable): string {
  const glob = join(resolve(lakeDir), t.name, '**', '*.parquet');
  const types = t.year === null ? `{'scenario_id': VARCHAR}` : `{'scenario_id': VARCHAR, 'year': INTEGER}`;
  return `read_parquet(${quotedString(glob)}, hive_partitioning = true, union_by_name = true, hive_types = ${types})`;
}

/**
 * The snapshot build state of several shards, as one row per scenario. Each shard's row says
 * "every event with seq ≤ max_seq is in the snapshots, up to end_date". Shards number their
 * events independently, and one participant's events all come from one shard, so the smallest
 * max_seq and end_date are true for every shard: the snapshot path then replays a little more
 * than needed, never less. Different ledger versions do not combine (queries then refuse the
 * snapshots and replay events: src/snapshots/state.ts).
 */
const BUILDS_COMBINE: Record<string, string> = {
  ledger_version: `CASE WHEN count(DISTINCT ledger_version) = 1 THEN min(ledger_version) ELSE 'mixed' END`,
  max_seq: 'min(max_seq)',
  end_date: 'min(end_date)',
  row_count: 'sum(row_count)',
  built_at: 'max(built_at)',
};

/** The view over one table: the store's columns, in the store's order, with the store's types. */
export function viewSql(lakeDir: string, t: LakeTable, schema: LakeTableSchema): string {
  const from = readParquetSql(lakeDir, t);
  const cast = (expr: string, c: LakeColumn) => `CAST(${expr} AS ${c.type}) AS ${quoteIdent(c.name)}`;
  if (t.combine === 'builds') {
    const cols = schema.columns.map((c) =>
      c.name === 'scenario_id'
        ? quoteIdent(c.name)
        : cast(BUILDS_COMBINE[c.name] ?? `any_value(${quoteIdent(c.name)})`, c),
    );
    return `CREATE OR REPLACE VIEW ${quoteIdent(t.name)} AS SELECT ${cols.join(', ')} FROM ${from} GROUP BY scenario_id`;
  }
  const cols = schema.columns.map((c) => cast(quoteIdent(c.name), c));
  const distinct = t.combine === 'distinct' ? 'DISTINCT ' : '';
  return `CREATE OR REPLACE VIEW ${quoteIdent(t.name)} AS SELECT ${distinct}${cols.join(', ')} FROM ${from}`;
}

function emptyTableSql(schema: LakeTableSchema): string {
  const cols = schema.columns.map((c) => `${quoteIdent(c.name)} ${c.type}`);
  return `CREATE TABLE ${quoteIdent(schema.table)} (${cols.join(', ')})`;
}

export interface LakeOptions {
  /** DuckDB memory limit for the in-memory query database (default 1GB). */
  memoryLimit?: string;
  /** DuckDB threads (default: the machine's cores, at most 4). */
  threads?: number;
}

export interface OpenedLake {
  instance: DuckDBInstance;
  connection: DuckDBConnection;
  /** The lake directory, absolute. */
  lake: string;
  /** Tables found with data (the others are empty tables with the store's columns). */
  tables: string[];
  close(): void;
}

/**
 * Opens a lake for queries: an in-memory DuckDB with one view per exported table. A core table
 * that the lake does not hold is an empty table with the store's columns (CORE_DDL), so queries
 * still run. Throws when the directory does not exist or holds no lake table.
 */
export async function openLake(lakeDir: string, opts: LakeOptions = {}): Promise<OpenedLake> {
  const lake = resolve(lakeDir);
  if (!existsSync(lake) || !statSync(lake).isDirectory()) {
    throw Object.assign(new Error(`lake ${lakeDir}: no such directory`), { code: 'ENOENT' });
  }
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const { availableParallelism } = await import('node:os');
  const threads = opts.threads ?? Math.min(4, availableParallelism());
  const instance = await DuckDBInstance.create(':memory:', {
    memory_limit: opts.memoryLimit ?? '1GB',
    threads: String(threads),
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
  const connection = await instance.connect();
  // Keep each file's footer in memory: every query of a session reads the same files.
  await connection.run('SET parquet_metadata_cache = true');
  const tables: string[] = [];
  for (const t of LAKE_TABLES) {
    const schema = readTableSchema(lake, t.name);
    if (schema && hasParquet(join(lake, t.name))) {
      await connection.run(viewSql(lake, t, schema));
      tables.push(t.name);
    } else if (schema) {
      await connection.run(emptyTableSql(schema));
    }
  }
  if (tables.length === 0) {
    connection.closeSync();
    instance.closeSync();
    throw Object.assign(
      new Error(`lake ${lakeDir}: no exported table found (run \`planledger export --to ${lakeDir}\`)`),
      {
        code: 'ENOLAKE',
      },
    );
  }
  for (const ddl of CORE_DDL) {
    const name = /CREATE TABLE IF NOT EXISTS (\w+)/.exec(ddl)?.[1];
    // The events are the lake's fct_yearly_events; the store's own table under them has no place here.
    if (name === EVENTS_STORED) continue;
    if (name === undefined || tables.includes(name) || readTableSchema(lake, name)) continue;
    const derived = DERIVED[name];
    await connection.run(derived ? `CREATE VIEW ${quoteIdent(name)} AS ${derived}` : ddl);
  }
  return {
    instance,
    connection,
    lake,
    tables,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/**
 * A store opened for queries only: the DuckDB file (read-only, through `openStore`) or a lake's
 * views. Same shape as `openStore`'s Store, plus where the data comes from.
 */
export interface QueryStore extends Store {
  source: { kind: 'db' | 'lake'; path: string };
}

/** An error the CLI reports as one line with exit 2 (src/cli/main.ts maps `E…` codes). */
function usage(err: Error, code: string): Error {
  return Object.assign(new Error(err.message), { code });
}

/**
 * Opens what the query commands read: `lake` when given (views over Parquet), else the DuckDB
 * file `db` read-only (other processes may read it at the same time). A missing or locked file
 * is an error with a code (exit 2 in the CLI), never an empty new database.
 */
export async function openQueryStore(
  opts: { db?: string; lake?: string } & LakeOptions,
): Promise<QueryStore> {
  if (opts.lake !== undefined) {
    const lake = await openLake(opts.lake, opts);
    const extra: DuckDBConnection[] = [];
    return {
      path: lake.lake,
      readOnly: true,
      instance: lake.instance,
      connection: lake.connection,
      async connect() {
        const c = await lake.instance.connect();
        extra.push(c);
        return c;
      },
      close() {
        for (const c of extra) c.closeSync();
        extra.length = 0;
        lake.close();
      },
      source: { kind: 'lake', path: lake.lake },
    };
  }
  const { openStore, StoreLockedError, StoreMissingError } = await import('./open.js');
  const path = opts.db ?? DEFAULT_DB_PATH;
  try {
    const store = await openStore({
      path,
      readOnly: true,
      memoryLimit: opts.memoryLimit,
      threads: opts.threads,
    });
    return Object.assign(store, { source: { kind: 'db' as const, path: resolve(path) } });
  } catch (err) {
    if (err instanceof StoreMissingError) throw usage(err, 'ENOENT');
    if (err instanceof StoreLockedError) throw usage(err, 'ELOCKED');
    throw err;
  }
}
