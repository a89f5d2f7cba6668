/**
 * `planledger validate` and `planledger schema`: the library function on real temp files, and
 * the built CLI through `node bin/planledger.js` (dist/ is rebuilt when stale: test/support/fresh-dist.ts).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mixedCorpus } from '../../src/schema/examples.js';
import { isRateText, meetsRate, validateFiles } from '../../src/schema/validate-files.js';
import { CLI_BIN } from '../support/cli.js';

const ROOT = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'planledger-validate-'));

const good = mixedCorpus(33).map((e) => JSON.stringify(e));
const write = (name: string, lines: string[]): string => {
  const p = join(dir, name);
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
};
const allGood = write('good.ndjson', good);
const mixed = write('mixed.ndjson', [
  ...good.slice(0, 10),
  good[10].replace('"2026-01-15T09:00:00Z"', '"2026-01-15T09:00:00"'),
  '',
  'not json',
  ...good.slice(11, 20),
]);

describe('validateFiles', () => {
  it('counts every event, keeps problems with file and line, caps the list', async () => {
    const r = await validateFiles([allGood, mixed], { maxErrors: 1 });
    expect(r).toMatchObject({ total: 33 + 21, valid: 33 + 19, invalid: 2, errors_truncated: true });
    expect(r.errors).toEqual([
      {
        file: mixed,
        line: 11,
        path: '/created_at',
        expected: 'RFC 3339 timestamp with zone',
        found: '"2026-01-15T09:00:00"',
      },
    ]);
    const all = await validateFiles([mixed], { maxErrors: 1000 });
    expect(all.errors.map((e) => [e.line, e.path, e.expected])).toEqual([
      [11, '/created_at', 'RFC 3339 timestamp with zone'],
      [13, '', 'JSON object'],
    ]);
    expect(all.errors_truncated).toBe(false);
    expect(all.success_rate).toBeCloseTo(19 / 21, 12);
  });

  it('reports lines that are not UTF-8', async () => {
    const p = join(dir, 'latin1.ndjson');
    writeFileSync(p, Buffer.concat([Buffer.from(good[0] + '\n'), Buffer.from([0xe9, 0x0a])]));
    const r = await validateFiles([p], { maxErrors: 10 });
    expect(r.errors).toEqual([
      { file: p, line: 2, path: '', expected: 'UTF-8 text line', found: 'invalid UTF-8' },
    ]);
  });

  it('compares the success rate exactly', () => {
    expect(meetsRate(95, 100, '0.95')).toBe(true);
    expect(meetsRate(94, 100, '0.95')).toBe(false);
    expect(meetsRate(1, 3, '0.3333')).toBe(true);
    expect(meetsRate(0, 5, '0')).toBe(true);
    expect(meetsRate(99, 100, '1')).toBe(false);
    for (const ok of ['0', '1', '0.5', '.5', '1.0', '0.999999']) expect(isRateText(ok), ok).toBe(true);
    for (const bad of ['', '.', '1.5', '2', '-0.1', 'abc', '0.5x']) expect(isRateText(bad), bad).toBe(false);
  });
});

const run = (...args: string[]) => spawnSync('node', [CLI_BIN, ...args], { encoding: 'utf8' });

describe('planledger validate (built CLI)', () => {
  it('exit 0 on valid files with a human summary', () => {
    const r = run('validate', allGood);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('events:       33');
    expect(r.stdout).toContain('success rate: 100%');
  });

  it('exit 1 below the rate, with file:line problems; --json has exactly the named fields', () => {
    const h = run('validate', mixed);
    expect(h.status).toBe(1);
    expect(h.stdout).toContain(`${mixed}:11 /created_at: expected RFC 3339 timestamp with zone`);
    expect(h.stdout).toContain(`${mixed}:13 (event): expected JSON object, found not json`);
    const j = run('validate', mixed, '--json', '--max-errors', '1', '--min-success-rate', '0.9');
    expect(j.status).toBe(0);
    const report = JSON.parse(j.stdout);
    expect(Object.keys(report)).toEqual([
      'total',
      'valid',
      'invalid',
      'success_rate',
      'errors',
      'errors_truncated',
    ]);
    expect(Object.keys(report.errors[0])).toEqual(['file', 'line', 'path', 'expected', 'found']);
    expect(report).toMatchObject({ total: 21, valid: 19, invalid: 2, errors_truncated: true });
    expect(run('validate', mixed, '--min-success-rate', '0.91').status).toBe(1);
  });

  it('exit 1 when there is no event at all; exit 2 on a bad option or an unreadable file', () => {
    const empty = write('empty.ndjson', ['', '  ']);
    const e = run('validate', empty, '--json');
    expect(e.status).toBe(1);
    expect(JSON.parse(e.stdout)).toMatchObject({ total: 0, success_rate: 0 });
    expect(run('validate', join(dir, 'missing.ndjson')).status).toBe(2);
    expect(run('validate', dir).status).toBe(2);
    expect(run('validate', allGood, '--min-success-rate', '1.5').status).toBe(2);
    expect(run('validate', allGood, '--max-errors', '-1').status).toBe(2);
    expect(run('validate').status).toBe(2);
  });

  it('planledger schema --out writes the committed files', () => {
    const out = join(dir, 'schemas');
    execFileSync('node', [CLI_BIN, 'schema', '--out', out]);
    const committed = join(ROOT, 'schemas');
    expect(readdirSync(out).sort()).toEqual(readdirSync(committed).sort());
    for (const f of readdirSync(out))
      expect(readFileSync(join(out, f), 'utf8')).toBe(readFileSync(join(committed, f), 'utf8'));
  });
});
