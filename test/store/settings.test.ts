/**
 * The store runs with the settings storeSettings() names (docs/store.md, "Settings"): read back
 * from a real DuckDB instance, so a setting DuckDB renamed or ignores fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/open.js';

let store: Store;
beforeAll(async () => {
  store = await openStore({ path: ':memory:', memoryLimit: '256MB', threads: 2 });
});
afterAll(() => store.close());

async function setting(name: string): Promise<string> {
  const r = await store.connection.runAndReadAll(`SELECT current_setting('${name}')::VARCHAR`);
  return String(r.getRows()[0][0]);
}

describe('store settings', () => {
  it('gives DuckDB the memory limit, threads and insertion order asked for', async () => {
    expect(await setting('memory_limit')).toBe('244.1 MiB'); // 256 MB
    expect(await setting('threads')).toBe('2');
    expect(await setting('preserve_insertion_order')).toBe('true');
    expect(await setting('autoload_known_extensions')).toBe('false');
  });
});
