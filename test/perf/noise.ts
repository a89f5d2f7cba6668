/** Seeded noise for the statistical tests: a small PRNG and log-normal samples. */

import { mulberry32 } from '../../src/perf/random.js';

export const rng = mulberry32;

/** A standard normal draw (Box-Muller). */
export function normal(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** `n` log-normal samples with the given mean and coefficient of variation. */
export function logNormal(random: () => number, n: number, mean: number, cv: number): number[] {
  const sigma = Math.sqrt(Math.log(1 + cv * cv));
  const mu = Math.log(mean) - (sigma * sigma) / 2;
  return Array.from({ length: n }, () => Math.exp(mu + sigma * normal(random)));
}
