/**
 * Errors a user can act on, raised by the library; the CLI maps them to exit codes (src/cli/
 * main.ts: one plain line, exit 2, never "internal error", no stack, no SQL).
 *
 * `fileProblemOf` recognises the I/O failures DuckDB and Node report for a user's path (a
 * missing directory, a file that is not a DuckDB file, a directory, no permission, a damaged
 * Parquet file) and names the path and the cause in plain words (docs/store.md, "Errors").
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * The library's error for a user's mistake: bad input, a missing or unreadable file, a setting
 * out of range. The message names the file, line, field and reason in plain words. The library
 * never decides an exit code: the CLI (src/cli/main.ts) maps this error to exit 2, one line, no
 * stack trace.
 */
export class InputError extends Error {
  override name = 'InputError';
}

/** A file or directory the command could not use: the path, and the cause in plain words. */
export class FileProblem extends InputError {
  override name = 'FileProblem';
  constructor(
    readonly path: string,
    /** The cause in plain words ("no such directory /x", "not a DuckDB file", …). */
    readonly reason: string,
    /** What was being done, e.g. "cannot open the store". */
    doing = 'cannot open',
  ) {
    super(`${doing} ${path}: ${reason}`);
  }
}

/** The closest folder above `path` that is missing (the one to create), or null. */
function missingDirectory(path: string): string | null {
  let dir = dirname(resolve(path));
  let missing: string | null = null;
  while (!existsSync(dir)) {
    missing = dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return missing;
}

/** An operating system's cause (errno code or its text) in plain words, for `path`. */
export function plainCause(path: string, cause: string): string {
  const c = cause.toLowerCase();
  if (c === 'enoent' || c.includes('no such file or directory')) {
    const dir = missingDirectory(path);
    return dir !== null ? `no such directory ${dir}` : 'no such file';
  }
  if (c === 'enotdir' || c.includes('not a directory')) return `a part of the path is not a directory`;
  if (c === 'eisdir' || c.includes('is a directory')) return 'is a directory';
  if (
    c === 'eacces' ||
    c === 'eperm' ||
    c.includes('permission denied') ||
    c.includes('operation not permitted')
  ) {
    return 'permission denied';
  }
  if (c === 'erofs' || c.includes('read-only file system')) return 'read-only file system';
  if (c === 'enospc' || c.includes('no space left')) return 'no space left on the device';
  return cause;
}

/** DuckDB's I/O messages about a path: [pattern, cause (null: the OS cause in the message)]. */
const DUCKDB_FILE_MESSAGES: [RegExp, string | null][] = [
  [/The file "([^"]+)" exists, but it is not a valid DuckDB database file/, 'not a DuckDB file'],
  [/Cannot open file "([^"]+)": ([^\n]+)/, null],
  [/Could not read from file "([^"]+)": ([^\n]+)/, null],
  [/Could not write file "([^"]+)": ([^\n]+)/, null],
  [
    /File '([^']+)' too small to be a Parquet file/,
    'not a Parquet file (too small): the lake is damaged; export it again',
  ],
  [
    /No magic bytes found at end of file '([^']+)'/,
    'not a Parquet file (no Parquet footer): the lake is damaged; export it again',
  ],
];

/**
 * The user's file problem behind `err` (a DuckDB I/O error or a Node errno error with a path),
 * or null when `err` is something else. `path`: the path the caller was opening, used when the
 * error names none.
 */
export function fileProblemOf(err: unknown, path?: string, doing?: string): FileProblem | null {
  if (err instanceof FileProblem) return err;
  const e = err as NodeJS.ErrnoException | undefined;
  const message = typeof e?.message === 'string' ? e.message : '';
  if (typeof e?.code === 'string' && /^E[A-Z]+$/.test(e.code) && (e.path ?? path) !== undefined) {
    const p = (e.path ?? path) as string;
    const cause = plainCause(p, e.code);
    return cause === e.code ? null : new FileProblem(p, cause, doing);
  }
  for (const [re, cause] of DUCKDB_FILE_MESSAGES) {
    const m = re.exec(message);
    if (m === null) continue;
    const reason = cause ?? plainCause(m[1], m[2]);
    // The store's write-ahead log, beside it: a store that cannot be written.
    if (m[1].endsWith('.wal'))
      return new FileProblem(
        m[1].slice(0, -4),
        `${reason} (its write-ahead log ${m[1]})`,
        'cannot write the store',
      );
    return new FileProblem(m[1], reason, doing);
  }
  return null;
}

/**
 * A path that cannot be a store before DuckDB tries it: a missing directory, or a directory.
 * (DuckDB's own messages cover the rest: fileProblemOf.)
 */
export function storePathProblem(path: string): FileProblem | null {
  if (path === ':memory:' || path === '') return null;
  const doing = 'cannot open the store';
  const dir = missingDirectory(path);
  if (dir !== null) return new FileProblem(path, `no such directory ${dir}`, doing);
  if (existsSync(path) && statSync(path).isDirectory()) return new FileProblem(path, 'is a directory', doing);
  return null;
}

/**
 * DuckDB's out-of-memory error (its `memory_limit` reached by an operator that cannot spill, or
 * the machine out of memory) in plain words, or null when `err` is something else. Not a bug in
 * the command and not the user's mistake: the CLI prints it as one line with what to change,
 * exit 2 (docs/store.md, "Settings").
 */
export function outOfMemoryOf(err: unknown): string | null {
  const message = typeof (err as Error | undefined)?.message === 'string' ? (err as Error).message : '';
  const m = /Out of Memory Error: ([^\n]+)/.exec(message);
  if (m === null) return null;
  return (
    `DuckDB ran out of memory (${m[1].replace(/\.\s*$/, '')}). ` +
    'Raise its limit with PLANLEDGER_MEMORY_LIMIT (for example PLANLEDGER_MEMORY_LIMIT=4GB; ' +
    'the snapshot build: PLANLEDGER_BUILD_MEMORY_LIMIT), ' +
    'or free memory on this machine, and run the command again.'
  );
}
