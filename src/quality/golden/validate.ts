/**
 * Validation of golden input events through the contract's validator (src/schema): a valid
 * event comes back in canonical form; an invalid one with every problem (path, expected, found).
 */
import type { SimulationEvent } from '../../schema/contract.js';
import { validateEvent } from '../../schema/index.js';

export type ValidationResult = { ok: true; event: SimulationEvent } | { ok: false; problems: string[] };
export type EventValidator = (value: unknown) => ValidationResult;

export const contractValidator: EventValidator = (value) => {
  const r = validateEvent(value);
  if (r.ok) return { ok: true, event: r.event as SimulationEvent };
  return {
    ok: false,
    problems: r.problems.map((p) => `${p.path || '/'}: expected ${p.expected}, found ${p.found}`),
  };
};

/** The validator the golden runner uses (async for callers that load it lazily). */
export async function loadEventValidator(): Promise<EventValidator> {
  return contractValidator;
}
