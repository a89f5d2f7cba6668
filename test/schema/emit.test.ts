import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../src/schema/contract.js';
import { EVENT_SCHEMA_FILE, eventSchema, payloadSchemaFile, schemaFiles } from '../../src/schema/emit.js';

const DIR = join(import.meta.dirname, '../../schemas');

describe('committed JSON Schema files', () => {
  it('are exactly what the code emits (regenerate with `planledger schema --out schemas`)', () => {
    const files = schemaFiles();
    expect(readdirSync(DIR).sort()).toEqual([...files.keys()].sort());
    for (const [name, text] of files) expect(readFileSync(join(DIR, name), 'utf8'), name).toBe(text);
  });

  it('declare draft 2020-12 and an $id, one file per payload kind', () => {
    const files = schemaFiles();
    expect(files.size).toBe(1 + EVENT_TYPES.length);
    for (const k of EVENT_TYPES) expect(files.has(payloadSchemaFile(k))).toBe(true);
    const ev = eventSchema();
    expect(ev.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(ev.$id).toBe(`urn:planledger:schema:${EVENT_SCHEMA_FILE}`);
    expect(Object.keys(ev.$defs as object)).toHaveLength(EVENT_TYPES.length);
    expect(ev.description).toContain('ytd_amount');
  });
});
