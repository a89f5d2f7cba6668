import { describe, expect, it } from 'vitest';
import { dec31, jan1, toDay } from '../../src/schema/dates.js';
import { ONE } from '../../src/schema/decimal.js';
import { loadWorkforceConfig } from '../../src/simulate/config.js';
import { type JobSpec, loadJob, partitionPeople } from '../../src/simulate/job.js';
import { partitionOf } from '../../src/simulate/partition.js';
import { ageOn, simulatePartition, type Track } from '../../src/simulate/workforce.js';

const PLAN = new URL('../../config/plan-default.json', import.meta.url).pathname;

function spec(employees: number, seed = 42): JobSpec {
  return {
    seed,
    years: [2021, 2025],
    employees,
    censusFile: null,
    configFile: null,
    planFile: PLAN,
    scenarioId: 't',
    planDesignId: 'plan-default',
    createdAt: '2026-01-01T00:00:00Z',
    batchEvents: 8192,
    want: { lines: false, rows: false },
  };
}

function modelRun(employees: number, seed = 42): Track[] {
  const ctx = loadJob(spec(employees, seed));
  const out: Track[] = [];
  for (let p = 0; p < 256; p++) {
    out.push(
      ...simulatePartition({
        partition: p,
        people: partitionPeople(ctx, p),
        years: [2021, 2025],
        cfg: ctx.cfg,
        draws: ctx.draws,
        lastPayDay: ctx.lastPayDay,
      }),
    );
  }
  return out;
}

describe('workforce model', () => {
  const tracks = modelRun(3000);

  it('is deterministic for a seed and changes with it', () => {
    const again = modelRun(3000);
    expect(
      JSON.stringify(
        again.map((t) => t.decisions),
        bigints,
      ),
    ).toBe(
      JSON.stringify(
        tracks.map((t) => t.decisions),
        bigints,
      ),
    );
    const other = modelRun(3000, 43);
    expect(
      JSON.stringify(
        other.map((t) => t.decisions),
        bigints,
      ),
    ).not.toBe(
      JSON.stringify(
        tracks.map((t) => t.decisions),
        bigints,
      ),
    );
  });

  it('produces plausible census people', () => {
    const census = tracks.filter((t) => !t.person.hiredBySimulation);
    expect(census).toHaveLength(3000);
    for (const t of census) {
      const p = t.person;
      expect(p.hireDay).toBeLessThan(jan1(2021));
      expect(ageOn(p.birthDay, p.hireDay)).toBeGreaterThanOrEqual(18);
      expect(p.level).toBeGreaterThanOrEqual(1);
      expect(p.level).toBeLessThanOrEqual(10);
      expect(p.compensation % 100_000_000n).toBe(0n); // rounded to $100
      expect(p.compensation).toBeGreaterThan(10_000n * ONE);
    }
    const meanAge = census.reduce((s, t) => s + ageOn(t.person.birthDay, jan1(2021)), 0) / census.length;
    expect(meanAge).toBeGreaterThan(36);
    expect(meanAge).toBeLessThan(46);
  });

  it('writes ordered, consistent decisions', () => {
    for (const t of tracks) {
      const days = t.decisions.map((d) => d.day);
      expect(days).toEqual([...days].sort((a, b) => a - b));
      const terms = t.decisions.filter((d) => d.kind === 'termination');
      expect(terms.length).toBeLessThanOrEqual(1);
      for (const d of t.decisions) {
        expect(d.day).toBeGreaterThanOrEqual(Math.max(t.person.hireDay, jan1(2021)));
        expect(d.day).toBeLessThanOrEqual(dec31(2025));
        if (d.kind === 'enrollment') {
          expect(d.preTax + d.roth + d.afterTax).toBeLessThanOrEqual(ONE);
          if (t.termDay !== null) expect(d.day).toBeLessThan(t.termDay);
        }
        if (d.kind === 'termination') expect(d.finalPayDay).toBeLessThanOrEqual(d.day);
      }
      if (t.person.hiredBySimulation) expect(partitionOf(t.person.employeeId)).toBeGreaterThanOrEqual(0);
    }
  });

  it('covers every termination reason, promotions, merits, Roth and after-tax elections', () => {
    const reasons = new Set(tracks.map((t) => t.termReason).filter((r) => r !== null));
    expect([...reasons].sort()).toEqual(['death', 'disability', 'involuntary', 'retirement', 'voluntary']);
    const all = tracks.flatMap((t) => t.decisions);
    expect(all.some((d) => d.kind === 'promotion')).toBe(true);
    expect(all.some((d) => d.kind === 'merit')).toBe(true);
    const elections = all.filter((d) => d.kind === 'enrollment');
    expect(elections.some((d) => d.roth > 0n)).toBe(true);
    expect(elections.some((d) => d.afterTax > 0n)).toBe(true);
    expect(elections.some((d) => d.preTax === 0n && d.roth === 0n)).toBe(true); // opt-outs
  });

  it('hires to the growth target (2% a year by default)', () => {
    const employedAt = (day: number) =>
      tracks.filter((t) => t.person.hireDay <= day && (t.termDay === null || t.termDay >= day)).length;
    const start = employedAt(jan1(2021));
    const end = employedAt(dec31(2025));
    const growth = (end / start) ** (1 / 5) - 1;
    expect(growth).toBeGreaterThan(0.005);
    expect(growth).toBeLessThan(0.035);
    for (const t of tracks.filter((x) => x.person.hiredBySimulation)) {
      expect(t.person.hireDay).toBeGreaterThanOrEqual(jan1(2021));
      expect(t.person.employeeId).toMatch(/^H20(2[1-5])-[0-9]{3}-[0-9]{4}-[0-9a-z]{1,3}$/);
    }
  });

  it('keeps config defaults in one place', () => {
    expect(loadWorkforceConfig().merit.date).toBe('04-01');
    expect(toDay('2021-04-01')).toBe(jan1(2021) + 90);
  });
});

function bigints(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}
