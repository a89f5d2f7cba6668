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
