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

  it('is empty, naming the command, before planledger ndt has run', async () => {
    const { ndtSection } = await import('../../src/report/ndt.js');
    expect(ndtSection(null)).toMatchObject({ body: null, empty: expect.stringContaining('planledger ndt') });
  });
});
