/**
 * The calibration workload: a fixed, deterministic CPU task whose speed stands for "how fast
 * is this machine right now" (docs/benchmarks.md, "Calibration"). `bench compare` divides
 * CPU-bound figures by it when two runs come from different machines. It mixes what the
 * product's hot paths do: integer and floating-point arithmetic, string building and
 * parsing, small objects, a Map and a sort. Never change it without bumping the version:
 * scores of different versions are not comparable.
 */

import type { Calibration } from './results.js';
import { mad, median } from './stats.js';

export const CALIBRATION_WORKLOAD = 'planledger-calibration-v1';
const UNIT = 'passes/s';

/** One pass of the workload; returns a checksum so that nothing is optimised away. */
export function calibrationPass(seed: number): number {
  let x = seed | 0 || 1;
  const map = new Map<string, number>();
  const rows: { id: string; amount: number }[] = [];
  for (let i = 0; i < 2000; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const amount = ((x >>> 0) % 10_000_000) / 100;
    const id = 'E' + ((x >>> 8) % 5000).toString(36);
    rows.push({ id, amount });
    map.set(id, (map.get(id) ?? 0) + Math.sqrt(amount) * 1.0001);
  }
  rows.sort((a, b) => a.amount - b.amount || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  let text = '';
  for (let i = 0; i < rows.length; i += 10) text += rows[i].id + ':' + rows[i].amount.toFixed(2) + ',';
  let sum = 0;
  for (const part of text.split(',')) if (part) sum += Number.parseFloat(part.slice(part.indexOf(':') + 1));
  for (const v of map.values()) sum += v;
  return sum;
}

/** Passes per second over one timed sample of about `sampleMs` milliseconds. */
function sample(sampleMs: number): number {
  let passes = 0;
  let sink = 0;
  const start = process.hrtime.bigint();
  const limit = BigInt(Math.round(sampleMs * 1e6));
  let elapsed = 0n;
  while (elapsed < limit) {
    sink += calibrationPass(passes + 1);
    passes++;
    elapsed = process.hrtime.bigint() - start;
  }
  if (sink === Number.NEGATIVE_INFINITY) throw new Error('unreachable');
  return passes / (Number(elapsed) / 1e9);
}

/** Measures the workload: a warm-up, then `repetitions` samples of about `sampleMs` each. */
export function measureCalibrationSamples(repetitions: number, sampleMs = 100): number[] {
  sample(sampleMs); // warm-up: JIT
  const samples: number[] = [];
  for (let i = 0; i < repetitions; i++) samples.push(sample(sampleMs));
  return samples;
}

/** The calibration record of a run from all its samples (e.g. taken at its start and end). */
export function calibrationOf(samples: number[]): Calibration {
  return { score: median(samples), unit: UNIT, samples, mad: mad(samples), workload: CALIBRATION_WORKLOAD };
}
