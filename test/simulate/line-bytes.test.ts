/** A batch's NDJSON lines as UTF-8 bytes (src/simulate/line-bytes.ts): the same bytes as the joined text. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineBytes } from '../../src/simulate/line-bytes.js';

const decoder = new TextDecoder();

describe('LineBytes', () => {
  it('holds exactly the UTF-8 of the lines, each ending in a newline, across growth and batches', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ unit: 'binary', maxLength: 40 }), { maxLength: 30 }), { maxLength: 5 }),
        fc.integer({ min: 1, max: 64 }),
        (batches, capacity) => {
          const lines = new LineBytes(capacity);
          for (const batch of batches) {
            for (const line of batch) lines.add(line);
            const bytes = lines.take();
            const text = batch.map((l) => `${l}\n`).join('');
            expect(Buffer.from(bytes).equals(Buffer.from(text, 'utf8'))).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives an empty view when nothing was added, and each take owns its buffer', () => {
    const lines = new LineBytes(8);
    expect(lines.take().length).toBe(0);
    lines.add('{"a":1}');
    const first = lines.take();
    lines.add('é');
    const second = lines.take();
    expect(first.buffer).not.toBe(second.buffer);
    expect(decoder.decode(first)).toBe('{"a":1}\n');
    expect(decoder.decode(second)).toBe('é\n');
  });
});
