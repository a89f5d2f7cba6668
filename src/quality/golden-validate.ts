/**
 * Validation of golden input events through the contract's validator (src/schema). When the
 * full validator module is present it is used; otherwise the compiled TypeBox schema of the
 * contract checks the structure and the engine's decision reader fills the defaults.
 */
import type { SimulationEvent } from '../schema/contract.js';
import { isValidDate } from '../schema/dates.js';

export type ValidationResult = { ok: true; event: SimulationEvent } | { ok: false; problems: string[] };
export type EventValidator = (value: unknown) => ValidationResult;

const SCHEMA_INDEX = '../schema/index.js';

/** Load the best available validator. */
export async function loadEventValidator(): Promise<EventValidator> {
  try {
    const mod = (await import(SCHEMA_INDEX)) as { validateEvent?: (v: unknown) => unknown };
    if (typeof mod.validateEvent === 'function') return adapt(mod.validateEvent);
  } catch {
    // the module is not there yet: fall back below
  }
  return await structuralValidator();
}

function describe(e: unknown): string {
  if (typeof e === 'string') return e;
  const o = e as Record<string, unknown>;
  const path = o.path ?? o.instancePath ?? '';
  if (o.expected !== undefined || o.found !== undefined)
    return `${path}: expected ${o.expected}, found ${o.found}`;
  return `${path}: ${o.message ?? JSON.stringify(e)}`;
}

function adapt(fn: (v: unknown) => unknown): EventValidator {
  return (value) => {
    const r = fn(value) as Record<string, unknown>;
    const ok = r.ok ?? r.valid;
    if (ok === true) return { ok: true, event: (r.event ?? r.value) as SimulationEvent };
    const errs = (r.errors ?? r.problems ?? []) as unknown[];
    return { ok: false, problems: errs.map(describe) };
  };
}

async function structuralValidator(): Promise<EventValidator> {
  const { default: Schema } = await import('typebox/schema');
  const { SimulationEvent } = await import('../schema/contract.js');
  const compiled = Schema.Compile(SimulationEvent as never);
  return (value) => {
    if (!compiled.Check(value)) {
      const [, errors] = compiled.Errors(value) as unknown as [
        boolean,
        { instancePath: string; message: string }[],
      ];
      return { ok: false, problems: errors.map((e) => `${e.instancePath || '/'}: ${e.message}`) };
    }
    const ev = value as SimulationEvent;
    if (!isValidDate(ev.effective_date))
      return { ok: false, problems: ['/effective_date: not a calendar date'] };
    return { ok: true, event: ev };
  };
}
