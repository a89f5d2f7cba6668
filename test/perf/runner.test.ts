import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { benchmarksOf, SUITE, type SuiteEntry, selectEntries } from '../../src/perf/registry.js';
import { parseResults, resultsJsonSchema } from '../../src/perf/results.js';
import { runSuite } from '../../src/perf/runner.js';
import type { Benchmark } from '../../src/perf/types.js';
import { suiteOf, tinyValidationBenchmark, validator } from './tiny-bench.js';

const quiet = () => {};

const fixed = (name: string, samples: number[], cpuBound?: boolean): Benchmark => ({
  name,
  description: 'fixed figures',
  async run(ctx) {
    expect(ctx.repetitions).toBeGreaterThanOrEqual(7);
    return [{ name: `${name}.ms`, unit: 'ms', direction: 'lower', samples, cpuBound }];
  },
});

const missing: SuiteEntry = { name: 'missing', summary: 'not written yet', load: async () => undefined };
const throwing: Benchmark = {
  name: 'throwing',
  description: 'fails',
  async run() {
    throw new Error('boom');
  },
};
const badFigures: Benchmark = {
  name: 'bad',
  description: 'returns NaN',
  async run() {
    return [{ name: 'bad.x', unit: 'ms', direction: 'lower', samples: [Number.NaN] }];
  },
};

function validateWithAjv(value: unknown): string[] {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  const validate = ajv.compile(resultsJsonSchema());
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

describe('the suite runner', () => {
  it('runs every entry; skips missing modules with a note; records failures without stopping', async () => {
    const results = await runSuite({
      quick: true,
      only: null,
      log: quiet,
      calibrationSamples: 1,
      suite: [
        ...suiteOf(fixed('a', [3, 1, 2, 5, 4, 7, 6], true)),
        missing,
        ...suiteOf(throwing, badFigures, tinyValidationBenchmark(validator(), 200)),
      ],
    });
    expect(results.suite.benchmarks.map((b) => [b.name, b.status])).toEqual([
      ['a', 'ok'],
      ['missing', 'skipped'],
      ['throwing', 'failed'],
      ['bad', 'failed'],
      ['tiny-validation', 'ok'],
    ]);
    expect(results.suite.benchmarks[2].note).toBe('boom');
    expect(results.suite.repetitions).toBe(7);
    expect(results.metrics.map((m) => m.name)).toEqual(['a.ms', 'tiny.validate_us_per_event']);
    expect(results.metrics[0]).toMatchObject({
      median: 4,
      mad: 2,
      cpu_bound: true,
      benchmark: 'a',
      direction: 'lower',
    });
    expect(results.metrics[1].samples).toHaveLength(7);
    expect(results.environment.calibration.samples).toHaveLength(2); // start and end of the run
    expect(results.environment.calibration.score).toBeGreaterThan(0);
    expect(results.environment.cores).toBeGreaterThanOrEqual(1);
  });

  it('writes a file that the documented JSON Schema accepts (Ajv, draft 2020-12) and the reader reads back', async () => {
    const results = await runSuite({
      quick: false,
      only: ['a'],
      log: quiet,
      calibrationSamples: 1,
      suite: [...suiteOf(fixed('a', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), fixed('b', [1]))],
    });
    expect(results.suite.repetitions).toBe(10);
    expect(results.metrics.map((m) => m.name)).toEqual(['a.ms']);
    const text = JSON.stringify(results);
    expect(validateWithAjv(JSON.parse(text))).toEqual([]);
    expect(parseResults(text, 'r.json')).toEqual(results);
  });

  it('the JSON Schema rejects what the reader rejects, naming the place', async () => {
    const results = await runSuite({ quick: true, only: null, log: quiet, calibrationSamples: 1, suite: [] });
    const broken = { ...results, metrics: [{ name: 'x', unit: 'ms', direction: 'sideways', samples: [] }] };
    expect(validateWithAjv(broken).length).toBeGreaterThan(0);
    expect(() => parseResults(JSON.stringify(broken), 'b.json')).toThrow(
      /^b\.json: not a valid results file: \/metrics\/0/,
    );
    expect(() => parseResults('{', 'c.json')).toThrow(/^c\.json: not JSON/);
    expect(() => parseResults(JSON.stringify({ ...results, schema_version: 2 }), 'd.json')).toThrow(
      /d\.json: schema_version 2 is not supported/,
    );
  });

  it('docs/bench-results.schema.json is the schema of the code (run `planledger bench schema` to refresh)', () => {
    const committed = JSON.parse(
      readFileSync(new URL('../../docs/bench-results.schema.json', import.meta.url), 'utf8'),
    );
    expect(committed).toEqual(resultsJsonSchema());
  });
});

describe('the registry', () => {
  it('lists the suite by name; --only selects and rejects unknown names', () => {
    expect(SUITE.map((e) => e.name)).toEqual([
      'validation',
      'ingest',
      'history',
      'snapshots',
      'ndt',
      'simulate',
      'compare',
    ]);
    expect(selectEntries(SUITE, ['ingest', 'validation']).map((e) => e.name)).toEqual([
      'validation',
      'ingest',
    ]);
    expect(() => selectEntries(SUITE, ['nope'])).toThrow(/unknown benchmark 'nope'/);
  });

  it('finds Benchmark exports whatever their names, once each', () => {
    const b = fixed('x', [1]);
    expect(benchmarksOf({ default: b, xBenchmark: b, other: 42 }, 'm')).toEqual([b]);
    expect(benchmarksOf({ all: [b, fixed('y', [1])] }, 'm')).toHaveLength(2);
    expect(() => benchmarksOf({ helper: () => 1 }, 'bench-z')).toThrow(/bench-z exports no Benchmark/);
  });
});
