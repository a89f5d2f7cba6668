/** The globalSetup's freshness rule: a source with no compiled file, or a newer one, is stale. */
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { staleSource } from './fresh-dist.js';

describe('staleSource', () => {
  const root = mkdtempSync(join(tmpdir(), 'planledger-fresh-'));
  const at = (path: string, seconds: number) => {
    writeFileSync(join(root, path), '');
    utimesSync(join(root, path), seconds, seconds);
  };
  mkdirSync(join(root, 'src/cli'), { recursive: true });
  mkdirSync(join(root, 'dist/cli'), { recursive: true });

  it('names a source without output, then one newer than its output, and nothing once built', () => {
    at('src/cli/main.ts', 1_000);
    at('src/types.d.ts', 5_000); // declarations have no output
    expect(staleSource(root)).toBe(join(root, 'src/cli/main.ts'));
    at('dist/cli/main.js', 900);
    expect(staleSource(root)).toBe(join(root, 'src/cli/main.ts'));
    at('dist/cli/main.js', 1_000);
    expect(staleSource(root)).toBeUndefined();
  });
});
