/**
 * The contribution source `employee_roth_catch_up` (events.md, contribution; SECURE 2.0 §603)
 * is accepted everywhere the contract checks events: the validator, the JSON Schema files (Ajv),
 * the JavaScript and native canonical recognisers, every ingest path; it is stored, read back
 * in canonical form, exported to the lake and lands in the `employee_roth` bucket.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { type IngestOptions, ingestFiles } from '../../src/ingest/ingest.js';
import { nativeRecogniser } from '../../src/ingest/native.js';
import { SOURCE_BUCKET } from '../../src/ledger/buckets.js';
import { recogniseCanonicalLine } from '../../src/schema/canonical-match.js';
import { exampleEvent, serializeEvent, validateEvent } from '../../src/schema/index.js';
import { exportToLake } from '../../src/store/export.js';
import { readEventsCanonical } from '../../src/store/read.js';
import { skipWithoutNative } from '../support/native.js';
import { count, newStore, tempDir, writeLines } from './helpers.js';

const SOURCE = 'employee_roth_catch_up';

/** A valid contribution of `source` as a wire object; `i` varies ids and amounts. */
function contribution(source: string, i: number): Record<string, unknown> {
  const e = exampleEvent('contribution', i) as { payload: Record<string, unknown> };
  return {
    ...e,
    event_id: `00000000-0000-4000-8000-${String(900 + i).padStart(12, '0')}`,
    payload: { ...e.payload, source },
  };
}

function canonicalLine(e: Record<string, unknown>): string {
  const v = validateEvent(e);
  if (!v.ok) throw new Error(`fixture invalid: ${JSON.stringify(v)}`);
  return serializeEvent(v.event);
}

const bytes = (s: string) => new TextEncoder().encode(s);

describe('contribution source employee_roth_catch_up', () => {
  it('is valid for the validator and the JSON Schema files; a misspelling is not', () => {
    const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ strict: true });
    const schema = JSON.parse(
      readFileSync(new URL('../../schemas/simulation-event.schema.json', import.meta.url), 'utf8'),
    );
    const ajvEvent = ajv.compile(schema);
    expect(validateEvent(contribution(SOURCE, 1)).ok).toBe(true);
    expect(ajvEvent(contribution(SOURCE, 1))).toBe(true);
    expect(validateEvent(contribution('employee_roth_catchup', 1)).ok).toBe(false);
    expect(ajvEvent(contribution('employee_roth_catchup', 1))).toBe(false);
  });

  it('is recognised as canonical by the JavaScript and the native recognisers', (ctx) => {
    skipWithoutNative(ctx);
    const line = canonicalLine(contribution(SOURCE, 2));
    expect(line).toContain(`"source":"${SOURCE}"`);
    expect(recogniseCanonicalLine(line, 0, line.length)).toBeGreaterThan(0);
    const native = nativeRecogniser();
    expect(native).not.toBeNull();
    expect(native!.recognise(bytes(line))).toBeGreaterThan(0);
    const wrong = line.replace(SOURCE, 'employee_roth_catchup');
    expect(recogniseCanonicalLine(wrong, 0, wrong.length)).toBe(-1);
    expect(native!.recognise(bytes(wrong))).toBe(-1);
  });

  it('is the employee_roth bucket', () => {
    expect(SOURCE_BUCKET[SOURCE]).toBe('employee_roth');
  });

  const paths: { name: string; opts: IngestOptions; route: string }[] = [
    { name: 'auto, native read_csv', opts: { path: 'auto', native: true }, route: 'csv' },
    { name: 'auto, read_json', opts: { path: 'auto', native: false }, route: 'json' },
    { name: 'workers', opts: { path: 'workers', workers: 1 }, route: 'workers' },
  ];
  for (const { name, opts, route } of paths) {
    it(`is stored, read back canonical and exported on the ${name} path`, async (ctx) => {
      skipWithoutNative(ctx, opts.native === true);
      const dir = tempDir();
      const canonical = [1, 2, 3].map((i) => canonicalLine(contribution(SOURCE, i)));
      // a non-canonical spelling of the same kind of event (trailing zero on the amount)
      const loose = JSON.stringify(contribution(SOURCE, 4)).replace(/"amount":"([0-9.]+)"/, '"amount":"$10"');
      const file = writeLines(join(dir, 'roth-catch-up.ndjson'), [...canonical, loose]);
      const store = await newStore(dir);
      const routes: string[] = [];
      const r = await ingestFiles(store, [file], { ...opts, onRoute: (x) => routes.push(x.path) });
      expect(routes[0]).toBe(route);
      expect(r.rejected).toBe(0);
      expect(r.accepted).toBe(4);
      expect(
        await count(
          store,
          `SELECT count(*) FROM fct_yearly_events WHERE source = '${SOURCE}' AND amount > 0`,
        ),
      ).toBe(4);
      const texts: string[] = [];
      for await (const e of readEventsCanonical(store.connection, { order: 'seq' })) texts.push(e.text);
      expect(texts.slice(0, 3)).toEqual(canonical);
      expect(texts[3]).toBe(canonicalLine(contribution(SOURCE, 4)));
      const lake = join(dir, 'lake');
      await exportToLake(store.connection, lake);
      const exported = await store.connection.runAndReadAll(
        `SELECT count(*) FROM read_parquet('${lake}/fct_yearly_events/**/*.parquet') WHERE source = '${SOURCE}'`,
      );
      expect(Number(exported.getRows()[0][0])).toBe(4);
    });
  }
});
