/**
 * The event contract (events.md): types, validation, canonical serialization, NDJSON reading
 * and JSON Schema emission. Other areas import from here.
 */
export type {
  CanonicalEvent,
  CanonicalPayload,
  ContributionSource,
  EmployerBucket,
  EventType,
  Payload,
  SimulationEvent,
} from './contract.js';
export { CONTRIBUTION_SOURCES, EMPLOYER_BUCKETS, EVENT_TYPES } from './contract.js';
export { EVENT_SCHEMA_FILE, eventSchema, payloadSchema, payloadSchemaFile, schemaFiles } from './emit.js';
export { exampleEvent, mixedCorpus } from './examples.js';
export { type NdjsonLine, type ReadOptions, readNdjsonBatches, readNdjsonLines } from './ndjson.js';
export type { Problem } from './rules.js';
export { serializeEvent } from './serialize.js';
export { type LineResult, type ValidationResult, validateEvent, validateLine } from './validate.js';
