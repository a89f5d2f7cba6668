/**
 * `planledger ingest`'s DuckDB memory limits (src/ingest/with-snapshots.ts; docs/store.md,
 * "Ingest at scale"): the store is opened at INGEST_MEMORY_LIMIT, and the snapshot build after
 * the events starts at FOLLOW_ON_BUILD_MEMORY_LIMIT and is tried again at the standalone build's
 * limit when DuckDB runs out of memory. Real DuckDB, a real out-of-memory error, the real CLI.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  INGEST_MEMORY_LIMIT,
  ingestFiles,
  ingestMemoryLimit,
  refreshSnapshots,
} from '../../src/ingest/index.js';
import { syntheticEventLines } from '../../src/perf/synthetic-events.js';
import { BUILD_MEMORY_LIMIT, FOLLOW_ON_BUILD_MEMORY_LIMIT } from '../../src/snapshots/build.js';
import { count, newStore, tempDir, writeLines } from '../store/helpers.js';
import { CLI_BIN } from '../support/cli.js';

describe('ingest memory limits', () => {
  it('opens the store at 512MB unless PLANLEDGER_MEMORY_LIMIT says otherwise', () => {
    expect(INGEST_MEMORY_LIMIT).toBe('512MB');
    vi.stubEnv('PLANLEDGER_MEMORY_LIMIT', '');
    expect(ingestMemoryLimit()).toBe(INGEST_MEMORY_LIMIT);
    vi.stubEnv('PLANLEDGER_MEMORY_LIMIT', '2GB');
    expect(ingestMemoryLimit()).toBe('2GB');
  });

  it('builds the snapshots at its own limit first, then again at the standalone build’s after running out of memory', async () => {
    expect([FOLLOW_ON_BUILD_MEMORY_LIMIT, BUILD_MEMORY_LIMIT]).toEqual(['384MB', '512MB']);
    const dir = tempDir();
    const file = writeLines(join(dir, 'events.ndjson'), [
      ...syntheticEventLines({ employees: 30, firstYear: 2024, years: 2 }),
    ]);
    const store = await newStore(dir);
    try {
      const counts = await ingestFiles(store, [file]);
      expect(counts.accepted).toBeGreaterThan(1000);
      // A limit far too small for the build's grouping: DuckDB runs out of memory there.
      vi.stubEnv('PLANLEDGER_BUILD_MEMORY_LIMIT', '1MB');
      const log: string[] = [];
      await refreshSnapshots(store, (m) => log.push(m));
      const retry = log.filter((m) => m.startsWith('the snapshot build ran out of memory at 1MB ('));
      expect(retry, log.join('\n')).toHaveLength(1);
      expect(retry[0]).toMatch(/; building again at 512MB$/);
      expect(await count(store, 'SELECT count(*) FROM fct_participant_balance_snapshots')).toBeGreaterThan(0);
      const pending = await count(
        store,
        `SELECT count(*) FROM snapshot_builds b JOIN (SELECT scenario_id, max(seq) AS m FROM fct_yearly_events GROUP BY 1) e
           USING (scenario_id) WHERE b.max_seq < e.m`,
      );
      expect(pending).toBe(0);
    } finally {
      store.close();
    }
  });

  it('the command builds the snapshots through the same retry', () => {
    const dir = tempDir();
    const file = writeLines(join(dir, 'events.ndjson'), [
      ...syntheticEventLines({ employees: 10, firstYear: 2025, years: 1 }),
    ]);
    const r = spawnSync(
      process.execPath,
      [CLI_BIN, 'ingest', file, '--db', join(dir, 's.duckdb'), '--json'],
      {
        encoding: 'utf8',
        env: { ...process.env, PLANLEDGER_BUILD_MEMORY_LIMIT: '1MB' },
      },
    );
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { accepted: number; rejected: number };
    expect(out.accepted).toBeGreaterThan(0);
    expect(out.rejected).toBe(0);
    expect(r.stderr).toMatch(/the snapshot build ran out of memory at 1MB \(.*\); building again at 512MB/);
    expect(r.stderr).toMatch(/snapshots \S+: full build/);
  });
});
