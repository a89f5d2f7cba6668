/**
 * Deterministic event ids (UUID version 8): sha256(scenario + '\0' + employee) hashed once
 * per person gives the high bits; the per-person sequence number fills the low 32 bits.
 * Same scenario, employee and sequence → same id; different people never share a prefix
 * short of a sha256 collision in 92 bits.
 */
import { createHash } from 'node:crypto';

/** The id of the person's n-th event (0-based, n < 2^32). */
export type IdMaker = (sequence: number) => string;

export function eventIdMaker(scenarioId: string, employeeId: string): IdMaker {
  const h = createHash('sha256').update(scenarioId).update('\0').update(employeeId).digest();
  h[6] = (h[6] & 0x0f) | 0x80; // version 8
  h[8] = (h[8] & 0x3f) | 0x80; // RFC 4122 variant
  const hex = h.toString('hex', 0, 12);
  // xxxxxxxx-xxxx-8xxx-yxxx-xxxx + 8 hex digits of the sequence
  const prefix = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 24)}`;
  return (n: number) => prefix + (n >>> 0).toString(16).padStart(8, '0');
}
