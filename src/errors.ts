/**
 * The library's error for a user's mistake: bad input, a missing or unreadable file, a setting
 * out of range. The message names the file, line, field and reason in plain words. The library
 * never decides an exit code: the CLI (src/cli/main.ts) maps this error to exit 2, one line, no
 * stack trace.
 */
export class InputError extends Error {
  override name = 'InputError';
}
