/** Parsers of option values shared by several commands: a bad value is a UsageError (exit 2). */
import { UsageError } from './exit.js';

/**
 * A whole-number option (`--workers`, `--seed`, `--sample`, …), within [min, max] when given.
 * At most 15 digits: every such value is exact as a JS number.
 */
export function parseWhole(flag: string, text: string, range?: { min: number; max: number }): number {
  const v = Number(text);
  if (!/^[0-9]{1,15}$/.test(text) || (range !== undefined && (v < range.min || v > range.max))) {
    const within = range === undefined ? '' : ` from ${range.min} to ${range.max}`;
    throw new UsageError(`${flag}: expected a whole number${within}, found ${JSON.stringify(text)}`);
  }
  return v;
}

/** A fraction option in [0, 1] written as a decimal (`--max-reject-rate`, `--min-success-rate`). */
export function parseFraction(flag: string, text: string): number {
  if (!/^[0-9]*\.?[0-9]+$/.test(text) || Number(text) > 1)
    throw new UsageError(`${flag}: expected a decimal from 0 to 1, found ${JSON.stringify(text)}`);
  return Number(text);
}

/** Parse `--wait SECONDS`. */
export function parseWait(text: string): number {
  if (!/^[0-9]+(\.[0-9]+)?$/.test(text))
    throw new UsageError(`--wait must be a number of seconds, got ${text}`);
  return Number(text);
}

export function parseDateOption(text: string, flag: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(`${text}T00:00:00Z`))) {
    throw new UsageError(`${flag} ${JSON.stringify(text)}: expected a calendar date YYYY-MM-DD`);
  }
  const d = new Date(`${text}T00:00:00Z`);
  if (d.toISOString().slice(0, 10) !== text) throw new UsageError(`${flag} ${text}: not a calendar date`);
  return text;
}

/**
 * The input files of `ingest` and `validate` exist and are files; `-` (standard input, at most
 * once) is not checked. A problem is named in plain words (exit 2).
 */
export async function checkInputFiles(files: string[]): Promise<void> {
  const { stat } = await import('node:fs/promises');
  const { plainCause } = await import('../errors/index.js');
  if (files.filter((f) => f === '-').length > 1) throw new UsageError('- (standard input) may be given once');
  for (const f of files) {
    if (f === '-') continue;
    const s = await stat(f).catch((e: NodeJS.ErrnoException) => {
      throw new UsageError(`cannot read ${f}: ${plainCause(f, e.code ?? e.message)}`);
    });
    if (!s.isFile())
      throw new UsageError(`cannot read ${f}: ${s.isDirectory() ? 'is a directory' : 'not a file'}`);
  }
}
