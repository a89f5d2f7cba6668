/** The report's nondiscrimination section, from stored ndt_tests rows (no browser needed). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/index.js';
import { openQueryStore } from '../../src/store/lake.js';
import { buildFixtureStore } from '../report/fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'ndt-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('report: nondiscrimination section', () => {
  it('shows per year and test the averages, limit, result and excess, failures first in the headline', async () => {
    const db = join(dir, 'store.duckdb');
    await buildFixtureStore(db);
    const store = await openQueryStore({ db });
    const { sections } = await buildReport(store, {
      scenario: 'baseline',
      benchDir: join(dir, 'none'),
    }).finally(() => store.close());
    const s = sections.find((x) => x.id === 'ndt');
    expect(s?.body).not.toBeNull();
    const body = s?.body ?? '';
    expect(body).toContain('1 failed: 2024 ADP');
    expect(body).toMatch(
      /<td>2024<\/td><td>ADP<\/td><td>current year<\/td><td class="num">42<\/td><td class="num">7\.02%<\/td><td class="num">4\.51%<\/td><td class="num">6\.51%<\/td><td class="tone-fail">fail<\/td><td class="num">\$5,120\.35<\/td>/,
    );
    expect(body.match(/<tr/g)?.length).toBe(7);
  });

  it("shows each design's tests side by side on the comparison page, per year and test", async () => {
    const db = join(dir, 'compare.duckdb');
    await buildFixtureStore(db, { compare: true });
    const store = await openQueryStore({ db });
    const { sections } = await buildReport(store, {
      scenarios: ['baseline', 'richer'],
      allowIncomplete: true,
      benchDir: join(dir, 'none'),
    }).finally(() => store.close());
    expect(sections.map((x) => x.id)).toEqual(['comparison', 'compare-ndt', 'winners']);
    const body = sections[1].body ?? '';
    expect(body).toContain('<th scope="col">baseline result</th>');
    expect(body).toContain('<th scope="col" class="num">richer excess</th>');
    const cell = (r: string, h: string, n: string, l: string, e: string) =>
      `<td class="tone-${r}">${r}</td><td class="num">${h}</td><td class="num">${n}</td><td class="num">${l}</td><td class="num">${e}</td>`;
    expect(body).toContain(
      `<td>2024</td><td>ADP</td>${cell('fail', '7.02%', '4.51%', '6.51%', '$5,120.35')}${cell('pass', '7.02%', '4.51%', '6.51%', '$0.00')}`,
    );
    expect(body).toContain(
      `<td>2024</td><td>ACP</td>${cell('pass', '3.00%', '2.31%', '4.31%', '$0.00')}${cell('fail', '6.00%', '3.46%', '5.46%', '$2,345.67')}`,
    );
    // Years in order, ADP before ACP: 3 years × 2 tests.
    expect(
      [...body.matchAll(/<tr><td>(\d{4})<\/td><td>(A[DC]P)<\/td>/g)].map((m) => `${m[1]} ${m[2]}`),
    ).toEqual(['2023 ADP', '2023 ACP', '2024 ADP', '2024 ACP', '2025 ADP', '2025 ACP']);
  });

  it('the comparison page names the command when no design has stored results', async () => {
    const { ndtComparisonSection } = await import('../../src/report/ndt.js');
    expect(ndtComparisonSection(['a', 'b'], [null, null])).toMatchObject({
      body: null,
      empty: expect.stringContaining('planledger ndt'),
    });
  });

  it('is empty, naming the command, before planledger ndt has run', async () => {
    const { ndtSection } = await import('../../src/report/ndt.js');
    expect(ndtSection(null)).toMatchObject({ body: null, empty: expect.stringContaining('planledger ndt') });
  });
});
