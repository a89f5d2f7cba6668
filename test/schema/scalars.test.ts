import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DATE_PATTERN,
  ID_PATTERN,
  MONEY_NONNEG_PATTERN,
  MONEY_POS_PATTERN,
  RATE_BELOW_ONE_PATTERN,
  RATE_PATTERN,
  TIMESTAMP_PATTERN,
  UUID_PATTERN,
} from '../../src/schema/contract.js';
import { canonMoney, canonRate, canonTimestamp, canonUuid, isDate, isId } from '../../src/schema/scalars.js';

const re = (p: string) => new RegExp(p, 'u');
const decimalish = fc.stringMatching(/^[+-]?[0-9]{0,14}(\.[0-9]{0,8})?$/);

describe('scalar checkers accept what the contract patterns accept (and only real values beyond)', () => {
  it('money', () => {
    fc.assert(
      fc.property(fc.oneof(decimalish, fc.string()), (s) => {
        expect(canonMoney(s, false) !== undefined).toBe(re(MONEY_NONNEG_PATTERN).test(s));
        expect(canonMoney(s, true) !== undefined).toBe(re(MONEY_POS_PATTERN).test(s));
      }),
      { numRuns: 3000, seed: 4 },
    );
  });

  it('rates', () => {
    fc.assert(
      fc.property(fc.oneof(decimalish, fc.string()), (s) => {
        expect(canonRate(s, false) !== undefined).toBe(re(RATE_PATTERN).test(s));
        expect(canonRate(s, true) !== undefined).toBe(re(RATE_BELOW_ONE_PATTERN).test(s));
      }),
      { numRuns: 3000, seed: 5 },
    );
  });

  it('ids: the same characters as the pattern (U+0000–U+30FF, U+D7F0–U+FFFF)', () => {
    const pattern = re(ID_PATTERN);
    const differ: string[] = [];
    for (let c = 0; c < 0x10000; c = c === 0x3100 ? 0xd7f0 : c + 1) {
      const ch = String.fromCharCode(c);
      for (const s of [ch, `a${ch}`, `${ch}a`, `a${ch}a`]) if (isId(s) !== pattern.test(s)) differ.push(s);
    }
    expect(differ).toEqual([]);
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 140 }), (s) => {
        expect(isId(s)).toBe(pattern.test(s) && [...s].length <= 128);
      }),
      { numRuns: 2000, seed: 6 },
    );
    expect(isId(5)).toBe(false);
    expect(isId('\ud83d'.repeat(129))).toBe(false);
    expect(isId('\ud83d\ude00'.repeat(128))).toBe(true);
  });

  it('dates, timestamps and UUIDs never accept what the pattern refuses', () => {
    const ts = fc.stringMatching(
      /^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,7})?([Zz]|[+-][0-9]{2}:[0-9]{2})?$/,
    );
    fc.assert(
      fc.property(fc.oneof(ts, fc.string()), (s) => {
        if (canonTimestamp(s) !== undefined) expect(re(TIMESTAMP_PATTERN).test(s)).toBe(true);
      }),
      { numRuns: 3000, seed: 7 },
    );
    fc.assert(
      fc.property(fc.oneof(fc.stringMatching(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/), fc.string()), (s) => {
        if (isDate(s)) expect(re(DATE_PATTERN).test(s)).toBe(true);
      }),
      { numRuns: 3000, seed: 8 },
    );
    fc.assert(
      fc.property(fc.oneof(fc.uuid(), fc.string({ minLength: 36, maxLength: 36 })), (s) => {
        expect(canonUuid(s) !== undefined).toBe(re(UUID_PATTERN).test(s));
      }),
      { numRuns: 2000, seed: 9 },
    );
  });

  it('timestamps: canonical text is a fixed point, and names the same instant', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('0002-01-01T00:00:00Z'),
          max: new Date('9998-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: -1439, max: 1439 }),
        (d, off) => {
          const local = new Date(d.getTime() + off * 60_000).toISOString().slice(0, 23);
          const sign = off < 0 ? '-' : '+';
          const a = Math.abs(off);
          const text = `${local}${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
          const c = canonTimestamp(text)!;
          expect(c).toBeDefined();
          expect(canonTimestamp(c)).toBe(c);
          expect(new Date(c).getTime()).toBe(d.getTime());
        },
      ),
      { numRuns: 1000, seed: 10 },
    );
    expect(canonTimestamp('2025-01-01T00:00:00.1Zx')).toBeUndefined();
    expect(canonTimestamp('2025-01-01T00:00:00+01:00x')).toBeUndefined();
    expect(canonTimestamp('2025-01-01T00:00:00+0100')).toBeUndefined();
    expect(canonTimestamp('2025-01-01T00:00:00.Z')).toBeUndefined();
    expect(canonTimestamp(20250101)).toBeUndefined();
  });
});
