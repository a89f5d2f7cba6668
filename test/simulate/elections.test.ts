/**
 * Elections respond to pay and to the plan, and the default population's figures fall in the
 * ranges of the public sources cited in config/workforce.json (printed side by side).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { deferralByHce, limitHits } from '../../src/figures/distributions.js';
import { type PlanYear, planYears, query, type ScenarioRef } from '../../src/figures/index.js';
import { ONE } from '../../src/schema/decimal.js';
import { loadWorkforceConfig } from '../../src/simulate/config.js';
import { payFactor } from '../../src/simulate/elections.js';
import { simulate } from '../../src/simulate/simulate.js';
import { openStore } from '../../src/store/open.js';

/** The cited ranges (config/workforce.json, elections.*.source / sources). */
const CITED = {
  participation: [0.66, 0.93, 'Vanguard 2022: 66% voluntary, 93% automatic enrollment'],
  averageDeferral: [0.069, 0.075, 'How America Saves: 6.9% (2012) to 7.3% (2021)'],
  medianDeferral: [0.055, 0.065, 'How America Saves 2022: median 6.1%'],
  catchUp50: [0.08, 0.16, 'Fidelity 8%-13%, Vanguard 16% of participants 50+'],
  atDefault3y: [0.4, 0.8, 'Choi et al. 2004: most auto-enrolled stay at the default for years'],
} as const;

const ref: ScenarioRef = { scenarioId: 'calibration', first: 2021, last: 2025 };
const dir = mkdtempSync(join(tmpdir(), 'planledger-elections-'));
const db = join(dir, 'e.duckdb');
let years: PlanYear[];
let measured: Record<keyof typeof CITED, number>;
let hce: { hce: boolean; average: bigint }[];

const frac = (v: bigint) => Number(v) / Number(ONE);

beforeAll(async () => {
  await simulate({
    employees: 3000,
    years: [2021, 2025],
    seed: 42,
    scenarioId: ref.scenarioId,
    createdAt: '2026-01-01T00:00:00Z',
    db,
    out: null,
    workers: 2,
    snapshots: false,
  });
  const store = await openStore({ path: db, readOnly: true });
  try {
    years = await planYears(store.connection, ref);
    const hits = await limitHits(store.connection, ref);
    hce = await deferralByHce(store.connection, ref, 2025);
    // Of the people automatically enrolled in 2021-2022 and still employed at the end of 2025:
    // those whose election in force is still an automatic one.
    const [auto] = await query(
      store.connection,
      `WITH e AS (
         SELECT employee_id, effective_date, seq, json_extract(payload, '$.auto_enrollment')::BOOLEAN AS auto
         FROM fct_yearly_events WHERE scenario_id = 'calibration' AND event_type = 'enrollment'),
       firsts AS (SELECT employee_id FROM e GROUP BY ALL
                  HAVING arg_min(auto, (effective_date, seq)) AND year(min(effective_date)) <= 2022),
       stayers AS (SELECT employee_id FROM firsts WHERE employee_id NOT IN (
                  SELECT employee_id FROM fct_yearly_events WHERE scenario_id = 'calibration' AND event_type = 'termination'))
       SELECT count(*) AS n, count(*) FILTER (WHERE last_auto) AS at_default FROM (
         SELECT s.employee_id, arg_max(e.auto, (e.effective_date, e.seq)) AS last_auto
         FROM stayers s JOIN e USING (employee_id) GROUP BY ALL)`,
    );
    const last = years[years.length - 1];
    const h = hits[hits.length - 1];
    measured = {
      participation: frac(last.participation),
      averageDeferral: frac(last.avgDeferral),
      medianDeferral: frac(last.medianDeferral),
      catchUp50: Number(h.catchUp50) / Number(h.participants50),
      atDefault3y: Number(auto.at_default) / Number(auto.n),
    };
  } finally {
    store.close();
  }
  const rows = Object.entries(CITED).map(([k, [lo, hi, source]]) => ({
    figure: k,
    simulated: measured[k as keyof typeof CITED].toFixed(3),
    cited: `${lo}-${hi}`,
    source,
  }));
  console.log('default population (3,000 people, 2025) against the cited ranges');
  console.table(rows);
}, 600_000);

describe('elections of the default population', () => {
  it('fall within the cited ranges', () => {
    for (const [k, [lo, hi]] of Object.entries(CITED)) {
      const v = measured[k as keyof typeof CITED];
      expect(v, k).toBeGreaterThanOrEqual(lo);
      expect(v, k).toBeLessThanOrEqual(hi);
    }
  });

  it('rise with pay: HCEs defer more than the others, and the factors rise by band', () => {
    const [non, yes] = [hce.find((g) => !g.hce), hce.find((g) => g.hce)];
    expect(yes?.average ?? 0n).toBeGreaterThan(non?.average ?? 0n);
    const bands = loadWorkforceConfig().elections.pay_factors.bands;
    const factors = [20_000n, 40_000n, 80_000n, 120_000n, 200_000n].map((p) => payFactor(bands, p * ONE));
    expect(factors).toEqual([...factors].sort((a, b) => a - b));
    expect(factors[0]).toBeLessThan(factors[4]);
  });
});
