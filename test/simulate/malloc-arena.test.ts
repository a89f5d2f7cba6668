/**
 * Which invocations run again with MALLOC_ARENA_MAX=1 (src/cli/malloc-arena.ts): only the
 * simulating commands, never `--help`, never when the variable is already set. The re-run
 * itself is exercised by every `simulate` CLI test (test/simulate/cli.test.ts), whose child
 * processes start without the variable.
 */
import { describe, expect, it, vi } from 'vitest';
import { rerunWithOneArena } from '../../src/cli/malloc-arena.js';

describe('rerunWithOneArena', () => {
  it('leaves other commands, --help and an explicit setting in this process', async () => {
    vi.stubEnv('MALLOC_ARENA_MAX', undefined);
    expect(await rerunWithOneArena(['node', 'planledger', 'history', 'E1'])).toBeNull();
    expect(await rerunWithOneArena(['node', 'planledger', 'simulate', '--help'])).toBeNull();
    expect(await rerunWithOneArena(['node', 'planledger', 'main', '-h'])).toBeNull();
    expect(await rerunWithOneArena(['node', 'planledger'])).toBeNull();
    vi.stubEnv('MALLOC_ARENA_MAX', '4');
    expect(await rerunWithOneArena(['node', 'planledger', 'simulate', '--employees', '10'])).toBeNull();
  });
});
