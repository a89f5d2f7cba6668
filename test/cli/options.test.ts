/** The option parsers every command shares: a bad value is one UsageError naming the flag (exit 2). */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/exit.js';
import { parseFraction, parseWhole } from '../../src/cli/options.js';

describe('option parsers', () => {
  it('parseWhole takes whole numbers within the range and names the flag otherwise', () => {
    expect(parseWhole('--workers', '2')).toBe(2);
    expect(parseWhole('--sample', '0', { min: 0, max: 1000 })).toBe(0);
    expect(() => parseWhole('--workers', '1.5')).toThrow(UsageError);
    expect(() => parseWhole('--workers', '-1')).toThrow('--workers: expected a whole number, found "-1"');
    expect(() => parseWhole('--sample', '1001', { min: 0, max: 1000 })).toThrow(
      '--sample: expected a whole number from 0 to 1000, found "1001"',
    );
    expect(() => parseWhole('--seed', '1234567890123456')).toThrow(/--seed: expected a whole number/);
  });

  it('parseFraction takes decimals from 0 to 1', () => {
    expect(parseFraction('--max-reject-rate', '0.05')).toBe(0.05);
    expect(parseFraction('--max-reject-rate', '1')).toBe(1);
    expect(parseFraction('--max-reject-rate', '.5')).toBe(0.5);
    for (const bad of ['1.01', '-0.1', 'x', '', '5%'])
      expect(() => parseFraction('--max-reject-rate', bad)).toThrow(
        `--max-reject-rate: expected a decimal from 0 to 1, found ${JSON.stringify(bad)}`,
      );
  });
});
