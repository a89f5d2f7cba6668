/**
 * vitest's globalSetup: tests that run the CLI in a child process run it as users do,
 * `node bin/planledger.js …` (the compiled dist/), not the sources through tsx, which compiled
 * every module again in every child process and worker thread (a small `simulate` took 3.3–3.5 s
 * through tsx against 2.0 s from dist/; docs/benchmarks.md, "CI"). So dist/ is built first
 * whenever a source file is newer than its output or has none.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');

/** The first source under src/ whose compiled file in dist/ is missing or older, if any. */
export function staleSource(root = ROOT): string | undefined {
  const walk = (dir: string): string | undefined => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        const found = walk(path);
        if (found) return found;
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const out = join(root, 'dist', relative(join(root, 'src'), path)).replace(/\.ts$/, '.js');
        if (!existsSync(out) || statSync(out).mtimeMs < statSync(path).mtimeMs) return path;
      }
    }
    return undefined;
  };
  return walk(join(root, 'src'));
}

export default function setup(): void {
  const stale = staleSource();
  if (stale === undefined) return;
  process.stderr.write(`building dist/ for the CLI tests (${relative(ROOT, stale)} is newer)…\n`);
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
}
