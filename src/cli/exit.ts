/**
 * CLI conventions, everywhere: exit 0 = done and every check passed, 1 = a check failed,
 * 2 = usage or I/O error. Results go to stdout, progress and logs to stderr.
 */
export const EXIT_OK = 0;
export const EXIT_CHECK_FAILED = 1;
export const EXIT_USAGE = 2;

import { InputError } from '../errors/index.js';

/**
 * A usage or I/O error: printed as one clear line, exit 2, no stack trace. The library's
 * InputError is mapped the same way (exitCodeFor in main.ts).
 */
export class UsageError extends InputError {
  override name = 'UsageError';
}

/** A failed check whose details were already printed: exit 1. */
export class CheckFailed extends Error {
  override name = 'CheckFailed';
}

/** Print a line to stderr (logs, progress, warnings). */
export function log(message: string): void {
  process.stderr.write(message + '\n');
}

/** Print a result line to stdout. */
export function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : text + '\n');
}

/** Print a machine-readable result to stdout. */
export function outJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}
