/**
 * `simulate --census`: an implausible row is refused before any work, exit 2, naming the file,
 * the line, the field and what the value breaks (src/engine/census.ts).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const header = 'employee_id,birth_date,hire_date,annual_compensation,job_level,department';

describe('simulate --census refuses implausible rows', () => {
  // One case through the CLI (the others: test/engine/rules.test.ts, "census CSV").
  it.each([
    [
      'E2,1990-01-01,2026-02-01,50000,3,ENG',
      "hire_date: hire date 2026-02-01 is after the scenario's last day 2025-12-31",
    ],
  ])('%s', (row, reason) => {
    const dir = mkdtempSync(join(tmpdir(), 'planledger-census-'));
    const census = join(dir, 'c.csv');
    writeFileSync(census, `${header}\nE1,1980-01-01,2015-01-01,60000,3,ENG\n${row}\n`);
    const r = runCli(['simulate', '--census', census, '--years', '2025', '--out', join(dir, 'e.ndjson')]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`${census}:3: ${reason}`);
  });
});
