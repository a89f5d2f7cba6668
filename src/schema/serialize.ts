/**
 * Canonical serialization (events.md, Wire format): keys in the contract's order, every field
 * written (defaults filled, absent optional fields as null), no spaces. Values are written as
 * they are: pass a validated event (validateEvent) or values built in canonical form
 * (formatDecimal, lower-case UUIDs, UTC timestamps).
 */
import type { SimulationEvent } from './contract.js';
import { reorderEvent } from './fast.js';

export function serializeEvent(event: SimulationEvent): string {
  return JSON.stringify(reorderEvent(event));
}
