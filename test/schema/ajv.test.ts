/**
 * Independent cross-check: Ajv (draft 2020-12), compiled from the emitted JSON Schema files,
 * agrees with the validator on every structural rule over the same corpora. Rules beyond JSON
 * Schema (real dates and times, cross-field rules) are the only disagreements allowed, and
 * exactly those.
 */
import Ajv2020 from 'ajv/dist/2020.js';
import fc from 'fast-check';
import Schema from 'typebox/schema';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, PAYLOADS, SimulationEvent } from '../../src/schema/contract.js';
import { detailProblems } from '../../src/schema/detail.js';
import { EVENT_SCHEMA_FILE, payloadSchemaFile, schemaFiles } from '../../src/schema/emit.js';
import { validateEvent } from '../../src/schema/index.js';
import { validEvent } from './arbitraries.js';
import { mutationsFor } from './mutations.js';

const files = schemaFiles();
const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ allErrors: true, strict: true });
const ajvEvent = ajv.compile(JSON.parse(files.get(EVENT_SCHEMA_FILE)!));
const ajvPayload = new Map(
  EVENT_TYPES.map((k) => [k, ajv.compile(JSON.parse(files.get(payloadSchemaFile(k))!))]),
);
const typeboxEvent = Schema.Compile(SimulationEvent);

describe('Ajv on the emitted schema', () => {
  it('accepts every valid event, and each payload against its own file', () => {
    fc.assert(
      fc.property(validEvent(), (ev) => {
        expect(ajvEvent(ev), JSON.stringify(ajvEvent.errors)).toBe(true);
        const p = ev.payload as { event_type: (typeof EVENT_TYPES)[number] };
        expect(ajvPayload.get(p.event_type)!(p)).toBe(true);
      }),
      { numRuns: 500, seed: 11 },
    );
  });

  it('rejects exactly the structural mutations; the others only the validator rejects', () => {
    fc.assert(
      fc.property(validEvent(), fc.nat(), (ev, pick) => {
        const all = mutationsFor(ev);
        const m = all[pick % all.length];
        const bad = JSON.parse(JSON.stringify(ev));
        m.apply(bad);
        expect(ajvEvent(bad), m.name).toBe(!m.structural);
        expect(typeboxEvent.Check(bad), m.name).toBe(!m.structural);
        expect(validateEvent(bad).ok).toBe(false);
      }),
      { numRuns: 1500, seed: 12 },
    );
  });

  it('agrees with the compiled TypeBox check on mangled events, and the validator is stricter', () => {
    fc.assert(
      fc.property(
        validEvent(),
        fc.jsonValue({ maxDepth: 2 }),
        fc.nat(),
        fc.boolean(),
        (valid, junk, pick, inPayload) => {
          const ev = structuredClone(valid);
          const target = (inPayload ? ev.payload : ev) as Record<string, unknown>;
          const keys = Object.keys(target);
          target[keys[pick % keys.length]] = junk;
          const json = JSON.parse(JSON.stringify(ev));
          const structural = ajvEvent(json);
          expect(typeboxEvent.Check(json)).toBe(structural);
          if (validateEvent(json).ok) expect(structural).toBe(true);
          if (!structural) expect(detailProblems(json).length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 1500, seed: 13 },
    );
  });

  it('each payload file matches the TypeBox definition it came from', () => {
    for (const k of EVENT_TYPES) {
      const own = JSON.parse(files.get(payloadSchemaFile(k))!);
      expect(own.properties).toEqual(JSON.parse(JSON.stringify(PAYLOADS[k])).properties);
      expect(own.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(own.$id).toMatch(/^urn:planledger:schema:payload-/);
    }
  });
});
