import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type RowBatch, RowBatchBuilder, scaledOf } from '../../src/store/row-batch.js';
import { numberedEvent } from './helpers.js';

/** The plain definition: the digits with the point removed, padded to the scale. */
function reference(text: string, scale: number): bigint {
  const [int, frac = ''] = text.split('.');
  return BigInt(int + frac.padEnd(scale, '0'));
}

describe('scaledOf', () => {
  it('agrees with the digit-string definition for canonical money and rates', () => {
    const money = fc
      .tuple(fc.bigInt({ min: 0n, max: 999_999_999_999n }), fc.bigInt({ min: 0n, max: 999_999n }))
      .map(([i, f]) => (f === 0n ? `${i}` : `${i}.${f.toString().padStart(6, '0').replace(/0+$/, '')}`));
    fc.assert(fc.property(money, (m) => scaledOf(m, 6) === reference(m, 6)));
    const rate = fc
      .integer({ min: 0, max: 10_000 })
      .map((n) =>
        n === 10_000 ? '1' : n === 0 ? '0' : `0.${String(n).padStart(4, '0').replace(/0+$/, '')}`,
      );
    fc.assert(fc.property(rate, (r) => scaledOf(r, 4) === reference(r, 4)));
  });

  it('is exact at the edges of the double fast path', () => {
    for (const t of ['0', '999999999.999999', '9999999999.999999', '999999999999.999999', '0.000001', '1']) {
      expect(scaledOf(t, 6)).toBe(reference(t, 6));
    }
  });
});

describe('RowBatchBuilder reusing a finished batch', () => {
  const event = numberedEvent;
  const build = (events: ReturnType<typeof numberedEvent>[], reuse?: RowBatch) => {
    const b = new RowBatchBuilder(4, 'default~pending', reuse);
    for (const e of events) b.add(e, JSON.stringify(e.payload));
    return b.finish();
  };
  /** Every row's every column, as the writer reads them (the first `count` rows). */
  const rowsOf = (b: RowBatch) => {
    const n = b.count;
    const longs = Array.from(b.longs.subarray(0, b.longCount * 3));
    const end = longs.length > 0 ? longs[longs.length - 1] : 0;
    return {
      n,
      eventId: Array.from(b.eventId.subarray(0, n * 16)),
      cols: [b.effectiveDate, b.simulationYear, b.createdAt, b.amount, b.ytdAmount, b.vested, ...b.facts].map(
        (a) => Array.from(a.subarray(0, n) as ArrayLike<number | bigint>),
      ),
      valid: [b.amountValid, b.ytdValid, b.vestedValid, ...b.factValid, ...b.strValid].map((a) =>
        Array.from(a.subarray(0, n)),
      ),
      images: b.strImages.map((a) => Array.from(a.subarray(0, n * 16))),
      longs,
      blob: Array.from(b.blob.subarray(0, end)),
    };
  };

  it('gives the rows a fresh builder gives, whatever the batch held before', () => {
    const kinds = ['contribution', 'merit', 'vesting'] as const;
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...kinds), { minLength: 1, maxLength: 40 }),
        fc.array(fc.constantFrom(...kinds), { minLength: 1, maxLength: 40 }),
        (first, second) => {
          const old = build(first.map((k, i) => event(k, i)));
          const next = second.map((k, i) => event(k, 1000 + i));
          expect(rowsOf(build(next, old))).toEqual(rowsOf(build(next)));
        },
      ),
      { numRuns: 50 },
    );
  });
});
