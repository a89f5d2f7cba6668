/**
 * A step at a DuckDB memory limit of its own, and again at a higher one after DuckDB ran out of
 * memory (src/store/memory-limit.ts): real DuckDB, real out-of-memory errors.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  atEachMemoryLimit,
  SCAN_MEMORY_LIMIT,
  scanMemoryLimit,
  thenFallback,
  userBuildMemoryLimit,
  userMemoryLimit,
  withMemoryLimit,
} from '../../src/store/memory-limit.js';
import { openStore, type Store } from '../../src/store/open.js';

let store: Store;
beforeAll(async () => {
  store = await openStore({ path: ':memory:', memoryLimit: '256MB', threads: 1 });
});
afterAll(() => store.close());

async function limit(): Promise<string> {
  const r = await store.connection.runAndReadAll("SELECT current_setting('memory_limit')::VARCHAR");
  return String(r.getRows()[0][0]);
}

/** A query that needs far more than `at` (an in-memory store cannot spill). */
async function heavy(at: string): Promise<string> {
  return withMemoryLimit(store.connection, at, async () => {
    await store.connection.run(
      'SELECT count(*) FROM (SELECT range % 1000000 AS k, count(*) FROM range(3000000) GROUP BY k)',
    );
    return at;
  });
}

describe('memory limits', () => {
  it('runs a step at its own limit and restores the connection’s, also when the step fails', async () => {
    expect(await limit()).toBe('244.1 MiB');
    expect(await withMemoryLimit(store.connection, '100MB', limit)).toBe('95.3 MiB');
    expect(await limit()).toBe('244.1 MiB');
    await expect(withMemoryLimit(store.connection, '1MB', () => heavy('1MB'))).rejects.toThrow(
      /Out of Memory/,
    );
    expect(await limit()).toBe('244.1 MiB');
    expect(await withMemoryLimit(store.connection, undefined, limit)).toBe('244.1 MiB');
  });

  it('tries the next limit only after DuckDB ran out of memory', async () => {
    const retries: string[] = [];
    const onRetry = (at: string, next: string, message: string) => retries.push(`${at}>${next}: ${message}`);
    expect(await atEachMemoryLimit(['1MB', '2GB'], heavy, onRetry)).toBe('2GB');
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatch(/^1MB>2GB: Out of Memory Error: /);
    expect(retries[0]).not.toContain('\n');

    retries.length = 0;
    const tried: string[] = [];
    const broken = async (at: string) => {
      tried.push(at);
      await store.connection.run('SELECT * FROM no_such_table');
    };
    await expect(atEachMemoryLimit(['1MB', '2GB'], broken, onRetry)).rejects.toThrow(/no_such_table/);
    expect(tried).toEqual(['1MB']);
    await expect(atEachMemoryLimit(['1MB', '2MB'], heavy, onRetry)).rejects.toThrow(/Out of Memory/);
    expect(retries.map((r) => r.slice(0, 8))).toEqual(['1MB>2MB:']);
    expect(await limit()).toBe('244.1 MiB');
  });

  it('reads the user’s limits from the environment; the fallback is tried once', () => {
    vi.stubEnv('PLANLEDGER_MEMORY_LIMIT', undefined);
    vi.stubEnv('PLANLEDGER_BUILD_MEMORY_LIMIT', '');
    expect(userMemoryLimit()).toBeUndefined();
    expect(userBuildMemoryLimit()).toBeUndefined();
    expect(scanMemoryLimit()).toBe(SCAN_MEMORY_LIMIT);
    vi.stubEnv('PLANLEDGER_MEMORY_LIMIT', '2GB');
    vi.stubEnv('PLANLEDGER_BUILD_MEMORY_LIMIT', '600MB');
    expect(userMemoryLimit()).toBe('2GB');
    expect(scanMemoryLimit()).toBe('2GB');
    expect(userBuildMemoryLimit()).toBe('600MB');
    expect(thenFallback('384MB', '512MB')).toEqual(['384MB', '512MB']);
    expect(thenFallback('512MB', '512MB')).toEqual(['512MB']);
  });
});
