/**
 * The event contract as the store uses it (src/schema is its single source of truth): this
 * file only names the entry points the store needs, so that ingest workers load them too.
 */
import type { CanonicalEvent } from '../schema/index.js';
import {
  type Problem,
  serializeEvent,
  type ValidationResult,
  validateEvent,
  validateLine,
} from '../schema/index.js';

export type { CanonicalEvent, ValidationResult };
export type EventProblem = Problem;

export interface Contract {
  validateEvent(value: unknown): ValidationResult;
  /** JSON.parse + validateEvent with the contract's problem for text that is not JSON. */
  validateLine(text: string): ValidationResult;
  serializeEvent(event: CanonicalEvent): string;
}

const contract: Contract = {
  validateEvent,
  validateLine: (text) => validateLine(text, '', 0),
  serializeEvent,
};

/** The contract's validator and serializer. */
export async function loadContract(): Promise<Contract> {
  return contract;
}
