import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestEvents, ingestFiles } from '../../src/ingest/ingest.js';
import { serializeEvent, validateEvent } from '../../src/schema/index.js';
import { participantRangesSql } from '../../src/store/ddl.js';
import { readEventsCanonical } from '../../src/store/read.js';
import { count, newStore, tempDir, validEvents, writeLines } from '../store/helpers.js';

/** A corpus of valid, invalid, duplicate and blank lines with known counts. */
function corpus(dir: string) {
  const events = validEvents(44);
  const lines = events.map((e) => JSON.stringify(e));
  lines.splice(5, 0, ''); // blank
  lines.splice(9, 0, '   '); // blank (spaces)
  lines.push('{not json');
  lines.push(JSON.stringify({ ...events[0], event_id: 'not-a-uuid' }));
  const wrongMoney = structuredClone(events[6]) as { payload: Record<string, unknown> };
  wrongMoney.payload.amount = 12.5; // a JSON number where money is expected
  lines.push(JSON.stringify(wrongMoney));
  lines.push(JSON.stringify(events[3])); // duplicate within the file
  lines.push(JSON.stringify(events[4])); // duplicate within the file
  const path = writeLines(join(dir, 'corpus.ndjson'), lines);
  return { path, valid: 44, invalid: 3, duplicates: 2, blank: 2 };
}

describe('ingest', () => {
  for (const [workers, path] of [
    [0, 'auto'],
    [0, 'workers'],
    [1, 'workers'],
  ] as const) {
    it(`counts add up and a second run stores nothing new (workers=${workers}, path=${path})`, async () => {
      const dir = tempDir();
      const store = await newStore(dir);
      const c = corpus(dir);
      const first = await ingestFiles(store, [c.path], { workers, path });
      expect(first.read).toBe(c.valid + c.invalid + c.duplicates);
      expect(first.accepted).toBe(c.valid);
      expect(first.rejected).toBe(c.invalid);
      expect(first.duplicates).toBe(c.duplicates);
      expect(first.blank).toBe(c.blank);
      expect(first.read).toBe(first.accepted + first.rejected + first.duplicates);
      expect(await count(store, 'SELECT count(*) FROM fct_yearly_events')).toBe(c.valid);
      expect(await count(store, 'SELECT count(DISTINCT event_id) FROM fct_yearly_events')).toBe(c.valid);
      expect(await count(store, 'SELECT count(*) FROM event_rejections')).toBe(c.invalid);

      const second = await ingestFiles(store, [c.path], { workers, path });
      expect(second).toMatchObject({ accepted: 0, rejected: c.invalid, duplicates: c.valid + c.duplicates });
      expect(await count(store, 'SELECT count(*) FROM fct_yearly_events')).toBe(c.valid);
      // Rejected lines are recorded once, whatever the number of runs.
      expect(await count(store, 'SELECT count(*) FROM event_rejections')).toBe(c.invalid);
      expect(await count(store, 'SELECT count(*) FROM ingest_batches')).toBe(2);
      expect(await count(store, 'SELECT sum(accepted_count) FROM ingest_batches')).toBe(c.valid);
      // The participant ranges index every stored event exactly.
      const off = await count(
        store,
        `SELECT count(*) FROM participant_event_ranges r WHERE event_count <> (SELECT count(*) FROM fct_yearly_events f
           WHERE f.scenario_id = r.scenario_id AND f.employee_id = r.employee_id AND f.seq BETWEEN r.first_seq AND r.last_seq)`,
      );
      expect(off).toBe(0);
      expect(await count(store, 'SELECT sum(event_count) FROM participant_event_ranges')).toBe(c.valid);
      // Kept batch by batch, it equals the ranges derived from every stored event (first_plan_date included).
      const derived = participantRangesSql();
      expect(
        await count(
          store,
          `SELECT count(*) FROM ((SELECT * FROM participant_event_ranges EXCEPT ${derived}) UNION ALL (${derived} EXCEPT SELECT * FROM participant_event_ranges))`,
        ),
      ).toBe(0);
      expect(
        await count(store, 'SELECT count(first_plan_date) FROM participant_event_ranges'),
      ).toBeGreaterThan(0);
    });
  }

  it('keeps rejections with file line numbers and reasons', async () => {
    const dir = tempDir();
    const store = await newStore(dir);
    const c = corpus(dir);
    await ingestFiles(store, [c.path], { workers: 0 });
    const r = await store.connection.runAndReadAll(
      'SELECT source, line, raw_text, reasons::VARCHAR FROM event_rejections ORDER BY line',
    );
    const rows = r.getRows();
    const fileLines = readFileSync(c.path, 'utf8').split('\n');
    for (const [source, line, raw] of rows) {
      expect(source).toBe(c.path);
      expect(fileLines[Number(line) - 1]).toBe(raw);
    }
    const reasons = rows.map((row) => JSON.parse(String(row[3])) as { path: string }[]);
    expect(reasons[0][0].path).toBe('');
    expect(reasons[1].map((p) => p.path)).toContain('/event_id');
    expect(reasons[2].map((p) => p.path)).toContain('/payload/amount');
  });

  it('stores the same rows, rejections and counts on the automatic path (read_csv or read_json, then workers) and the worker path', async () => {
    const dir = tempDir();
    const canonicalLines = validEvents(60).map((e) => {
      const v = validateEvent(e);
      if (!v.ok) throw new Error('fixture invalid');
      return serializeEvent(v.event);
    });
    // Non-canonical first (the auto path hands such a file to the workers after one batch),
    // then canonical lines, invalid lines, blanks, duplicates and a CRLF line.
    const pretty = canonicalLines
      .slice(0, 12)
      .map((l) => JSON.stringify(JSON.parse(l), null, 0).replace(':', ': '));
    const lines = [
      ...pretty,
      ...canonicalLines.slice(12, 40),
      '',
      '{"event_id":',
      canonicalLines[20],
      canonicalLines[41].replace(/"employee_id":"[^"]+"/, '"employee_id":""'),
      `${canonicalLines[42]}\r`,
      ...canonicalLines.slice(43),
      canonicalLines[3],
    ];
    const path = writeLines(join(dir, 'mixed.ndjson'), lines);
    const results: unknown[] = [];
    for (const [path_, native] of [
      ['workers', true],
      ['auto', true],
      ['auto', false],
    ] as const) {
      const store = await newStore();
      const r = await ingestFiles(store, [path], {
        workers: 0,
        path: path_,
        native,
        chunkBytes: 2048,
        batchBytes: 8192,
      });
      expect(r.read).toBe(r.accepted + r.rejected + r.duplicates);
      const rows = (
        await store.connection.runAndReadAll(
          'SELECT * EXCLUDE (seq), row_number() OVER (ORDER BY seq) FROM fct_yearly_events ORDER BY seq',
        )
      ).getRows();
      const rejections = (
        await store.connection.runAndReadAll(
          'SELECT line, raw_text, reasons::VARCHAR FROM event_rejections ORDER BY line',
        )
      ).getRows();
      const { seconds: _s, events_per_second: _e, batches: _b, ...counts } = r;
      results.push(
        JSON.parse(
          JSON.stringify({ counts, rows, rejections }, (_k, v) => (typeof v === 'bigint' ? String(v) : v)),
        ),
      );
      store.close();
    }
    expect((results[0] as { counts: { accepted: number } }).counts.accepted).toBe(58);
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });

  it('reads stored events back as their canonical form (BOM, CRLF, non-canonical input)', async () => {
    const dir = tempDir();
    const store = await newStore(dir);
    const events = validEvents(33);
    // Non-canonical but valid spellings: upper-case UUID, an offset timestamp, padded money.
    events[0].event_id = String(events[0].event_id).toUpperCase();
    events[1].created_at = '2026-01-15T10:30:00.250000+01:00';
    (events[6].payload as Record<string, unknown>).amount = '0012.50';
    events[2].correlation_id = 'hire-"quoted"-\\-é';
    const path = join(dir, 'crlf.ndjson');
    writeLines(
      path,
      events.map((e) => JSON.stringify(e)),
      '\r\n',
    );
    const bytes = readFileSync(path);
    const withBom = join(dir, 'bom.ndjson');
    writeLines(withBom, ['\ufeff' + bytes.toString('utf8').trimEnd()], '');
    const r = await ingestFiles(store, [withBom], { workers: 0 });
    expect(r.accepted).toBe(33);
    const expected = new Map<string, string>();
    for (const e of events) {
      const v = validateEvent(e);
      if (!v.ok) throw new Error('fixture invalid');
      expected.set(v.event.event_id, serializeEvent(v.event));
    }
    let n = 0;
    for await (const stored of readEventsCanonical(store.connection, { order: 'seq' })) {
      const id = JSON.parse(stored.text).event_id as string;
      expect(stored.text).toBe(expected.get(id));
      n++;
    }
    expect(n).toBe(33);
  });

  it('ingests in-process streams of canonical events, once', async () => {
    const store = await newStore();
    const events = validEvents(50).map((e) => {
      const v = validateEvent(e);
      if (!v.ok) throw new Error('fixture invalid');
      return v.event;
    });
    const a = await ingestEvents(store, events, { source: 'test-stream', batchEvents: 20 });
    expect(a).toMatchObject({ read: 50, accepted: 50, rejected: 0, duplicates: 0, batches: 3 });
    const b = await ingestEvents(store, events.slice(0, 10), { source: 'test-stream' });
    expect(b).toMatchObject({ read: 10, accepted: 0, duplicates: 10 });
    const texts: string[] = [];
    for await (const s of readEventsCanonical(store.connection, { order: 'seq' })) texts.push(s.text);
    expect(texts).toEqual(events.map((e) => serializeEvent(e)));
    // seq preserves production order.
    expect(await count(store, 'SELECT count(*) FROM fct_yearly_events WHERE seq BETWEEN 1 AND 50')).toBe(50);
    // A scenario row exists for the ingested scenario.
    expect(await count(store, "SELECT count(*) FROM scenarios WHERE scenario_id = 'baseline'")).toBe(1);
  });

  it('counts several files and batches, an empty file and lines without a final newline', async () => {
    const dir = tempDir();
    const store = await newStore(dir);
    const events = validEvents(300);
    const a = writeLines(
      join(dir, 'a.ndjson'),
      events.slice(0, 200).map((e) => JSON.stringify(e)),
    );
    const b = join(dir, 'b.ndjson');
    writeLines(
      b,
      [
        events
          .slice(150)
          .map((e) => JSON.stringify(e))
          .join('\n'),
      ],
      '',
    );
    const empty = writeLines(join(dir, 'empty.ndjson'), []);
    const r = await ingestFiles(store, [a, empty, b], { workers: 0, chunkBytes: 4096, batchBytes: 16384 });
    expect(r).toMatchObject({ read: 350, accepted: 300, duplicates: 50, rejected: 0 });
    expect(r.batches).toBeGreaterThan(4);
    expect(await count(store, 'SELECT count(*) FROM fct_yearly_events')).toBe(300);
    expect(await count(store, 'SELECT sum(read_count) FROM ingest_batches')).toBe(350);
  });
});
