/**
 * The JavaScript recogniser of canonical lines (src/schema/canonical-match.ts), and its verdict
 * alone (`recogniseCanonicalLine`, ingest's read_json path), are sound: every
 * line it recognises is one the validator accepts, whose canonical text is the line itself and
 * whose values are the validator's; and it is useful: the canonical lines of every kind are
 * recognised. The native recogniser is proven against it (test/ingest/native.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { matchCanonicalLine, recogniseCanonicalLine } from '../../src/schema/canonical-match.js';
import { serializeEvent, validateLine } from '../../src/schema/index.js';
import { canonicalLines, notCanonicalLines, randomEdits } from './canonical-corpus.js';

/** Indices of the recognised lines; each is checked against the validator on the way. */
function recognised(lines: string[]): number[] {
  const ok: number[] = [];
  lines.forEach((line, i) => {
    // Searched inside a larger text, as ingest does with a decoded chunk.
    const text = `x\n${line}\ny`;
    const m = matchCanonicalLine(text, 2, 2 + line.length);
    // The verdict alone (ingest's read_json path) agrees, with the payload text's length.
    expect(recogniseCanonicalLine(text, 2, 2 + line.length), line).toBe(
      m === null ? -1 : m.payloadEnd - m.payloadStart,
    );
    if (m === null) return;
    ok.push(i);
    const v = validateLine(line, '', 0);
    expect(v.ok, line).toBe(true);
    if (!v.ok) return;
    expect(serializeEvent(v.event as never), line).toBe(line);
    const { payload, ...envelope } = v.event as unknown as Record<string, unknown>;
    expect({ ...m.envelope }, line).toEqual(envelope);
    expect({ ...m.payload }, line).toEqual(payload);
    expect(text.slice(m.payloadStart, m.payloadEnd), line).toBe(JSON.stringify(payload));
    expect(m.kind).toBe((payload as { event_type: string }).event_type);
  });
  return ok;
}

describe('canonical lines recognised in JavaScript', () => {
  it('recognises the canonical line of every kind, and of a mixed corpus', () => {
    const lines = canonicalLines(300);
    expect(recognised(lines)).toHaveLength(lines.length);
  });

  it('does not recognise valid but non-canonical spellings, nor invalid lines', () => {
    const variants = notCanonicalLines();
    expect(recognised(variants)).toEqual([]);
  });

  it('recognises nothing the validator would reject or store differently (random edits)', () => {
    const lines = randomEdits(20000);
    const ok = recognised(lines);
    // The edits that happen to leave a canonical line (e.g. a digit for the same digit) are few.
    expect(ok.length).toBeLessThan(lines.length / 2);
  });
});
