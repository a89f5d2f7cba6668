import { describe, expect, it } from 'vitest';
import { compareResults } from '../../src/perf/compare.js';
import { runSuite } from '../../src/perf/runner.js';
import { suiteOf, tinyValidationBenchmark, validator } from './tiny-bench.js';

const quiet = () => {};

describe('bench compare flags a real slowdown', () => {
  it('a run with a deliberately slowed validator (4× the work) regresses against the normal one', async () => {
    const run = (factor: number) =>
      runSuite({
        quick: true,
        only: null,
        log: quiet,
        calibrationSamples: 1,
        suite: suiteOf(tinyValidationBenchmark(validator(factor))),
      });
    const base = await run(1);
    const slowed = await run(4);
    const c = compareResults(base, slowed);
    const m = c.metrics.find((x) => x.name === 'tiny.validate_us_per_event')!;
    expect(m.test).toBe('mann-whitney');
    expect(m.verdict).toBe('regressed');
    expect(m.p_value).toBeLessThan(0.01);
    expect(c.regressions).toBe(1);
    // and back again: the normal validator is an improvement over the slowed one
    expect(compareResults(slowed, base).metrics[0].verdict).toBe('improved');
  });
});
