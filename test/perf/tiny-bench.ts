/**
 * A tiny real benchmark for the tests: validating a few contract events with the compiled
 * TypeBox validator, optionally through a wrapper that burns extra CPU (a deliberate slowdown).
 */
import Schema from 'typebox/schema';
import { repeatMs, usPerUnit } from '../../src/perf/measure.js';
import type { SuiteEntry } from '../../src/perf/registry.js';
import type { Benchmark } from '../../src/perf/types.js';
import { SimulationEvent } from '../../src/schema/contract.js';

const EVENTS: unknown[] = [
  {
    event_id: '3e52997e-07a1-5576-bf6a-f84cfdd7b7c3',
    employee_id: 'E001',
    effective_date: '2025-03-01',
    created_at: '2026-01-15T09:00:00Z',
    scenario_id: 'golden',
    plan_design_id: 'basic',
    source_system: 'test',
    payload: { event_type: 'merit', new_compensation: '80340', merit_percentage: '0.03' },
  },
  {
    event_id: '30b0610c-5cdf-514d-9cd5-e683c354a806',
    employee_id: 'E002',
    effective_date: '2025-01-01',
    created_at: '2026-01-15T09:00:00Z',
    scenario_id: 'golden',
    plan_design_id: 'basic',
    source_system: 'test',
    payload: {
      event_type: 'enrollment',
      plan_id: 'P401K',
      enrollment_date: '2025-01-01',
      pre_tax_contribution_rate: '0.15',
      roth_contribution_rate: '0',
      auto_enrollment: false,
      opt_out_window_expires: null,
    },
  },
];

/** The validator under test, and the same validator doing its work `factor` times over. */
export function validator(factor = 1): (event: unknown) => boolean {
  const compiled = Schema.Compile(SimulationEvent);
  return (event) => {
    let ok = true;
    for (let i = 0; i < factor; i++) ok = compiled.Check(event) && ok;
    return ok;
  };
}

/**
 * µs of CPU time per event (user + system of this process): unlike wall time, CPU time is not
 * inflated when other processes take the cores, so the test holds on a busy machine.
 */
export function tinyValidationBenchmark(
  check: (event: unknown) => boolean,
  eventsPerSample = 20_000,
): Benchmark {
  return {
    name: 'tiny-validation',
    description: 'CPU µs per event of the compiled contract validator over a small corpus',
    async run(ctx) {
      let valid = 0;
      const once = () => {
        for (let i = 0; i < eventsPerSample; i++) if (check(EVENTS[i % EVENTS.length])) valid++;
      };
      const samples = (await repeatMs(ctx, once, { warmup: 2, clock: 'cpu' })).map((ms) =>
        usPerUnit(ms, eventsPerSample),
      );
      if (valid === 0) throw new Error('the corpus should validate');
      return [
        { name: 'tiny.validate_us_per_event', unit: 'us/event', direction: 'lower', samples, cpuBound: true },
      ];
    },
  };
}

export function suiteOf(...benchmarks: Benchmark[]): SuiteEntry[] {
  return benchmarks.map((b) => ({ name: b.name, summary: b.description, load: async () => [b] }));
}
