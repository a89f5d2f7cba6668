/** Branches of the contract machinery that valid and mutated events do not reach. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { foundText } from '../../src/schema/detail.js';
import { canonScalar, fieldsOf, realityOf } from '../../src/schema/fields.js';
import { exampleEvent, serializeEvent } from '../../src/schema/index.js';
import { canonTimestamp, canonUuid } from '../../src/schema/scalars.js';
import { validateFiles } from '../../src/schema/validate-files.js';

describe('internals', () => {
  it('reads field lists from any object schema, and refuses a field it cannot check', () => {
    const [f] = fieldsOf({ type: 'object', properties: { n: { type: 'integer' } } });
    expect(f).toMatchObject({ key: 'n', kind: { t: 'int', min: -Infinity, max: Infinity }, required: false });
    expect(() => fieldsOf({ type: 'object', properties: { x: { type: 'number' } } })).toThrow(
      /no scalar kind for field x/,
    );
    expect(fieldsOf({ type: 'object' })).toEqual([]);
    expect(realityOf({ t: 'id' })).toBeUndefined();
    expect(canonScalar({ t: 'payload' }, {})).toBeUndefined();
    expect(canonScalar({ t: 'enum', values: ['a'] }, 'a')).toBe('a');
    expect(canonScalar({ t: 'const', value: 'a' }, 'b')).toBeUndefined();
  });

  it('found text of values with no JSON form', () => {
    expect(foundText(undefined)).toBe('missing');
    expect(foundText(5n)).toBe('5n');
    expect(foundText(Symbol('s'))).toBe('Symbol(s)');
    const bad = {
      toJSON() {
        throw new Error('no');
      },
    };
    expect(foundText(bad)).toBe('[object Object]');
  });

  it('malformed timestamps and UUIDs', () => {
    for (const t of [
      '2025-01-01X00:00:00Z',
      '2025-01-01T00-00:00Z',
      '2025-01-01T00:00-00Z',
      '2025-01-01T0a:00:00Z',
    ]) {
      expect(canonTimestamp(t), t).toBeUndefined();
    }
    expect(canonTimestamp('2025-01-01T00:00:00+01-00')).toBeUndefined();
    expect(canonTimestamp('2025-01-01T00:00:00+1a:00')).toBeUndefined();
    expect(canonUuid('3f2504e0x4f89-11d3-9a0c-0305e82c3301')).toBeUndefined();
    expect(canonUuid('3f2504e0-4f89-11d3-9a0c-0305e82c330g')).toBeUndefined();
  });

  it('serializes a payload of an unknown kind as it is (the validator is what rejects it)', () => {
    const e = exampleEvent('merit');
    e.payload = { event_type: 'bonus', b: 1, a: 2 };
    expect(serializeEvent(e as never)).toContain('"payload":{"event_type":"bonus","b":1,"a":2}');
    e.payload = null;
    expect(serializeEvent(e as never)).toContain('"payload":null');
  });

  it('a file with no event has success rate 0', async () => {
    const p = join(mkdtempSync(join(tmpdir(), 'planledger-empty-')), 'e.ndjson');
    writeFileSync(p, '\n\n');
    expect(await validateFiles([p], { maxErrors: 5 })).toEqual({
      total: 0,
      valid: 0,
      invalid: 0,
      success_rate: 0,
      errors: [],
      errors_truncated: false,
    });
  });
});

describe('cut', () => {
  it('cuts at 80 code points, never inside a surrogate pair', async () => {
    const { cut } = await import('../../src/schema/detail.js');
    expect(cut('x'.repeat(80))).toBe('x'.repeat(80));
    expect(cut('x'.repeat(81))).toBe('x'.repeat(79) + '…');
    expect(cut('😀'.repeat(80))).toBe('😀'.repeat(80));
    expect(cut('😀'.repeat(81))).toBe('😀'.repeat(79) + '…');
    expect(Array.from(cut('😀'.repeat(200)))).toHaveLength(80);
  });
});
