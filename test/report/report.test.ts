/**
 * The report in a real browser (the system's Chromium, else the one inside @sparticuz/chromium:
 * test/support/chromium.ts) driven by playwright-core. Each page (one scenario, the comparison of two, the benchmarks) opens with no
 * console error, every section has data, every chart has marks; screenshots are saved to
 * test-artifacts/ (gitignored; CI keeps them as artifacts): report.png, comparison.png, bench.png.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceColor } from '../../src/report/colors.js';
import { writeReport } from '../../src/report/index.js';
import { CONTRIBUTION_SOURCES } from '../../src/schema/contract.js';
import { openQueryStore } from '../../src/store/lake.js';
import { launchChromium } from '../support/chromium.js';
import { benchHistory, buildFixtureStore } from './fixture.js';

const SECTIONS = [
  'summary',
  'deferrals',
  'limits',
  'distribution',
  'balances',
  'forfeitures',
  'ndt',
  'quality',
  'golden',
  'drift',
  'environment',
];

let dir: string;
let browser: Browser;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'planledger-report-'));
  await buildFixtureStore(join(dir, 'store.duckdb'));
  await buildFixtureStore(join(dir, 'compare.duckdb'), { compare: true });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function render(html: string, screenshot?: string) {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(html).href);
  // Evaluated in the page (the test's TypeScript has no DOM types: the code is a string).
  const state = (await page.evaluate(`[...document.querySelectorAll('section')].map((s) => ({
      id: s.id,
      state: s.dataset.state,
      visible: s.getBoundingClientRect().height > 0,
    }))`)) as { id: string; state: string; visible: boolean }[];
  const charts = (await page.evaluate(`[...document.querySelectorAll('figure.chart-box')].map((f) => {
      const svg = f.querySelector('svg.chart');
      const box = svg.getBoundingClientRect();
      return {
        id: f.id,
        title: f.querySelector('figcaption').textContent,
        points: Number(svg.dataset.points),
        marks: svg.querySelectorAll('.mark').length,
        width: box.width,
        height: box.height,
      };
    })`)) as { id: string; title: string; points: number; marks: number; width: number; height: number }[];
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
  await page.close();
  return { problems, requests, state, charts };
}

describe('HTML report in Chromium', () => {
  it('opens with no console error or request, every section and chart populated', async () => {
    const store = await openQueryStore({ db: join(dir, 'store.duckdb') });
    const out = join(dir, 'report.html');
    const result = await writeReport(store, {
      out,
      benchRuns: benchHistory(),
      generatedAt: new Date('2025-11-22T12:00:00Z'),
    }).finally(() => store.close());
    expect(result.sections.every((s) => s.state === 'data')).toBe(true);

    const artifacts = resolve('test-artifacts');
    mkdirSync(artifacts, { recursive: true });
    const { problems, requests, state, charts } = await render(out, join(artifacts, 'report.png'));
    expect(problems).toEqual([]);
    // Self-contained: the only request is the file itself.
    expect(requests).toEqual([pathToFileURL(out).href]);
    expect(state.map((s) => s.id)).toEqual(SECTIONS);
    for (const s of state) expect(s, s.id).toMatchObject({ state: 'data', visible: true });

    const ids = charts.map((c) => c.id);
    for (const id of [
      'chart-headcount',
      'chart-participation',
      'chart-contributions',
      'chart-employer-cost',
      'chart-deferral-distribution',
      'chart-deferral-hce',
      'chart-limit-hits',
      'chart-balance-percentiles',
      'chart-balances',
      'chart-forfeitures-vesting',
      'chart-dq-history',
    ]) {
      expect(ids).toContain(id);
    }
    for (const c of charts) {
      expect(c.points, c.id).toBeGreaterThan(0);
      expect(c.marks, c.id).toBeGreaterThan(0);
      expect(c.width, c.id).toBeGreaterThan(300);
      // Every chart is titled with its units.
      expect(c.title, c.id).toMatch(/\(.+\)/);
    }
    expect(existsSync(join(artifacts, 'report.png'))).toBe(true);
    // The plan leads; benchmarks are on their own page.
    const html = readFileSync(out, 'utf8');
    expect(ids).not.toContain('chart-target-story-ingest-throughput');
    expect(html).toContain('planledger report --bench');
  });

  it('gives each source one colour in every chart', () => {
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    const seen = new Map<string, Set<string>>();
    const item =
      /<li>(?:<span class="swatch" style="background:(#[0-9A-Fa-f]{6})"><\/span>|<svg[^>]*><line[^>]*stroke="(#[0-9A-Fa-f]{6})"[^>]*\/><\/svg>)([^<]+)<\/li>/g;
    for (const m of html.matchAll(item)) {
      const name = m[3].replaceAll(' ', '_');
      if (!(CONTRIBUTION_SOURCES as readonly string[]).includes(name)) continue;
      seen.set(name, (seen.get(name) ?? new Set()).add(m[1] ?? m[2]));
    }
    // Contributions by source and balances by bucket both show these.
    expect([...seen.keys()]).toEqual(
      expect.arrayContaining(['employee_pre_tax', 'employee_roth', 'employer_match']),
    );
    for (const [name, colours] of seen) expect([...colours], name).toEqual([sourceColor(name)]);
  });

  it('compares two scenarios on one page: cost side by side, the difference, who gains and loses', async () => {
    const store = await openQueryStore({ db: join(dir, 'compare.duckdb') });
    const out = join(dir, 'comparison.html');
    const result = await writeReport(store, {
      out,
      scenarios: ['baseline', 'richer'],
      // 'richer' is left running by the fixture: shown only when asked, under a banner.
      allowIncomplete: true,
      generatedAt: new Date('2025-11-22T12:00:00Z'),
    }).finally(() => store.close());
    expect(result.sections).toEqual([
      { id: 'comparison', state: 'data' },
      { id: 'compare-ndt', state: 'data' },
      { id: 'winners', state: 'data' },
    ]);
    const artifacts = resolve('test-artifacts');
    mkdirSync(artifacts, { recursive: true });
    const { problems, requests, state, charts } = await render(out, join(artifacts, 'comparison.png'));
    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(out).href]);
    expect(state.map((s) => s.id)).toEqual(['comparison', 'compare-ndt', 'winners', 'environment']);
    for (const s of state) expect(s, s.id).toMatchObject({ state: 'data', visible: true });
    const ids = charts.map((c) => c.id);
    for (const id of [
      'chart-compare-cost',
      'chart-compare-difference',
      'chart-winners-1',
      'chart-change-percentiles-1',
    ])
      expect(ids).toContain(id);
    for (const c of charts) expect(c.marks, c.id).toBeGreaterThan(0);
    const html = readFileSync(out, 'utf8');
    // The second scenario was left running: a banner says so.
    expect(html).toMatch(/class="banner" role="alert"><strong>Scenario richer is not complete/);
    expect(html).not.toMatch(/<script|<link|src="http/);
    expect(existsSync(join(artifacts, 'comparison.png'))).toBe(true);
  });

  it('puts the benchmarks on their own page', async () => {
    const store = await openQueryStore({ db: join(dir, 'store.duckdb') });
    const out = join(dir, 'bench.html');
    const result = await writeReport(store, { out, bench: true, benchRuns: benchHistory() }).finally(() =>
      store.close(),
    );
    expect(result.sections).toEqual([{ id: 'bench', state: 'data' }]);
    const { problems, charts } = await render(out, join(resolve('test-artifacts'), 'bench.png'));
    expect(problems).toEqual([]);
    expect(charts.map((c) => c.id)).toContain('chart-target-story-ingest-throughput');
  });

  it('shows money as dollars and cents, failures highlighted', async () => {
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toMatch(/\$\d{1,3}(,\d{3})*\.\d{2}/);
    expect(html).toContain('class="row-fail"');
    expect(html).toContain('investment earnings are not modelled');
    // Key figures at the top, failures marked.
    expect(html).toContain('class="glance"');
    expect(html).toMatch(/class="card card-fail" href="#quality"/);
    expect(html).not.toMatch(/<script|<link|src="http/);
  });

  it('says plainly which command fills an empty section', async () => {
    const bare = join(dir, 'bare.duckdb');
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const { CORE_DDL } = await import('../../src/store/ddl.js');
    const db = await DuckDBInstance.create(bare);
    const conn = await db.connect();
    for (const ddl of CORE_DDL) await conn.run(ddl);
    conn.closeSync();
    db.closeSync();
    const store = await openQueryStore({ db: bare });
    const out = join(dir, 'bare.html');
    const result = await writeReport(store, { out, benchDir: join(dir, 'no-history') }).finally(() =>
      store.close(),
    );
    expect(result.sections.map((s) => s.state)).toEqual(SECTIONS.slice(0, -1).map(() => 'empty'));
    const html = readFileSync(out, 'utf8');
    expect(html).toContain(
      'no data-quality run recorded — run <code>planledger dq</code>'.replace('no', 'No'),
    );
    expect(html).toContain('<code>planledger snapshots build</code>');
    const { problems, state } = await render(out);
    expect(problems).toEqual([]);
    expect(state.find((s) => s.id === 'environment')?.state).toBe('data');
  });
});
