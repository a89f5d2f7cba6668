import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadWorkforceConfig, mergeDeep } from '../../src/simulate/config.js';

const dir = mkdtempSync(join(tmpdir(), 'planledger-config-'));
function file(name: string, value: unknown): string {
  const f = join(dir, name);
  writeFileSync(f, typeof value === 'string' ? value : JSON.stringify(value));
  return f;
}

function errorOf(path: string): ConfigError {
  try {
    loadWorkforceConfig(path);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('workforce config', () => {
  it('loads the shipped defaults', () => {
    const c = loadWorkforceConfig();
    expect(c.census.level_weights).toHaveLength(10);
    expect(c.compensation.base_by_level[0]).toBe('38000');
    expect(c.hiring.growth_rate).toBeGreaterThan(0);
  });

  it('merges an override over the defaults (objects by field, arrays whole)', () => {
    const f = file('ok.json', {
      hiring: { growth_rate: 0.05 },
      elections: { rates: [{ rate: '0.06', weight: 1 }] },
    });
    const c = loadWorkforceConfig(f);
    expect(c.hiring.growth_rate).toBe(0.05);
    expect(c.hiring.level_weights).toHaveLength(10);
    expect(c.elections.rates).toEqual([{ rate: '0.06', weight: 1 }]);
    expect(mergeDeep({ a: { b: 1, c: 2 } }, { a: { c: 3 } })).toEqual({ a: { b: 1, c: 3 } });
  });

  it('names the file and field of an unknown field', () => {
    const f = file('unknown.json', { merit: { meann: '0.03' } });
    const e = errorOf(f);
    expect(e.file).toBe(f);
    expect(e.field).toBe('/merit/meann');
    expect(e.message).toContain('unknown field');
  });

  it('names the field of a wrong value', () => {
    expect(errorOf(file('prob.json', { termination: { disability: 1.5 } })).field).toBe(
      '/termination/disability',
    );
    const rate = errorOf(file('rate.json', { merit: { mean: 0.03 } }));
    expect(rate.field).toBe('/merit/mean');
    expect(rate.reason).toContain('decimal string');
    expect(errorOf(file('levels.json', { census: { level_weights: [1, 2, 3] } })).reason).toContain(
      'exactly 10',
    );
    expect(errorOf(file('money.json', { compensation: { base_by_level: Array(10).fill('-5') } })).field).toBe(
      '/compensation/base_by_level/0',
    );
    expect(errorOf(file('md.json', { merit: { date: '02-30' } })).field).toBe('/merit/date');
    expect(errorOf(file('rise.json', { promotion: { raise_min: '0.2', raise_max: '0.1' } })).field).toBe(
      '/promotion/raise_min',
    );
    expect(
      errorOf(file('sum.json', { elections: { new_hire: { opt_out: 0.7, own_election: 0.6 } } })).field,
    ).toBe('/elections/new_hire/opt_out');
    expect(
      errorOf(file('sep.json', { termination: { base_by_level: Array(10).fill(0.9) } })).reason,
    ).toContain('sum to');
  });

  it('reports unreadable and malformed files', () => {
    expect(errorOf(join(dir, 'missing.json')).reason).toContain('cannot read');
    expect(errorOf(file('bad.json', '{ nope')).reason).toContain('not valid JSON');
    expect(errorOf(file('arr.json', [])).reason).toContain('expected an object');
  });
});
