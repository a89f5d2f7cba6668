/**
 * Validation of one event: the fast path (fast.ts) accepts a valid event and returns its
 * canonical form; anything it rejects goes to the detailed validator (detail.ts) for the list
 * of problems. Never throws, whatever the input.
 */
import type { CanonicalEvent } from './contract.js';
import { cut, detailProblems, foundText } from './detail.js';
import { fastCanonical } from './fast.js';
import type { Problem } from './rules.js';

export type ValidationResult = { ok: true; event: CanonicalEvent } | { ok: false; problems: Problem[] };
export type LineResult = ValidationResult & { file: string; line: number };

const problem = (path: string, expected: string, found: string): ValidationResult => ({
  ok: false,
  problems: [{ path, expected, found }],
});

/**
 * Validate a parsed value as an event. Valid: the canonical event (defaults filled, values in
 * canonical form, keys in contract order). Invalid: every problem found.
 */
export function validateEvent(value: unknown): ValidationResult {
  try {
    const event = fastCanonical(value);
    if (event !== undefined) return { ok: true, event: event as CanonicalEvent };
    return explain(value);
  } catch (err) {
    // Only a value that is not JSON data can get here (a throwing getter, a revoked proxy).
    return problem('', 'JSON object', `a value that cannot be read (${cut(String(err))})`);
  }
}

function explain(value: unknown): ValidationResult {
  // The contract is about JSON data: look at what JSON would carry (drops undefined, calls toJSON).
  let json: unknown;
  try {
    const text = JSON.stringify(value);
    if (text === undefined) return problem('', 'JSON object', foundText(value));
    json = JSON.parse(text);
  } catch (err) {
    return problem('', 'JSON object', `a value with no JSON form (${cut(String(err))})`);
  }
  const problems = detailProblems(json);
  if (problems.length > 0) return { ok: false, problems };
  const event = fastCanonical(json);
  if (event !== undefined) return { ok: true, event: event as CanonicalEvent };
  // The two validators agree on JSON data (test/schema/property.test.ts): never reached.
  /* v8 ignore start */
  return problem('', 'an event both validators accept', foundText(json));
  /* v8 ignore stop */
}

/** Validate one NDJSON line; text that is not JSON is a problem at path "". */
export function validateLine(text: string, file: string, line: number): LineResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problems: [{ path: '', expected: 'JSON object', found: cut(text) }], file, line };
  }
  const event = fastCanonical(value);
  if (event !== undefined) return { ok: true, event: event as CanonicalEvent, file, line };
  const r = validateEvent(value) as { ok: false; problems: Problem[] };
  return { ok: false, problems: r.problems, file, line };
}
