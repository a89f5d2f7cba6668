/**
 * The native normaliser (native/canonical.c, `canonical_normalise`), through which the read_csv
 * path stores a valid line of any spelling: whatever it accepts, the contract's validator
 * accepts too and serializes to the same canonical text; and it accepts every valid event in
 * any key order, spacing, line end and accepted value spelling (the arbitraries spell money
 * with '+', leading and trailing zeros, UUIDs in upper case, timestamps with 't', 'z' and
 * offsets, optional keys left out), unless a string holds text outside printable ASCII or an
 * escape (left to the validator). Every single-rule mutation of such a line is refused by both.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nativeRecogniser } from '../../src/ingest/native.js';
import { EVENT_STYLES, styleLine } from '../../src/perf/event-styles.js';
import { syntheticEventLines } from '../../src/perf/synthetic-events.js';
import type { EventType } from '../../src/schema/contract.js';
import { ENVELOPE_FIELDS, type Field, PAYLOAD_FIELDS } from '../../src/schema/fields.js';
import { serializeEvent, validateLine } from '../../src/schema/index.js';
import { validEvent } from '../schema/arbitraries.js';
import { canonicalLines, notCanonicalLines, randomEdits } from '../schema/canonical-corpus.js';
import { mutationsFor } from '../schema/mutations.js';

const native = nativeRecogniser();
const suite = native === null ? describe.skip : describe;
if (native === null) console.warn('test/ingest/normalise.test.ts: the native addon is not built; skipped');

type Obj = Record<string, unknown>;

/** The validator's canonical text of a line, or null when it rejects it. */
function validatorText(line: string): string | null {
  const v = validateLine(line, '', 0);
  return v.ok ? serializeEvent(v.event as never) : null;
}

function nativeText(line: string): string | null {
  return (native as NonNullable<typeof native>).canonicalise(Buffer.from(line, 'utf8'));
}

/** What the normaliser stores, the validator stores too, byte for byte. */
function expectSound(line: string): string | null {
  const got = nativeText(line);
  if (got !== null) expect(got, line).toBe(validatorText(line));
  return got;
}

/** JSON text of v with keys in the order `order` gives and white space `gap` after ':' and ','. */
function spelled(v: unknown, order: (keys: string[]) => string[], gap: string): string {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return JSON.stringify(v);
  const o = v as Obj;
  const parts = order(Object.keys(o).filter((k) => o[k] !== undefined)).map(
    (k) => `${JSON.stringify(k)}:${gap}${spelled(o[k], order, gap)}`,
  );
  return `{${gap}${parts.join(`,${gap}`)}${gap}}`;
}

const layout = fc.record({
  seed: fc.integer(),
  gap: fc.constantFrom('', ' ', '  ', '\t', ' \r'),
  end: fc.constantFrom('', '\r', ' ', ' \t\r'),
  lead: fc.constantFrom('', ' ', '\t'),
});

function shuffled(seed: number): (keys: string[]) => string[] {
  return (keys) => {
    let s = seed >>> 0;
    const out = [...keys];
    for (let i = out.length - 1; i > 0; i--) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const j = s % (i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  };
}

/** The event with each id that is not printable ASCII without '"' or '\\' replaced by a plain one. */
function plainIds(ev: Obj): Obj {
  const out = structuredClone(ev);
  const payload = out.payload as Obj;
  const fix = (o: Obj, fields: Field[]) => {
    for (const f of fields)
      if (f.kind.t === 'id' && typeof o[f.key] === 'string' && escapedOrWide(JSON.stringify(o[f.key])))
        o[f.key] = `id-${f.key}`;
  };
  fix(out, ENVELOPE_FIELDS);
  fix(payload, PAYLOAD_FIELDS[payload.event_type as EventType]);
  return out;
}

/** A value holds text outside printable ASCII, or a character JSON escapes ('"', '\\'). */
function escapedOrWide(line: string): boolean {
  return /[^ -~]|\\/.test(line);
}

suite('the native normaliser', () => {
  it('stores every valid event in any key order, spacing and spelling as the validator does', () => {
    let normalised = 0;
    fc.assert(
      fc.property(validEvent(), layout, (ev, { seed, gap, end, lead }) => {
        for (const e of [ev, plainIds(ev)]) {
          const line = lead + spelled(e, shuffled(seed), gap) + end;
          const want = validatorText(line);
          expect(want).not.toBeNull();
          const got = nativeText(line);
          // Left to the validator only when a value holds text outside printable ASCII or escaped.
          if (got === null) expect(escapedOrWide(line), line).toBe(true);
          else {
            expect(got).toBe(want);
            normalised++;
          }
        }
      }),
      { numRuns: 2000, seed: 20261206 },
    );
    expect(normalised).toBeGreaterThanOrEqual(2000);
  });

  it('refuses every single-rule mutation, in any key order and spacing', () => {
    fc.assert(
      fc.property(validEvent(), layout, (ev, { seed, gap }) => {
        for (const m of mutationsFor(ev)) {
          const bad = structuredClone(ev);
          m.apply(bad);
          const line = spelled(bad, shuffled(seed), gap);
          expect(nativeText(line), `${m.name}: ${line}`).toBeNull();
          expect(validatorText(line), `${m.name}: ${line}`).toBeNull();
        }
      }),
      { numRuns: 300, seed: 20261207 },
    );
  });

  it('agrees with the validator on random edits of lines of every style, and on the corpora', () => {
    const bases = canonicalLines(40);
    const styled = bases.flatMap((l, i) => EVENT_STYLES.map((s) => styleLine(l, s, i)));
    const edit = fc
      .record({
        base: fc.integer({ min: 0, max: styled.length - 1 }),
        at: fc.nat(),
        del: fc.integer({ min: 0, max: 3 }),
        ins: fc.array(
          fc.constantFrom(
            '"',
            ',',
            ':',
            ' ',
            '{',
            '}',
            'null',
            '0',
            '.0',
            '+',
            '\\u0041',
            '"x":1',
            'Z',
            '+02:00',
            'A',
          ),
          { maxLength: 2 },
        ),
      })
      .map(({ base, at, del, ins }) => {
        const s = styled[base];
        const i = at % (s.length + 1);
        return s.slice(0, i) + ins.join('') + s.slice(i + del);
      });
    let accepted = 0;
    for (const line of fc.sample(edit, { numRuns: 20000, seed: 20261208 }))
      if (expectSound(line) !== null) accepted++;
    expect(accepted).toBeGreaterThan(1000);
    for (const line of [...randomEdits(5000), ...notCanonicalLines()]) expectSound(line);
  });

  it('gives each benchmark style of the synthetic events back as the canonical line', () => {
    const lines = [...syntheticEventLines({ employees: 20, firstYear: 2024, years: 2 })];
    for (const style of EVENT_STYLES)
      lines.forEach((line, i) => {
        expect(nativeText(styleLine(line, style, i))).toBe(line);
      });
  });

  it('leaves to the validator what it does not handle: escapes, repeated keys, arrays, non-integer numbers', () => {
    const [line] = canonicalLines(0);
    const cases = [
      line.replace('"employee_id":"', '"employee_id":"\\u0045'),
      line.replace('{', '{"employee_id":"E9",'),
      line.replace('"payload":{', '"payload":{"event_type":"hire",'),
      line.replace(/"job_level":(\d+)/, '"job_level":$1.0'),
      line.replace(/"job_level":(\d+)/, '"job_level":[$1]'),
      line.replace(/}$/, ',}'),
      `${line}x`,
    ];
    for (const c of cases) {
      expect(c).not.toBe(line);
      expect(nativeText(c), c).toBeNull();
    }
    // The first is valid, stored through the validator with the same result.
    expect(validatorText(cases[0])).toBe(line.replace('"employee_id":"', '"employee_id":"E'));
  });
});
