/**
 * Which failures are the user's input (exit 2, one clear line naming file, row/field and reason)
 * and which are defects (reported with their stack).
 */
import { CensusError, EngineInputError, PlanError } from '../engine/errors.js';
import { InputError } from '../errors/index.js';
import { ConfigError } from './config.js';

const INPUT_ERRORS = new Set([
  'CensusError',
  'PlanError',
  'ConfigError',
  'EngineInputError',
  'InputError',
  'UsageError',
]);

export function isInputError(err: unknown): boolean {
  return (
    err instanceof CensusError ||
    err instanceof PlanError ||
    err instanceof ConfigError ||
    err instanceof EngineInputError ||
    err instanceof InputError ||
    INPUT_ERRORS.has((err as Error)?.name)
  );
}

/** 2 for input errors, 1 otherwise (a failed run). */
export function errorExitCode(err: unknown): number {
  return isInputError(err) ? 2 : 1;
}
