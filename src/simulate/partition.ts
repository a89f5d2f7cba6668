/**
 * Partitions and shards (docs/simulate.md, Sharding). Every person belongs to one of 256
 * partitions by a stable hash of their employee id; partitions are the unit of work and
 * of output order. A shard `i/n` is the set of partitions p with p % n == i − 1.
 */
import { hashString } from './prng.js';

export const PARTITIONS = 256;
const PARTITION_HASH_SEED = 0x7a3d_1c05;

/** The partition of an employee id: stable across versions, platforms and runs. */
export function partitionOf(employeeId: string): number {
  return hashString(employeeId, PARTITION_HASH_SEED) & (PARTITIONS - 1);
}

export interface Shard {
  /** 1-based shard number. */
  index: number;
  count: number;
}

/** Parse `i/n` (1 ≤ i ≤ n ≤ 256); undefined when the text is not of that form. */
export function parseShard(text: string): Shard | undefined {
  const m = /^([0-9]{1,3})\/([0-9]{1,3})$/.exec(text.trim());
  if (m === null) return undefined;
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > PARTITIONS || index < 1 || index > count) return undefined;
  return { index, count };
}

/** The partitions of a shard in ascending order (all partitions without a shard). */
export function partitionsOfShard(shard: Shard | undefined): number[] {
  const out: number[] = [];
  for (let p = 0; p < PARTITIONS; p++)
    if (shard === undefined || p % shard.count === shard.index - 1) out.push(p);
  return out;
}

const TAG_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * The id of the `index`-th (0-based) person hired by `partition` in `year`, e.g. `H2023-017-0004-k2`.
 * The readable part names the partition, year and index; the short tag is the first one (in a
 * fixed order) that makes the id hash into `partition`, so partitionOf(id) === partition holds
 * for hires as for everyone else.
 */
export function hireId(partition: number, year: number, index: number): string {
  const base = `H${year}-${String(partition).padStart(3, '0')}-${String(index).padStart(4, '0')}-`;
  for (let len = 1; len <= 3; len++) {
    const limit = TAG_ALPHABET.length ** len;
    for (let n = 0; n < limit; n++) {
      let tag = '';
      let v = n;
      for (let k = 0; k < len; k++) {
        tag = TAG_ALPHABET[v % TAG_ALPHABET.length] + tag;
        v = Math.floor(v / TAG_ALPHABET.length);
      }
      const id = base + tag;
      if (partitionOf(id) === partition) return id;
    }
  }
  /* c8 ignore next */
  throw new Error(`no hire id tag found for partition ${partition}`);
}
