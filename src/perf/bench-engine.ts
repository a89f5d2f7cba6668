/**
 * Engine benchmark (a `Benchmark` for the suite in src/perf): projects a deterministic
 * synthetic population over 5 plan years and reports CPU-bound throughput. Sizes: quick 2,000
 * people, full 20,000 people (about 370 events each with biweekly pay).
 */

import type { CensusPerson } from '../engine/census.js';
import { type PlanDesign, parsePlan } from '../engine/plan.js';
import { projectPerson } from '../engine/project.js';
import { dec } from '../schema/decimal.js';
import type { Benchmark, MetricSamples } from './types.js';

export const BENCH_PLAN = {
  plan_id: 'P401K',
  payroll: { frequency: 'biweekly', anchor_pay_date: '2025-01-10' },
  eligibility: { min_age: 21, service_months: 3, entry: 'monthly' },
  auto_enrollment: { enabled: true, default_rate: '0.06', escalation: { step: '0.01', cap: '0.10' } },
  match: {
    tiers: [
      { rate: '1', up_to: '0.03' },
      { rate: '0.5', up_to: '0.05' },
    ],
    true_up: true,
  },
  nonelective: { rate: '0.02' },
  vesting: { schedule: 'graded', graded: ['0', '0', '0.2', '0.4', '0.6', '0.8', '1'] },
};

/** Person i of the synthetic population (ages 26–65, hired 2000–2025, pay 40,000–239,000). */
export function benchPerson(i: number): CensusPerson {
  const m = String(1 + (i % 9)).padStart(2, '0');
  return {
    employeeId: `E${i}`,
    birthDate: `${1960 + (i % 40)}-${m}-1${i % 9}`,
    hireDate: `${2000 + (i % 26)}-${m}-0${1 + (i % 9)}`,
    annualCompensation: dec(String(40000 + (i % 200) * 1000)),
    jobLevel: 1 + (i % 10),
    department: 'D',
    preTaxRate: null,
    rothRate: null,
  };
}

/** Project `people` persons over 2021–2025; returns the event count. */
export function projectPopulation(plan: PlanDesign, people: number): number {
  let events = 0;
  for (let i = 0; i < people; i++) {
    events += projectPerson({
      plan,
      years: [2021, 2025],
      person: benchPerson(i),
      decisions: [],
      scenarioId: 'bench',
      planDesignId: 'bench',
      sourceSystem: 'plan_engine',
      createdAt: '2026-01-01T00:00:00Z',
    }).length;
  }
  return events;
}

export const engineBenchmark: Benchmark = {
  name: 'engine',
  description:
    'plan engine: µs of CPU per projected event and events/s, 5 plan years (quick 2,000 people, full 20,000)',
  async run(ctx) {
    const plan = parsePlan(BENCH_PLAN, 'bench-engine');
    const people = ctx.quick ? 2000 : 20000;
    projectPopulation(plan, Math.min(500, people)); // warm-up
    const us: number[] = [];
    const rate: number[] = [];
    for (let r = 0; r < ctx.repetitions; r++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const events = projectPopulation(plan, people);
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(c0);
      us.push((cpu.user + cpu.system) / events);
      rate.push(events / seconds);
      ctx.log(`engine: ${events} events in ${seconds.toFixed(2)} s`);
    }
    const metrics: MetricSamples[] = [
      { name: 'engine.cpu_us_per_event', unit: 'us/event', direction: 'lower', samples: us, cpuBound: true },
      {
        name: 'engine.events_per_second',
        unit: 'events/s',
        direction: 'higher',
        samples: rate,
        cpuBound: true,
      },
    ];
    return metrics;
  },
};
