import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliInProcess } from '../support/cli.js';
import { tempDir, validEvents, writeLines } from './helpers.js';

const cli = cliInProcess;

afterEach(() => {
  process.exitCode = 0;
});

describe('ingest, history and scenario commands', () => {
  it('ingest --json, --max-reject-rate, history exit codes and JSON, scenario list/delete', async () => {
    const dir = tempDir();
    const db = join(dir, 'cli.duckdb');
    const events = validEvents(22);
    const a = writeLines(join(dir, 'a.ndjson'), [...events.map((e) => JSON.stringify(e)), '{"bad":1}']);
    const r = await cli(['ingest', a, '--db', db, '--json', '--workers', '0']);
    expect(r.code).toBe(0);
    const counts = JSON.parse(r.stdout);
    expect(Object.keys(counts)).toEqual([
      'read',
      'accepted',
      'rejected',
      'duplicates',
      'seconds',
      'events_per_second',
    ]);
    expect(counts).toMatchObject({ read: 23, accepted: 22, rejected: 1, duplicates: 0 });

    const strict = await cli([
      'ingest',
      a,
      '--db',
      db,
      '--json',
      '--workers',
      '0',
      '--max-reject-rate',
      '0.01',
    ]);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('above --max-reject-rate');
    expect((await cli(['ingest', join(dir, 'missing.ndjson'), '--db', db])).code).toBe(2);

    const employee = String(events[0].employee_id);
    const h = await cli(['history', employee, '--db', db, '--json']);
    expect(h.code).toBe(0);
    const body = JSON.parse(h.stdout);
    expect(Object.keys(body)).toEqual(['employee_id', 'scenario_id', 'events', 'state']);
    expect(body.events[0].event_id).toBe(events[0].event_id);
    const human = await cli(['history', employee, '--db', db]);
    expect(human.stdout).toContain('state as of');

    const unknown = await cli(['history', 'NOBODY', '--db', db]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown employee NOBODY');

    const b = writeLines(join(dir, 'b.ndjson'), [
      JSON.stringify({
        ...events[0],
        event_id: '11111111-0000-4000-8000-000000000000',
        scenario_id: 'other',
      }),
    ]);
    expect((await cli(['ingest', b, '--db', db, '--json', '--workers', '0'])).code).toBe(0);
    const ambiguous = await cli(['history', employee, '--db', db]);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain('baseline, other');

    const list = await cli(['scenario', 'list', '--db', db, '--json']);
    expect(JSON.parse(list.stdout).map((s: { scenario_id: string }) => s.scenario_id)).toEqual([
      'baseline',
      'other',
    ]);
    const del = await cli(['scenario', 'delete', 'other', '--db', db, '--json']);
    expect(del.code).toBe(0);
    expect(JSON.parse(del.stdout).deleted.fct_yearly_events).toBe(1);
    // An unknown scenario is a usage error everywhere (issue 19, item 7).
    expect((await cli(['scenario', 'delete', 'other', '--db', db])).code).toBe(2);
    expect((await cli(['history', employee, '--db', db, '--json'])).code).toBe(0);
    expect((await cli(['history', employee, '--db', join(dir, 'none.duckdb')])).code).toBe(2);
  });
});
