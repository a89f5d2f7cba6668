/** `planledger dq` end to end: exit codes, JSON, user rules, alerts, recorded runs, bad input. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { cleanStore } from './fixture.js';

async function fixtureDb(dir: string, fault?: string): Promise<string> {
  const path = join(dir, `store-${Math.random().toString(36).slice(2)}.duckdb`);
  const s = await cleanStore(undefined, path);
  if (fault) await s.conn.run(fault);
  s.close();
  return path;
}

async function count(path: string, table: string): Promise<number> {
  const inst = await DuckDBInstance.create(path);
  const conn = await inst.connect();
  const n = Number((await conn.runAndReadAll(`SELECT count(*) FROM ${table}`)).getRows()[0][0]);
  conn.closeSync();
  inst.closeSync();
  return n;
}

describe('planledger dq', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pl-dq-'));

  it('clean store: table on stdout, exit 0, run recorded', async () => {
    const db = await fixtureDb(dir);
    const r = runCli(['dq', '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^rule +severity +status +failed +checked +pass +mostly$/m);
    expect(r.stdout).toContain('17/17 rules passed; 0 error rule(s) failed, 0 warning(s)');
    expect(await count(db, 'dq_runs')).toBe(1);
    expect(await count(db, 'dq_results')).toBe(17);
  });

  it('a failing error rule: exit 1, JSON report, alerts to a file and a Prometheus textfile', async () => {
    const db = await fixtureDb(
      dir,
      "UPDATE fct_yearly_events_stored SET created_at = TIMESTAMP '2099-01-01' WHERE seq = 3",
    );
    const alerts = join(dir, 'alerts.json');
    writeFileSync(
      alerts,
      JSON.stringify({
        sinks: [
          { type: 'file', path: join(dir, 'alerts.jsonl') },
          { type: 'prometheus', path: join(dir, 'planledger_{source}.prom') },
        ],
      }),
    );
    const r = runCli(['dq', '--db', db, '--json', '--alerts', alerts]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('data quality: 1 error rule(s) failed: created_at_in_future');
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({
      status: 'failed',
      errors_failed: 1,
      warnings_failed: 0,
      scenario_id: null,
    });
    const rule = report.results.find((x: { rule_id: string }) => x.rule_id === 'created_at_in_future');
    expect(rule).toMatchObject({ status: 'fail', rows_failed: 1, rows_checked: 203, severity: 'error' });
    expect(rule.sample[0]).toMatchObject({ created_at: '2099-01-01 00:00:00' });
    const line = JSON.parse(readFileSync(join(dir, 'alerts.jsonl'), 'utf8').trim());
    expect(line).toMatchObject({ source: 'dq', status: 'failure' });
    expect(readFileSync(join(dir, 'planledger_dq.prom'), 'utf8')).toContain(
      'planledger_dq_failures{rule="created_at_in_future",severity="error"} 1',
    );
  });

  it('user rules override the defaults by id and add their own; warnings leave exit 0', async () => {
    const db = await fixtureDb(
      dir,
      "UPDATE fct_yearly_events_stored SET created_at = TIMESTAMP '2099-01-01' WHERE seq = 3",
    );
    const rules = join(dir, 'rules.json');
    writeFileSync(
      rules,
      JSON.stringify({
        rules: [
          { id: 'created_at_in_future', severity: 'warn' },
          { id: 'duplicate_event_id', enabled: false },
          {
            id: 'big_match',
            description: 'A match contribution over 150',
            severity: 'warn',
            mostly: '0.5',
            sql: "SELECT event_id, amount FROM dq_events WHERE source = 'employer_match' AND amount > 150",
            checked_sql: "SELECT count(*) FROM dq_events WHERE source = 'employer_match'",
          },
        ],
      }),
    );
    const r = runCli(['dq', '--db', db, '--rules', rules, '--scenario', 'dq-fixture', '--no-record']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^created_at_in_future +warn +WARN +1 +203/m);
    // 25 of 85 match contributions fail: 0.705882 of them pass, above mostly = 0.5.
    expect(r.stdout).toMatch(/^big_match +warn +pass +25 +85 +0\.705882 +0\.5$/m);
    expect(r.stdout).not.toContain('duplicate_event_id');
    expect(r.stdout).toContain(
      '16/17 rules passed; 0 error rule(s) failed, 1 warning(s) (scenario dq-fixture)',
    );
    expect(await count(db, "information_schema.tables WHERE table_name = 'dq_runs'")).toBe(0);
  });

  it('bad input is exit 2 with the file and field named', async () => {
    const rules = join(dir, 'bad-rules.json');
    writeFileSync(rules, '{"rules": [\n  {"id": "x", "severity": "fatal"}\n]}');
    const db = await fixtureDb(dir);
    const r = runCli(['dq', '--db', db, '--rules', rules]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `${rules}:2: rules[0] (x): field "severity": expected "warn" or "error" (found "fatal")`,
    );
    const unknown = runCli(['dq', '--db', db, '--scenario', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('scenario nope: not in the store');
    const missing = runCli(['dq', '--db', join(dir, 'nope.duckdb')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no store at');
    expect(existsSync(join(dir, 'nope.duckdb'))).toBe(false);
    const broken = join(dir, 'broken.json');
    writeFileSync(
      broken,
      JSON.stringify({ rules: [{ id: 'oops', description: 'd', severity: 'error', sql: 'SELEC 1' }] }),
    );
    const b = runCli(['dq', '--db', db, '--rules', broken]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/rule "oops" could not run: Parser Error/);
  });
});
