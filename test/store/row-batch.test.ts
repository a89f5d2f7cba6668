import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scaledOf } from '../../src/store/row-batch.js';

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
