/** Parsers of option values shared by several commands: a bad value is a UsageError (exit 2). */
import { UsageError } from './exit.js';

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
