/**
 * The native recogniser and splitter (native/canonical.c, native/binding.c), which ingest's
 * read_csv path relies on: it recognises exactly the lines the JavaScript recogniser does
 * (src/schema/canonical-match.ts, itself proven against the validator in
 * test/schema/canonical-match.test.ts), with the same payload length, on the same corpora
 * (canonical lines of every kind, valid-but-not-canonical spellings, 20,000 random edits) and on
 * random valid events and their single-rule mutations; and it splits a recognised line into the
 * row DuckDB's CSV reader loads: the envelope's values, event_type, plan_id, the payload columns
 * and the payload's canonical text. Where the addon is absent, every test here is skipped with the
 * reason (test/support/native.ts); CI requires it (scripts/native-loaded.mjs).
 */
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { type NativeRecogniser, nativeRecogniser } from '../../src/ingest/native.js';
import { PAYLOAD_COLUMN_KEYS, PAYLOAD_COLUMNS } from '../../src/ingest/payload-columns.js';
import { recogniseCanonicalLine } from '../../src/schema/canonical-match.js';
import { type EventType, serializeEvent, validateEvent, validateLine } from '../../src/schema/index.js';
import { validEvent } from '../schema/arbitraries.js';
import { canonicalLines, notCanonicalLines, randomEdits } from '../schema/canonical-corpus.js';
import { mutationsFor } from '../schema/mutations.js';
import { skipWithoutNative } from '../support/native.js';

const native = nativeRecogniser() as NativeRecogniser;

/** Both recognisers' verdicts on a line given as its UTF-8 bytes (ingest reads bytes as Latin-1). */
function verdicts(line: string): [number, number] {
  const bytes = Buffer.from(line, 'utf8');
  const text = `x\n${bytes.toString('latin1')}\ny`;
  return [native.recognise(bytes), recogniseCanonicalLine(text, 2, text.length - 2)];
}

function expectSameVerdicts(lines: string[]): number {
  let recognised = 0;
  for (const line of lines) {
    const [n, js] = verdicts(line);
    expect(n, line).toBe(js);
    if (n >= 0) recognised++;
  }
  return recognised;
}

/** The row the splitter must write for a canonical line. */
function expectedRow(line: string, n: number): string {
  const v = validateLine(line, '', 0);
  if (!v.ok) throw new Error('not valid');
  const { payload, ...env } = v.event as unknown as Record<string, unknown> & {
    payload: Record<string, unknown>;
  };
  const text = (x: unknown) => (x === null || x === undefined ? '\\N' : String(x));
  const columns = PAYLOAD_COLUMN_KEYS[payload.event_type as EventType] ?? {};
  return [
    String(n),
    ...Object.values(env).map(text),
    text(payload.event_type),
    text(payload.plan_id),
    ...PAYLOAD_COLUMNS.map((c) => text(columns[c] === undefined ? null : payload[columns[c]])),
    JSON.stringify(payload),
  ].join('\t');
}

function splitAll(bytes: Uint8Array, outBytes: number): { rows: string[]; failedAt: number; chars: number } {
  const out = new Uint8Array(outBytes);
  let text = '';
  let lines = 0;
  let chars = 0;
  for (let at = 0; at < bytes.length; ) {
    const [consumed, size, n, failedAt, c] = native.split(bytes.subarray(at), out, lines);
    text += Buffer.from(out.subarray(0, size)).toString('latin1');
    lines += n;
    chars += c;
    if (failedAt >= 0) return { rows: text.split('\n').slice(0, -1), failedAt: at + failedAt, chars };
    if (consumed === 0) throw new Error('no progress');
    at += consumed;
  }
  return { rows: text.split('\n').slice(0, -1), failedAt: -1, chars };
}

describe('the native recogniser', () => {
  beforeEach((ctx) => skipWithoutNative(ctx));

  it('is built (npm ci builds it; ingest falls back to JavaScript only where it cannot be)', () => {
    expect(native).not.toBeNull();
  });

  it('recognises what the JavaScript recogniser does on the canonical-match corpora', () => {
    const lines = canonicalLines(300);
    expect(expectSameVerdicts(lines)).toBe(lines.length);
    expect(expectSameVerdicts(notCanonicalLines())).toBe(0);
    const edits = randomEdits(20000);
    const recognised = expectSameVerdicts(edits);
    expect(recognised).toBeGreaterThan(0);
    expect(recognised).toBeLessThan(edits.length / 2);
  });

  it('recognises the canonical text of random valid events, and none of their mutations', () => {
    fc.assert(
      fc.property(validEvent(), (ev) => {
        const v = validateEvent(ev);
        if (!v.ok) throw new Error('arbitrary not valid');
        const line = serializeEvent(v.event);
        const [n, js] = verdicts(line);
        expect(n).toBe(js);
        // Valid and canonical, yet not recognised: only text outside printable ASCII.
        if (n < 0) expect(line).toMatch(/[^ -~]/);
        // Each single-rule mutation, written in canonical key order: neither recognises it.
        for (const m of mutationsFor(JSON.parse(line))) {
          const bad = JSON.parse(line);
          m.apply(bad);
          const badLine = JSON.stringify(bad);
          expect(verdicts(badLine), `${m.name}: ${badLine}`).toEqual([-1, -1]);
        }
      }),
      { numRuns: 400, seed: 20261127 },
    );
  });

  it('agrees on targeted spellings of every value kind (timestamps, integers, money, rates, ids)', () => {
    const lines = canonicalLines(20);
    const spellings: [RegExp, string[]][] = [
      [
        /"created_at":"[^"]*"/,
        ['00.10Z', '00.0Z', '00.000000Z', '00.1234567Z', '00z', '00+00:00', '60Z', '00.5Z', '00.000001Z'].map(
          (t) => `"created_at":"2026-01-01T00:00:${t}"`,
        ),
      ],
      [
        /"job_level":\d+/,
        ['-0', '01', '1.0', '0', '11', '10', '1e0', '-1', '10000000000000000'].map((v) => `"job_level":${v}`),
      ],
      [/"new_job_level":\d+/, ['-0', '007', '9'].map((v) => `"new_job_level":${v}`)],
      [
        /"service_credited_hours":\d+/,
        ['-0', '00', '9007199254740993', '9007199254740992', '-5', '1000'].map(
          (v) => `"service_credited_hours":${v}`,
        ),
      ],
      [
        /"amount":"[^"]*"/,
        ['01', '1.10', '0', '0.0', '.5', '999999999999.999999', '1000000000000', '0.0000001'].map(
          (v) => `"amount":"${v}"`,
        ),
      ],
      [
        /"vested_percentage":"[^"]*"/,
        ['1', '1.0', '0.10', '0.0001', '0.00001', '0'].map((v) => `"vested_percentage":"${v}"`),
      ],
      [
        /"effective_date":"[^"]*"/,
        ['2024-02-29', '2023-02-29', '1900-02-29', '2000-02-29', '0000-01-01', '2024-13-01'].map(
          (v) => `"effective_date":"${v}"`,
        ),
      ],
      [
        /"employee_id":"[^"]*"/,
        [' E1', 'E1 ', 'E 1', 'x'.repeat(128), 'x'.repeat(129), ''].map((v) => `"employee_id":"${v}"`),
      ],
      [
        /"event_id":"[^"]*"/,
        ['00000000-0000-4000-8000-00000000000A', '00000000-0000-4000-8000-0000000000001'].map(
          (v) => `"event_id":"${v}"`,
        ),
      ],
    ];
    let tried = 0;
    for (const line of lines) {
      for (const [re, values] of spellings) {
        if (!re.test(line)) continue;
        for (const v of values) {
          expectSameVerdicts([line.replace(re, v)]);
          tried++;
        }
      }
    }
    expect(tried).toBeGreaterThan(200);
  });
});

describe('the native splitter', () => {
  beforeEach((ctx) => skipWithoutNative(ctx));

  it("writes each canonical line as the CSV reader's row, numbered from the given first", () => {
    const lines = canonicalLines(200);
    const bytes = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
    // A small output buffer: the splitter stops where the next row may not fit, and goes on.
    for (const outBytes of [1 << 20, 8192]) {
      const { rows, failedAt, chars } = splitAll(bytes, outBytes);
      expect(failedAt).toBe(-1);
      expect(rows).toEqual(lines.map(expectedRow));
      expect(chars).toBe(lines.reduce((n, l) => n + verdicts(l)[1], 0));
    }
    // The last line needs no newline.
    const last = splitAll(Buffer.from(lines.slice(0, 3).join('\n')), 1 << 16);
    expect(last.rows).toEqual(lines.slice(0, 3).map(expectedRow));
  });

  it('stops at the first line it cannot store, having split the lines before it', () => {
    const lines = canonicalLines(20).slice(0, 10);
    for (const bad of [
      '',
      ' ',
      '{"event_id":',
      `${lines[2]}x`,
      lines[2].replace('"employee_id":"', '"employee_id":"\\u0045'),
    ]) {
      const text = [...lines.slice(0, 5), bad, ...lines.slice(5)].join('\n');
      const { rows, failedAt } = splitAll(Buffer.from(text), 1 << 16);
      expect(rows).toEqual(lines.slice(0, 5).map(expectedRow));
      expect(failedAt).toBe(Buffer.byteLength(`${lines.slice(0, 5).join('\n')}\n`));
    }
  });

  it('splits a line spelled otherwise (CR, spaces, key order) as its canonical text', () => {
    const lines = canonicalLines(20).slice(0, 10);
    const spelled = [
      `${lines[3]}\r`,
      `${lines[2]} `,
      JSON.stringify(JSON.parse(lines[4]), null, 1).replace(/\n/g, ''),
    ];
    const text = [...lines.slice(0, 5), ...spelled, ...lines.slice(5)].join('\n');
    const { rows, failedAt } = splitAll(Buffer.from(text), 1 << 16);
    expect(failedAt).toBe(-1);
    expect(rows).toEqual(
      [...lines.slice(0, 5), lines[3], lines[2], lines[4], ...lines.slice(5)].map(expectedRow),
    );
  });
});
