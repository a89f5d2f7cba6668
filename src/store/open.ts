/**
 * Opening the store: one embedded DuckDB file. One process may write a database file at a
 * time (DuckDB holds an OS lock on it); a second process gets `StoreLockedError` naming the
 * file and the holder, or waits up to `waitSeconds` for the lock (docs/store.md, "Concurrency").
 * Inside one process any number of connections may be used at once (`store.connect()`).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { fileProblemOf, InputError, storePathProblem } from '../errors/index.js';
import { CORE_DDL, migrateEventsLayout, migrateRangesFirstPlanDate } from './ddl.js';
import { duckdb } from './duckdb.js';
import { rememberMemoryLimit, userMemoryLimit } from './memory-limit.js';

export interface OpenStoreOptions {
  /** The database file (the CLI's `--db`, default `./planledger.duckdb`). */
  path: string;
  /** Open for queries only: never creates the file or tables. */
  readOnly?: boolean;
  /**
   * Refuse to create the file: a missing store is `StoreMissingError` (the plain-words "no store
   * at PATH" of a read-only open) also when opening to write, for commands that write results
   * into an existing store (`ndt`).
   */
  mustExist?: boolean;
  /**
   * Retry for up to this many seconds while another process holds the lock (`--wait`; default:
   * the process's default, `setDefaultLockWait`, else 0).
   */
  waitSeconds?: number;
  /** Called when the open starts waiting for the lock, and again when its holder changes. */
  onWaiting?: (holder: string, waitSeconds: number) => void;
  /** DuckDB `memory_limit` (default `PLANLEDGER_MEMORY_LIMIT` or 1GB: docs/store.md, "Settings"). */
  memoryLimit?: string;
  /** DuckDB `threads` (default `PLANLEDGER_THREADS` or the machine's available parallelism). */
  threads?: number;
}

export interface Store {
  readonly path: string;
  readonly readOnly: boolean;
  readonly instance: DuckDBInstance;
  /** The store's main connection (the writer's, when not read-only). */
  readonly connection: DuckDBConnection;
  /** A further connection to the same database (for concurrent queries in this process). */
  connect(): Promise<DuckDBConnection>;
  /** Close every connection and the database. Idempotent. */
  close(): void;
}

/** Another process holds the database file's lock (an input error: the CLI's exit 2). */
export class StoreLockedError extends InputError {
  override name = 'StoreLockedError';
  constructor(
    readonly path: string,
    readonly holder: string,
  ) {
    super(
      `the database ${path} is locked by another process (${holder}): only one process may write ` +
        'a database at a time (and no other process may open it while it writes). Wait for it to ' +
        'finish, or pass --wait SECONDS to wait for the lock.',
    );
  }
}

/** The store file does not exist (read-only or `mustExist` open; an input error: the CLI's exit 2). */
export class StoreMissingError extends InputError {
  override name = 'StoreMissingError';
  constructor(readonly path: string) {
    super(
      `no store at ${path}: run \`planledger simulate\` or \`planledger ingest\` first, or pass --db PATH`,
    );
  }
}

export const DEFAULT_DB_PATH = './planledger.duckdb';
export const DEFAULT_MEMORY_LIMIT = '1GB';

/** How long openStore waits for a lock when not told (the CLI sets it from `--wait`). */
export interface LockWait {
  seconds: number;
  onWaiting?: (holder: string, waitSeconds: number) => void;
}

let defaultLockWait: LockWait = { seconds: 0 };

/**
 * Every later `openStore` of this process that is not given `waitSeconds` waits this long for
 * the lock, telling `onWaiting` who holds it: the CLI's `--wait SECONDS`, on every command that
 * opens a store, set once before the command runs (docs/store.md, "Concurrency").
 */
export function setDefaultLockWait(wait: LockWait): void {
  defaultLockWait = wait;
}

const LOCK_RE = /Could not set lock on file "([^"]*)": Conflicting lock is held in (.*?)(?:\. See also|$)/;

/** The settings the store runs with (documented in docs/store.md, "Settings"). */
export function storeSettings(
  opts: Pick<OpenStoreOptions, 'memoryLimit' | 'threads'>,
): Record<string, string> {
  const threads = opts.threads ?? Number(process.env.PLANLEDGER_THREADS ?? availableParallelism());
  return {
    memory_limit: opts.memoryLimit ?? userMemoryLimit() ?? DEFAULT_MEMORY_LIMIT,
    threads: String(Math.max(1, threads)),
    // Keep the order rows were inserted in: history and exports rely on seq, but zonemaps
    // (docs/store.md, "Layout") work best when the physical order follows ingest order.
    preserve_insertion_order: 'true',
    // The store never loads extensions at run time (json and parquet are built in).
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  };
}

export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  const readOnly = opts.readOnly ?? false;
  // A path that cannot be a store is named with its cause in plain words (src/errors).
  const problem = storePathProblem(opts.path);
  if (problem !== null) throw problem;
  if ((readOnly || opts.mustExist === true) && !existsSync(opts.path)) throw new StoreMissingError(opts.path);
  const { DuckDBInstance } = duckdb();
  const settings: Record<string, string> = { ...storeSettings(opts) };
  if (readOnly) settings.access_mode = 'READ_ONLY';
  const waitSeconds = opts.waitSeconds ?? defaultLockWait.seconds;
  const onWaiting = opts.onWaiting ?? defaultLockWait.onWaiting;
  const deadline = Date.now() + waitSeconds * 1000;
  let instance: DuckDBInstance;
  let holder = '';
  for (;;) {
    try {
      instance = await DuckDBInstance.create(opts.path, settings);
      break;
    } catch (err) {
      const m = LOCK_RE.exec((err as Error).message ?? '');
      if (m === null) throw fileProblemOf(err, opts.path, 'cannot open the store') ?? err;
      if (Date.now() >= deadline) throw new StoreLockedError(opts.path, m[2]);
      if (m[2] !== holder) onWaiting?.(m[2], waitSeconds);
      holder = m[2];
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const connections: DuckDBConnection[] = [];
  const connect = async () => {
    const c = await instance.connect();
    rememberMemoryLimit(c, settings.memory_limit);
    connections.push(c);
    return c;
  };
  const connection = await connect();
  if (!readOnly) {
    try {
      // An older store's events table first: CORE_DDL creates the view in its place.
      await migrateEventsLayout(connection);
      for (const ddl of CORE_DDL) await connection.run(ddl);
      await migrateRangesFirstPlanDate(connection);
    } catch (err) {
      connection.closeSync();
      instance.closeSync();
      throw fileProblemOf(err, opts.path, 'cannot write the store') ?? err;
    }
  }
  let closed = false;
  return {
    path: opts.path,
    readOnly,
    instance,
    connection,
    connect,
    close() {
      if (closed) return;
      closed = true;
      for (const c of connections) c.closeSync();
      instance.closeSync();
    },
  };
}

/** Open for queries only (history, scenario list, reports). */
export function openStoreReadOnly(path: string, opts: Omit<OpenStoreOptions, 'path' | 'readOnly'> = {}) {
  return openStore({ ...opts, path, readOnly: true });
}

/** Names of the tables that exist in the store (other areas' tables may be absent). */
export async function existingTables(conn: DuckDBConnection): Promise<Set<string>> {
  const r = await conn.runAndReadAll(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_type = 'BASE TABLE'",
  );
  return new Set(r.getRows().map((row) => String(row[0])));
}
