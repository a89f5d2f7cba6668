/**
 * Opening the store for the quality commands, with the store's own errors turned into one clear
 * line and exit 2 (locked by another process, missing file).
 */
import { existsSync } from 'node:fs';
import { InputError } from '../errors.js';
import type { Store } from '../store/open.js';

export async function openStoreOrFail(
  path: string,
  opts: { create: boolean; readOnly?: boolean },
): Promise<Store> {
  if (!opts.create && !existsSync(path)) throw new InputError(`no store at ${path}: pass --db PATH`);
  const { openStore } = await import('../store/open.js');
  try {
    return await openStore({ path, readOnly: opts.readOnly ?? false });
  } catch (err) {
    const e = err as Error;
    if (e.name === 'StoreLockedError' || e.name === 'StoreMissingError') throw new InputError(e.message);
    throw err;
  }
}
