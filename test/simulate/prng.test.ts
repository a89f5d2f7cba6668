import { describe, expect, it } from 'vitest';
import {
  hireId,
  PARTITIONS,
  parseShard,
  partitionOf,
  partitionsOfShard,
} from '../../src/simulate/partition.js';
import { D, Draws, hashString, streamKey } from '../../src/simulate/prng.js';

describe('keyed draws', () => {
  it('are a pure function of (seed, key, year, decision, counter)', () => {
    const a = new Draws(42);
    const b = new Draws(42);
    const k = streamKey('E000001');
    expect(a.uniform(k, 2021, D.merit)).toBe(b.uniform(k, 2021, D.merit));
    // Drawing other values first changes nothing: there is no shared stream.
    for (let i = 0; i < 100; i++) b.uniform(streamKey(`x${i}`), 2020, D.salary, i);
    expect(a.uniform(k, 2021, D.merit, 3)).toBe(b.uniform(k, 2021, D.merit, 3));
    expect(new Draws(43).uniform(k, 2021, D.merit)).not.toBe(a.uniform(k, 2021, D.merit));
    expect(a.uniform(k, 2022, D.merit)).not.toBe(a.uniform(k, 2021, D.merit));
  });

  it('are uniform in [0, 1) with the right mean', () => {
    const d = new Draws(7);
    let sum = 0;
    let min = 1;
    let max = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const u = d.uniform(streamKey(`p${i}`), 2021, D.termination);
      sum += u;
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.01);
  });

  it('pick follows the weights and intBetween stays in range', () => {
    const d = new Draws(1);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[d.pick([1, 2, 7], streamKey(`q${i}`), 2021, D.level)]++;
    expect(counts[2] / 30_000).toBeCloseTo(0.7, 1);
    expect(counts[0] / 30_000).toBeCloseTo(0.1, 1);
    for (let i = 0; i < 1000; i++) {
      const v = d.intBetween(3, 5, streamKey(`r${i}`), 2021, D.hireDay);
      expect(v).toBeGreaterThanOrEqual(3);
      expect(v).toBeLessThanOrEqual(5);
    }
    expect(() => new Draws(1.5)).toThrow(RangeError);
  });

  it('hashString is MurmurHash3 x86_32 over UTF-16LE code units (independent reference values)', () => {
    // Computed with a separate Python implementation checked against murmur3("hello") = 613153351.
    expect(hashString('', 0)).toBe(0);
    expect(hashString('a', 0)).toBe(1867108634);
    expect(hashString('ab', 1)).toBe(4132460154);
    expect(hashString('hello', 0)).toBe(3619887497);
    expect(hashString('E000001', 0x7a3d1c05)).toBe(4167053628);
  });
});

describe('partitions and shards', () => {
  it('partitionOf is stable (fixed values guard against accidental changes)', () => {
    const seen = new Set<number>();
    for (let i = 1; i <= 5000; i++) seen.add(partitionOf(`E${String(i).padStart(6, '0')}`));
    expect(seen.size).toBe(PARTITIONS);
    // Fixed forever: changing them would move people between partitions and shards.
    expect(['E000001', 'E000002', 'H2023-017-0004-a'].map(partitionOf)).toEqual([60, 232, 155]);
  });

  it('hire ids fall into the partition that hired them', () => {
    for (const p of [0, 1, 17, 128, 255]) {
      for (const year of [2021, 2025]) {
        for (let i = 0; i < 5; i++) {
          const id = hireId(p, year, i);
          expect(partitionOf(id)).toBe(p);
          expect(id.startsWith(`H${year}-${String(p).padStart(3, '0')}-${String(i).padStart(4, '0')}-`)).toBe(
            true,
          );
        }
      }
    }
    expect(hireId(3, 2022, 1)).toBe(hireId(3, 2022, 1));
  });

  it('shards split the partitions without overlap', () => {
    expect(parseShard('1/2')).toEqual({ index: 1, count: 2 });
    expect(parseShard('0/2')).toBeUndefined();
    expect(parseShard('3/2')).toBeUndefined();
    expect(parseShard('1/257')).toBeUndefined();
    expect(parseShard('x')).toBeUndefined();
    const all = [1, 2, 3].flatMap((i) => partitionsOfShard({ index: i, count: 3 }));
    expect(all.sort((a, b) => a - b)).toEqual(partitionsOfShard(undefined));
    expect(partitionsOfShard({ index: 2, count: 2 }).every((p) => p % 2 === 1)).toBe(true);
  });
});
