/**
 * Reading the quality area's JSON files (alerts, thresholds, baselines): every problem is one
 * InputError (the CLI's exit 2) naming the file, the field and the reason.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../errors/index.js';

/** Parse a JSON object, or fail naming the file. */
export function parseJsonObject(file: string, text: string, what = 'an object'): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${file}: not valid JSON: ${(err as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new InputError(`${file}: expected ${what}`);
  return doc as Record<string, unknown>;
}

/** A function that throws the error of one field of `file`. */
export function fieldFailer(file: string): (field: string, reason: string) => never {
  return (field, reason) => {
    throw new InputError(`${file}: field "${field}": ${reason}`);
  };
}

/** Read a file's text, or fail naming it. */
export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`${file}: cannot read: ${(err as Error).message}`);
  }
}
