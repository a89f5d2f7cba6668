/**
 * Counter-based random draws. Every draw is a pure function of its key
 * (seed, stream, year, decision, counter): no shared generator state, so the order in
 * which partitions, people or threads are processed can never change a result. This is
 * what makes `--workers` and `--shard` byte-neutral (docs/simulate.md, Determinism).
 *
 * The mixer is MurmurHash3's 32-bit block step and finaliser applied to a short vector of
 * 32-bit words; two differently seeded lanes give 64 bits per key, of which 53 make a
 * uniform double in [0, 1).
 */

/** A 64-bit stream key as two unsigned 32-bit lanes (e.g. the hash of an employee id). */
export interface StreamKey {
  readonly a: number;
  readonly b: number;
}

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mixWord(h: number, k: number): number {
  let x = Math.imul(k, C1);
  x = (x << 15) | (x >>> 17);
  x = Math.imul(x, C2);
  let y = h ^ x;
  y = (y << 13) | (y >>> 19);
  return (Math.imul(y, 5) + 0xe6546b64) | 0;
}

function finish(h: number, len: number): number {
  let x = h ^ len;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** MurmurHash3 (x86, 32-bit) of a string's UTF-16 code units, with a seed. Stable across platforms. */
export function hashString(text: string, seed: number): number {
  let h = seed | 0;
  const n = text.length;
  let i = 0;
  for (; i + 1 < n; i += 2) h = mixWord(h, text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16));
  if (i < n) {
    let k = Math.imul(text.charCodeAt(i), C1);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, C2);
  }
  return finish(h, n * 2);
}

/** The stream key of a text (an employee id, a partition label). */
export function streamKey(text: string): StreamKey {
  return { a: hashString(text, 0x9747b28c), b: hashString(text, 0x5bd1e995) };
}

/** The stream key of a partition (hiring draws are per partition, not per person). */
export function partitionKey(partition: number): StreamKey {
  return streamKey(`partition:${partition}`);
}

/**
 * A seeded source of keyed draws. `seed` is any safe integer; it enters as two 32-bit words.
 */
export class Draws {
  private readonly lo: number;
  private readonly hi: number;

  constructor(readonly seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
    this.lo = seed >>> 0;
    this.hi = Math.floor(seed / 0x1_0000_0000) | 0;
  }

  private lane(laneSeed: number, key: StreamKey, year: number, decision: number, counter: number): number {
    let h = laneSeed;
    h = mixWord(h, this.lo);
    h = mixWord(h, this.hi);
    h = mixWord(h, key.a);
    h = mixWord(h, key.b);
    h = mixWord(h, year);
    h = mixWord(h, decision);
    h = mixWord(h, counter);
    return finish(h, 28);
  }

  /** A uniform double in [0, 1) for (seed, key, year, decision, counter). */
  uniform(key: StreamKey, year: number, decision: number, counter = 0): number {
    const x = this.lane(0x243f6a88, key, year, decision, counter) >>> 5; // 27 bits
    const y = this.lane(0x85a308d3, key, year, decision, counter) >>> 6; // 26 bits
    return (x * 67108864 + y) / 9007199254740992;
  }

  /** True with probability p. */
  chance(p: number, key: StreamKey, year: number, decision: number, counter = 0): boolean {
    return p > 0 && this.uniform(key, year, decision, counter) < p;
  }

  /** An integer in [lo, hi], both inclusive. */
  intBetween(lo: number, hi: number, key: StreamKey, year: number, decision: number, counter = 0): number {
    return lo + Math.floor(this.uniform(key, year, decision, counter) * (hi - lo + 1));
  }

  /** A standard normal variate (Box–Muller over counters 2c and 2c+1). */
  normal(key: StreamKey, year: number, decision: number, counter = 0): number {
    const u1 = this.uniform(key, year, decision, 2 * counter);
    const u2 = this.uniform(key, year, decision, 2 * counter + 1);
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** An index into `weights` chosen with probability proportional to its weight. */
  pick(weights: readonly number[], key: StreamKey, year: number, decision: number, counter = 0): number {
    let total = 0;
    for (const w of weights) total += w;
    let u = this.uniform(key, year, decision, counter) * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u < 0) return i;
    }
    return weights.length - 1;
  }
}

/**
 * Decision tags: the `decision` word of a draw's key. Values are fixed forever (changing one
 * changes every simulated scenario); add new ones at the end.
 */
export const D = {
  birth: 1,
  tenure: 2,
  level: 3,
  department: 4,
  salary: 5,
  merit: 6,
  promotion: 7,
  promotionRaise: 8,
  termination: 9,
  terminationDay: 10,
  terminationReason: 11,
  hireCount: 12,
  hireDay: 13,
  election: 14,
  electionRate: 15,
  electionDay: 16,
  electionRoth: 17,
  electionAfterTax: 18,
  electionChange: 19,
  hireTag: 20,
  electionMatchCap: 21,
  electionCatchUp: 22,
} as const;
