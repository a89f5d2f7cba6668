import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../src/schema/contract.js';
import { validateEvent } from '../../src/schema/index.js';
import { type SimulateOptions, simulate } from '../../src/simulate/simulate.js';

const dir = mkdtempSync(join(tmpdir(), 'planledger-sim-'));
const CREATED = '2026-01-15T09:00:00Z';

interface PlanJson {
  matchh?: object;
  auto_enrollment: { default_rate: string };
  match: { tiers: { rate: string; up_to: string }[] };
  vesting: { graded: string[] };
}

function opts(extra: Partial<SimulateOptions>): SimulateOptions {
  return {
    employees: 60,
    years: [2021, 2025],
    seed: 7,
    scenarioId: 'sim-test',
    createdAt: CREATED,
    db: null,
    out: null,
    snapshots: false,
    ...extra,
  };
}

const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
const lines = (f: string) =>
  readFileSync(f, 'utf8')
    .split('\n')
    .filter((l) => l !== '');

describe('simulate → NDJSON', () => {
  const one = join(dir, 'w1.ndjson');
  const two = join(dir, 'w2.ndjson');
  let events = 0;

  it('gives byte-identical NDJSON with --workers 1 and 2', async () => {
    const a = await simulate(opts({ out: one, workers: 1 }));
    const b = await simulate(opts({ out: two, workers: 2 }));
    events = a.events;
    expect(a.events).toBeGreaterThan(10_000);
    expect(b.events).toBe(a.events);
    expect(sha(two)).toBe(sha(one));
    expect(lines(one)).toHaveLength(a.events);
    expect(a.stats.people).toBeGreaterThan(60);
  });

  it('writes only valid canonical events, of all eleven kinds', () => {
    const kinds = new Set<string>();
    for (const line of lines(one)) {
      const r = validateEvent(JSON.parse(line));
      expect(r.ok, line).toBe(true);
      if (r.ok) expect(JSON.stringify(r.event)).toBe(line);
      kinds.add(JSON.parse(line).payload.event_type);
    }
    expect([...kinds].sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('shards 1/2 and 2/2 together equal the single run', async () => {
    const s1 = join(dir, 's1.ndjson');
    const s2 = join(dir, 's2.ndjson');
    const r1 = await simulate(opts({ out: s1, workers: 1, shard: { index: 1, count: 2 } }));
    const r2 = await simulate(opts({ out: s2, workers: 2, shard: { index: 2, count: 2 } }));
    expect(r1.partitions + r2.partitions).toBe(256);
    expect(r1.events + r2.events).toBe(events);
    expect([...lines(s1), ...lines(s2)].sort()).toEqual(lines(one).sort());
  });

  it('changes with the seed', async () => {
    const other = join(dir, 'seed.ndjson');
    await simulate(opts({ out: other, workers: 1, seed: 8 }));
    expect(sha(other)).not.toBe(sha(one));
  });
});

describe('bad input fails before any work, naming file, row/field and reason', () => {
  const out = join(dir, 'never.ndjson');
  const header = 'employee_id,birth_date,hire_date,annual_compensation,job_level,department';

  it('a bad census row', async () => {
    const census = join(dir, 'bad-census.csv');
    writeFileSync(
      census,
      `${header}\nA1,1980-01-01,2015-03-01,70000,3,ENG\nA2,1985-02-30,2016-01-01,65000,2,OPS\n`,
    );
    await expect(simulate(opts({ out, censusFile: census }))).rejects.toThrow(`${census}:3: birth_date`);
  });

  it('a plan with an unknown field, a rate above 1, tiers out of order, a falling vesting schedule, years without limits', async () => {
    const base = JSON.parse(readFileSync(new URL('../../config/plan-default.json', import.meta.url), 'utf8'));
    const cases: [string, (p: PlanJson) => void, string, SimulateOptions['years']?][] = [
      ['unknown', (p) => (p.matchh = {}), 'matchh'],
      ['rate', (p) => (p.auto_enrollment.default_rate = '1.5'), 'auto_enrollment.default_rate'],
      [
        'tiers',
        (p) =>
          (p.match.tiers = [
            { rate: '1', up_to: '0.05' },
            { rate: '0.5', up_to: '0.03' },
          ]),
        'match.tiers[1].up_to',
      ],
      ['vesting', (p) => (p.vesting.graded = ['0', '0.5', '0.4']), 'vesting.graded[2]'],
      ['years', () => undefined, 'irs_limits.2029', [2030, 2031]],
    ];
    for (const [name, change, field, years] of cases) {
      const plan = structuredClone(base);
      change(plan);
      const f = join(dir, `plan-${name}.json`);
      writeFileSync(f, JSON.stringify(plan));
      await expect(simulate(opts({ out, planFile: f, years: years ?? [2021, 2025] })), name).rejects.toThrow(
        `${f}: ${field}`,
      );
    }
  });

  it('a bad workforce config and bad options', async () => {
    const cfg = join(dir, 'cfg.json');
    writeFileSync(cfg, JSON.stringify({ merit: { mean: '2' } }));
    await expect(simulate(opts({ out, configFile: cfg }))).rejects.toThrow(`${cfg}: field /merit/mean`);
    await expect(simulate(opts({ out, createdAt: 'yesterday' }))).rejects.toThrow('--created-at');
    await expect(simulate(opts({ out, employees: 0 }))).rejects.toThrow('--employees');
    await expect(simulate(opts({ out: null, db: null }))).rejects.toThrow('nothing to write');
  });
});

describe('census with initial elections', () => {
  it('turns pre_tax_rate/roth_rate into enrollment elections on the first simulated day', async () => {
    const census = join(dir, 'rates.csv');
    writeFileSync(
      census,
      [
        'employee_id,birth_date,hire_date,annual_compensation,job_level,department,pre_tax_rate,roth_rate',
        'C1,1980-01-01,2015-03-01,70000,3,ENG,0.07,0.01',
        'C2,1990-06-15,2019-09-01,52000,2,OPS,,',
      ].join('\n'),
    );
    const out = join(dir, 'rates.ndjson');
    await simulate(opts({ out, censusFile: census, workers: 1 }));
    const events = lines(out).map((l) => JSON.parse(l));
    const c1 = events.filter((e) => e.employee_id === 'C1' && e.payload.event_type === 'enrollment');
    expect(c1[0].effective_date).toBe('2021-01-01');
    expect(c1[0].payload.pre_tax_contribution_rate).toBe('0.07');
    expect(c1[0].payload.roth_contribution_rate).toBe('0.01');
    const c2 = events.filter((e) => e.employee_id === 'C2' && e.payload.event_type === 'enrollment');
    // Blank rates: no election of their own, so the plan's auto-enrollment applies.
    expect(c2[0].payload.auto_enrollment).toBe(true);
  });
});
