/**
 * JSON Schema (draft 2020-12) files emitted from the TypeBox definitions of contract.ts:
 * `simulation-event.schema.json` (the envelope, payload kinds under `$defs`) and one
 * `payload-<kind>.schema.json` per kind. They are committed under schemas/ and a test fails
 * when they drift from the code. The rules JSON Schema cannot state (real calendar dates,
 * cross-field rules) are listed in each file's description.
 */
import { EVENT_TYPES, type EventType, PAYLOADS, SimulationEvent } from './contract.js';
import { CROSS_RULES } from './rules.js';

const DIALECT = 'https://json-schema.org/draft/2020-12/schema';
const ID_BASE = 'urn:planledger:schema:';

export const EVENT_SCHEMA_FILE = 'simulation-event.schema.json';
export const payloadSchemaFile = (kind: EventType): string => `payload-${kind}.schema.json`;

/** A plain JSON copy of a TypeBox schema (no TypeBox-only markers). */
const plain = (schema: unknown): Record<string, unknown> => JSON.parse(JSON.stringify(schema));

const DATES_NOTE =
  'Beyond this schema: dates must be real calendar dates (0001-01-01 to 9999-12-31); timestamps a real ' +
  'time (second 60 refused) with an offset of at most 23:59, in UTC years 0001-9999.';

function rulesNote(kind: EventType): string {
  const rules = CROSS_RULES.filter((r) => r.kind === kind).map((r) => `${r.path}: ${r.expected}`);
  return rules.length === 0 ? '' : ` Cross-field rules of ${kind}: ${rules.join('; ')}.`;
}

const defName = (kind: EventType): string => `payload_${kind}`;

/** The envelope schema: every payload kind in `$defs`, chosen with anyOf. */
export function eventSchema(): Record<string, unknown> {
  const s = plain(SimulationEvent);
  (s.properties as Record<string, unknown>).payload = {
    description: 'one of the eleven payload kinds, chosen by payload.event_type',
    anyOf: EVENT_TYPES.map((k) => ({ $ref: `#/$defs/${defName(k)}` })),
  };
  return {
    $schema: DIALECT,
    $id: `${ID_BASE}${EVENT_SCHEMA_FILE}`,
    title: 'planledger simulation event',
    description: `One event of the planledger event contract (events.md). ${DATES_NOTE}${EVENT_TYPES.map(rulesNote).join('')}`,
    ...s,
    $defs: Object.fromEntries(EVENT_TYPES.map((k) => [defName(k), plain(PAYLOADS[k])])),
  };
}

/** The standalone schema of one payload kind. */
export function payloadSchema(kind: EventType): Record<string, unknown> {
  return {
    $schema: DIALECT,
    $id: `${ID_BASE}${payloadSchemaFile(kind)}`,
    title: `planledger ${kind} payload`,
    description: `The payload of a ${kind} event (events.md, Payloads). ${DATES_NOTE}${rulesNote(kind)}`,
    ...plain(PAYLOADS[kind]),
  };
}

/** Every schema file: name → text (2-space JSON, final newline). */
export function schemaFiles(): Map<string, string> {
  const text = (v: unknown): string => JSON.stringify(v, null, 2) + '\n';
  const files = new Map<string, string>([[EVENT_SCHEMA_FILE, text(eventSchema())]]);
  for (const k of EVENT_TYPES) files.set(payloadSchemaFile(k), text(payloadSchema(k)));
  return files;
}
