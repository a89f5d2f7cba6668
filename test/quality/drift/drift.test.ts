/**
 * Drift on the fixture store: an identical store gives exactly zero; a richer match
 * (50% → 75% of deferrals) is flagged on the match figures only. Golden drift names each
 * changed figure with its variance.
 */
import { describe, expect, it } from 'vitest';
import { compareProfiles } from '../../../src/quality/drift/compare.js';
import { compareGolden, type GoldenResult } from '../../../src/quality/drift/golden.js';
import { recordProfile } from '../../../src/quality/drift/profile.js';
import { DEFAULT_THRESHOLDS, parseThresholds } from '../../../src/quality/drift/thresholds.js';
import { buildCleanRows, cleanStore } from '../fixture.js';

async function profileOf(matchRate: string) {
  const s = await cleanStore(buildCleanRows({ matchRate }));
  try {
    return await recordProfile(s.conn, { now: '2025-11-01T00:00:00Z' });
  } finally {
    s.close();
  }
}

const MATCH_RELATED = /employer_match|employer_cost/;

describe('drift profile', () => {
  it('samples the first n contributions of a year and source by (md5 of who and when, seq), and takes quantiles over all of them', async () => {
    const s = await cleanStore(buildCleanRows({ matchRate: '0.5' }));
    try {
      for (const n of [1, 3, 40]) {
        const p = await recordProfile(s.conn, { now: '2025-11-01T00:00:00Z', sampleSize: n });
        // The definition, as a window over every contribution.
        const r = await s.conn.runAndReadAll(
          `SELECT year(effective_date) AS y, source, count(*) OVER (PARTITION BY year(effective_date), source) AS size,
             CAST(amount AS VARCHAR) AS amount
           FROM fct_yearly_events WHERE event_type = 'contribution'
           QUALIFY row_number() OVER (PARTITION BY year(effective_date), source
             ORDER BY md5(employee_id || '|' || CAST(effective_date AS VARCHAR)), seq) <= ${n}`,
        );
        const expected = new Map<string, { size: number; values: string[] }>();
        for (const [y, source, size, amount] of r.getRowsJson() as string[][]) {
          const key = `${y}.contribution.${source}.amount`;
          const e = expected.get(key) ?? { size: Number(size), values: [] };
          e.values.push(amount);
          expected.set(key, e);
        }
        expect(expected.size).toBeGreaterThan(3);
        for (const [key, e] of expected) {
          const d = p.distributions[key];
          expect(d?.kind, key).toBe('numeric');
          if (d?.kind !== 'numeric') continue;
          expect(d.size, key).toBe(e.size);
          const canon = (v: string) => v.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
          expect([...d.values].sort(), key).toEqual(e.values.map(canon).sort());
        }
      }
      const q = await s.conn.runAndReadAll(
        `SELECT year(effective_date) AS y, source, CAST(quantile_disc(amount, 0.5) AS VARCHAR) AS p50
         FROM fct_yearly_events WHERE event_type = 'contribution' GROUP BY ALL`,
      );
      const p = await recordProfile(s.conn, { now: '2025-11-01T00:00:00Z' });
      for (const [y, source, p50] of q.getRowsJson() as string[][]) {
        const canon = p50.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
        expect(p.metrics[`${y}.contribution.${source}.p50`]?.value, `${y} ${source}`).toBe(canon);
      }
    } finally {
      s.close();
    }
  });
});

describe('drift check', () => {
  it('the same store twice: identical profile bytes and exactly zero drift', async () => {
    const a = await profileOf('0.5');
    const b = await profileOf('0.5');
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const r = compareProfiles(a, b, DEFAULT_THRESHOLDS);
    expect(r.zero).toBe(true);
    expect(r.drifted).toEqual([]);
    expect(r.metrics.every((m) => m.absolute === '0' && (m.relative === null || m.relative === '0'))).toBe(
      true,
    );
    expect(
      r.distributions.every((d) => d.statistic === 0 && (d.wasserstein ?? 0) === 0 && (d.psi ?? 0) === 0),
    ).toBe(true);
    expect(r.metrics_compared).toBeGreaterThan(50);
  });

  it('a changed match formula is flagged on the match metrics and on nothing else', async () => {
    const base = await profileOf('0.5');
    const cur = await profileOf('0.75');
    const r = compareProfiles(base, cur, DEFAULT_THRESHOLDS);
    expect(r.zero).toBe(false);
    expect(r.drifted).toEqual(
      expect.arrayContaining([
        '2024.contribution.employer_match.sum',
        '2025.contribution.employer_match.sum',
      ]),
    );
    expect(r.drifted).toContain('2025.forfeiture.employer_match.sum');
    expect(r.drifted).toContain('2024.employer_cost');
    expect(r.drifted).toContain('2025.contribution.employer_match.amount');
    expect(r.drifted.filter((n) => !MATCH_RELATED.test(n))).toEqual([]);
    const sum = r.metrics.find((m) => m.name === '2024.contribution.employer_match.sum')!;
    expect(sum).toMatchObject({
      base: '3840.14',
      current: '5760.08',
      absolute: '1919.94',
      relative: '0.499966',
      status: 'drift',
    });
    for (const unrelated of [
      '2024.contribution.employee_pre_tax.sum',
      '2025.headcount.active',
      '2025.hce.share',
      '2025.participation_rate',
    ]) {
      expect(r.metrics.find((m) => m.name === unrelated)?.status).toBe('same');
    }
  });

  it('thresholds: a looser rule keeps a metric within, ignore drops it, bad files name the field', async () => {
    const base = await profileOf('0.5');
    const cur = await profileOf('0.75');
    const t = parseThresholds(
      't.json',
      JSON.stringify({
        rules: [
          { match: '*.employer_match.*', relative: '0.6' },
          { match: '*.employer_cost', ignore: true },
          { match: '*.forfeiture.*', relative: '0.6' },
        ],
        distributions: { ks_alpha: 0.05, wasserstein_normed: 100, psi: 10 },
      }),
    );
    const r = compareProfiles(base, cur, t);
    expect(r.drifted).toEqual([]);
    expect(r.metrics.find((m) => m.name === '2024.employer_cost')?.status).toBe('ignored');
    expect(r.metrics.find((m) => m.name === '2024.contribution.employer_match.sum')?.status).toBe('within');
    expect(() => parseThresholds('t.json', '{"metrics": {"relative": "-1"}}')).toThrow(
      't.json: field "metrics.relative"',
    );
    expect(() => parseThresholds('t.json', '{"distributions": {"ks": 1}}')).toThrow(
      't.json: field "distributions.ks": unknown field',
    );
  });
});

describe('golden drift', () => {
  const base: GoldenResult = {
    all_matched: false,
    cases: [
      { name: 'a', rows_checked: 10, rows_matched: 10, max_variance: '0', discrepancies: [] },
      {
        name: 'b',
        rows_checked: 5,
        rows_matched: 4,
        max_variance: '0.01',
        discrepancies: [
          {
            employee_id: 'E1',
            date: '2025-12-31',
            metric: 'balance.employer_match',
            expected: '100',
            actual: '100.01',
            variance: '0.01',
          },
        ],
      },
      { name: 'gone', rows_checked: 1, rows_matched: 1, max_variance: '0', discrepancies: [] },
    ],
  };
  const cur: GoldenResult = {
    all_matched: false,
    cases: [
      {
        name: 'a',
        rows_checked: 10,
        rows_matched: 9,
        max_variance: '2.5',
        discrepancies: [
          {
            employee_id: 'E2',
            date: '2025-06-30',
            metric: 'forfeiture.employer_match',
            expected: '40',
            actual: '42.5',
            variance: '2.5',
          },
        ],
      },
      { name: 'b', rows_checked: 5, rows_matched: 5, max_variance: '0', discrepancies: [] },
    ],
  };

  it('the same result twice: nothing changed', () => {
    const r = compareGolden(base, structuredClone(base));
    expect(r).toMatchObject({ cases_compared: 3, cases_changed: 0, figures_changed: 0, drifted: [] });
  });

  it('reports each changed figure with its variance, and cases added or removed', () => {
    const r = compareGolden(base, cur);
    expect(r.drifted).toEqual(['a', 'b', 'gone']);
    expect(r.figures_changed).toBe(2);
    expect(r.cases.find((c) => c.name === 'a')!.changes).toEqual([
      {
        employee_id: 'E2',
        date: '2025-06-30',
        metric: 'forfeiture.employer_match',
        expected: '40',
        base: '40',
        current: '42.5',
        variance: '2.5',
      },
    ]);
    expect(r.cases.find((c) => c.name === 'b')!.changes).toEqual([
      {
        employee_id: 'E1',
        date: '2025-12-31',
        metric: 'balance.employer_match',
        expected: '100',
        base: '100.01',
        current: '100',
        variance: '-0.01',
      },
    ]);
    expect(r.cases.find((c) => c.name === 'gone')!.status).toBe('removed');
    // A tolerance hides the cent but not the $2.50.
    const tol = compareGolden(base, cur, 10_000n);
    expect(tol.figures_changed).toBe(1);
  });
});
