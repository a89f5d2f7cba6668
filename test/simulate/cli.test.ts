import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAIN_PHASES, WORKER_PHASES } from '../../src/simulate/phases.js';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'planledger-simcli-'));
const FIXED = ['--created-at', '2026-01-15T09:00:00Z', '--workers', '1'];

describe('planledger simulate / main (CLI)', () => {
  it('simulate --json prints the documented summary', () => {
    const out = join(dir, 'e.ndjson');
    const r = runCli(['simulate', '--employees', '30', '--years', '2025', '--out', out, '--json', ...FIXED]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j)).toEqual([
      'scenario_id',
      'plan_design_id',
      'years',
      'seed',
      'created_at',
      'workers',
      'shard',
      'partitions',
      'db',
      'out',
      'events',
      'store',
      'status',
      'shards',
      'snapshots',
      'seconds',
      'events_per_second',
      'peak_rss_mb',
      'cpu_seconds',
      'cpu_us_per_event',
      'phases',
      'summary',
      'figures',
    ]);
    // Where the time went (src/simulate/phases.ts): every step, in seconds; the workers' ran.
    expect(Object.keys(j.phases)).toEqual([...WORKER_PHASES, ...MAIN_PHASES]);
    for (const s of Object.values(j.phases)) expect(s).toBeGreaterThanOrEqual(0);
    expect(j.phases.engine).toBeGreaterThan(0);
    expect(j.cpu_seconds).toBeGreaterThan(0);
    expect(j.db).toBeNull();
    // Without a store there are no figures read back (src/figures); the workers' summary stands.
    expect(j.figures).toBeNull();
    expect(j.summary.years[0].year).toBe(2025);
    expect(j.summary.events).toBe(j.events);
  });

  it('bad input exits 2 with file, row/field and reason, before any work', () => {
    const census = join(dir, 'c.csv');
    writeFileSync(
      census,
      'employee_id,birth_date,hire_date,annual_compensation,job_level,department\nX1,1980-01-01,2015-01-01,abc,3,ENG\n',
    );
    const out = join(dir, 'never.ndjson');
    const r = runCli(['simulate', '--census', census, '--out', out, ...FIXED]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${census}:2: annual_compensation`);
    expect(runCli(['simulate', '--shard', '3/2', '--out', out]).code).toBe(2);
    expect(runCli(['simulate', '--years', '2025-2021', '--out', out]).stderr).toContain('--years');
  });

  it('main simulates into the store, runs the follow-on steps and says where to look next', () => {
    const db = join(dir, 'main.duckdb');
    const r = runCli(['main', '--employees', '30', '--years', '2025', '--db', db, ...FIXED]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('scenario default');
    expect(r.stdout).toContain('where to look next:');
    expect(r.stdout).toMatch(/npx planledger history \S+ --scenario default --db /);
  });
});
