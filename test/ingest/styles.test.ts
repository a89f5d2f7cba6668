/**
 * One set of events written in the four styles of ingest's benchmark (src/perf/event-styles.ts:
 * canonical, upstream, hand-written, mixed) and ingested into four stores: every column of every
 * row is the same (the canonical payload, the typed columns, seq), with the native splitter on
 * its read_csv path alone; and without it (the read_json, SQL and worker paths) the same again.
 * Exactly once, dead letters and the counts behave the same on every style. The fact columns
 * (src/store/fact-columns.ts) hold each event's own payload fields on every path.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type IngestOptions, ingestFiles } from '../../src/ingest/ingest.js';
import { nativeRecogniser } from '../../src/ingest/native.js';
import { EVENT_STYLES, type EventStyle, styleLine, styleLineEnd } from '../../src/perf/event-styles.js';
import { syntheticEventLines } from '../../src/perf/synthetic-events.js';
import { readEventsCanonical } from '../../src/store/read.js';
import { canonicalLines } from '../schema/canonical-corpus.js';
import { newStore, tempDir } from '../store/helpers.js';

/** Every kind (the corpus) and a workforce-shaped stream (synthetic), all printable ASCII, each once. */
function events(): string[] {
  const corpus = canonicalLines(120).filter((l) => /^[ -~]*$/.test(l));
  const synthetic = [...syntheticEventLines({ employees: 12, firstYear: 2024, years: 2 })];
  const byId = new Map([...corpus, ...synthetic].map((l) => [JSON.parse(l).event_id as string, l]));
  return [...byId.values()];
}

function writeStyle(path: string, lines: string[], style: EventStyle, extra: string[] = []): string {
  const text = [...lines, ...extra].map((l, i) => styleLine(l, style, i) + styleLineEnd(style, i)).join('');
  writeFileSync(path, text);
  return path;
}

/**
 * The fact columns of each stored row against its payload's fields (events.md, Payloads), read
 * here from the payload's JSON in JavaScript; NULL on every other kind.
 */
async function factMismatches(store: Awaited<ReturnType<typeof newStore>>): Promise<string[]> {
  const rows = (
    await store.connection.runAndReadAll(
      `SELECT seq, event_type, payload, payload_is_hce, payload_eligible,
         CAST(payload_eligibility_date AS VARCHAR), CAST(payload_new_compensation AS VARCHAR)
       FROM fct_yearly_events ORDER BY seq`,
    )
  ).getRows();
  const money = (t: unknown) => (typeof t === 'string' ? Number(t).toFixed(6) : null);
  const bad: string[] = [];
  for (const [seq, type, payload, isHce, eligible, date, rate] of rows) {
    const p = JSON.parse(String(payload));
    const want = [
      type === 'hce_status' ? p.is_hce : null,
      type === 'eligibility' ? p.eligible : null,
      type === 'eligibility' ? p.eligibility_date : null,
      type === 'merit'
        ? money(p.new_compensation)
        : type === 'promotion'
          ? money(p.new_annual_compensation)
          : null,
    ];
    const got = [isHce, eligible, date, rate];
    if (JSON.stringify(got) !== JSON.stringify(want))
      bad.push(`${seq} ${type}: ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`);
  }
  return bad;
}

async function ingestAll(file: string, opts: IngestOptions) {
  const store = await newStore();
  const routes: string[] = [];
  const counts = await ingestFiles(store, [file], { ...opts, onRoute: (r) => routes.push(r.path) });
  const rows = (
    await store.connection.runAndReadAll('SELECT * FROM fct_yearly_events ORDER BY seq')
  ).getRows();
  const texts: string[] = [];
  for await (const e of readEventsCanonical(store.connection, { order: 'seq' })) texts.push(e.text);
  const rejections = (
    await store.connection.runAndReadAll('SELECT line, reasons::VARCHAR FROM event_rejections ORDER BY line')
  ).getRows();
  const facts = await factMismatches(store);
  const kinds = (
    await store.connection.runAndReadAll('SELECT DISTINCT event_type FROM fct_yearly_events ORDER BY 1')
  )
    .getRows()
    .map((r) => String(r[0]));
  const again = await ingestFiles(store, [file], opts);
  store.close();
  const plain = (v: unknown) =>
    JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? String(x) : x)));
  return { counts, routes, rows: plain(rows), texts, rejections: plain(rejections), again, facts, kinds };
}

const native = nativeRecogniser();
if (native === null)
  console.warn('test/ingest/styles.test.ts: the native addon is not built; its cases skipped');

describe('ingest: one set of events in four styles', () => {
  it.skipIf(native === null)(
    'stores the same rows from every style, each on the read_csv path alone',
    async () => {
      const dir = tempDir();
      const lines = events();
      const results = [];
      for (const style of EVENT_STYLES) {
        const r = await ingestAll(writeStyle(join(dir, `${style}.ndjson`), lines, style), { workers: 0 });
        expect(r.routes, style).toEqual(['csv']);
        expect(r.counts.accepted, style).toBe(lines.length);
        expect(r.texts, style).toEqual(lines);
        expect(r.again.duplicates, style).toBe(lines.length);
        results.push(r.rows);
      }
      for (const rows of results.slice(1)) expect(rows).toEqual(results[0]);
    },
  );

  it('stores the same rows from every style without the native splitter', async () => {
    const dir = tempDir();
    const lines = events().slice(0, 150);
    const results = [];
    for (const style of EVENT_STYLES) {
      const r = await ingestAll(writeStyle(join(dir, `${style}.ndjson`), lines, style), {
        workers: 0,
        native: false,
      });
      expect(r.counts.accepted, style).toBe(lines.length);
      expect(r.texts, style).toEqual(lines);
      results.push(r.rows);
    }
    for (const rows of results.slice(1)) expect(rows).toEqual(results[0]);
  });

  it.skipIf(native === null)(
    'stores lines it cannot normalise (escapes, text outside ASCII, blanks) through the validator, on the same path',
    async () => {
      const dir = tempDir();
      const lines = events().slice(0, 40);
      const wide = lines.map((l, i) =>
        i % 10 === 3
          ? l.replace(/"employee_id":"([^"]+)"/, '"employee_id":"$1-é"')
          : i % 10 === 6
            ? l.replace(/"source_system":"([^"]+)"/, '"source_system":"$1\\u00e9"')
            : l,
      );
      const file = join(dir, 'wide.ndjson');
      writeFileSync(file, `${[...wide.slice(0, 20), '', ' \r', ...wide.slice(20)].join('\n')}\n`);
      const r = await ingestAll(file, { workers: 0 });
      expect(r.routes).toEqual(['csv']);
      expect([r.counts.read, r.counts.accepted, r.counts.blank]).toEqual([40, 40, 2]);
      const expected = wide.map((l) => l.replace('\\u00e9', 'é'));
      expect(r.texts).toEqual(expected);
      expect(r.again.duplicates).toBe(40);
    },
  );

  it("fills the fact columns with each event's payload fields on every path and in every style", async () => {
    const dir = tempDir();
    const lines = events();
    const paths: [string, IngestOptions][] = [
      ['csv', { workers: 0 }],
      ['json', { workers: 0, native: false }],
      ['workers', { workers: 1, path: 'workers' }],
    ];
    for (const style of EVENT_STYLES) {
      const file = writeStyle(join(dir, `${style}.ndjson`), lines, style);
      for (const [path, opts] of paths) {
        if (path === 'csv' && native === null) continue;
        // The read_json path takes canonical lines only (other styles go on to the worker path).
        if (path === 'json' && style !== 'canonical') continue;
        const r = await ingestAll(file, opts);
        expect(r.routes, `${style} ${path}`).toEqual([path]);
        expect(r.counts.accepted, `${style} ${path}`).toBe(lines.length);
        expect(r.kinds, 'every kind with a fact column is in the corpus').toEqual(
          expect.arrayContaining(['eligibility', 'hce_status', 'merit', 'promotion']),
        );
        expect(r.facts, `${style} ${path}`).toEqual([]);
      }
    }
  });

  it('keeps an invalid line of any style with its reason; read = accepted + rejected + duplicates', async () => {
    const dir = tempDir();
    const lines = events().slice(0, 60);
    // The same contribution three ways wrong: money as a number, 7 places, an unknown key.
    const base = lines.find((l) => l.includes('"event_type":"contribution"')) as string;
    const bad = [
      base.replace(/"amount":"([^"]+)"/, '"amount":$1'),
      base.replace(/"amount":"([^"]+)"/, '"amount":"$1.0000000"'),
      base.replace('"payload":{', '"payload":{"bonus":1,'),
    ];
    for (const style of EVENT_STYLES) {
      const r = await ingestAll(writeStyle(join(dir, `${style}.ndjson`), lines, style, [...bad, lines[0]]), {
        workers: 0,
      });
      const c = r.counts;
      expect(c.read, style).toBe(lines.length + 4);
      expect([c.accepted, c.rejected, c.duplicates], style).toEqual([lines.length, 3, 1]);
      expect(
        r.rejections.map((x: unknown[]) => Number(x[0])),
        style,
      ).toEqual([61, 62, 63]);
      expect(r.rejections[0][1], style).toContain('/payload/amount');
      expect(r.rejections[1][1], style).toContain('/payload/amount');
      expect(r.rejections[2][1], style).toContain('/payload/bonus');
      expect(r.texts, style).toEqual(lines);
    }
  });
});
