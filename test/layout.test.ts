/**
 * The shape of the code (README "Design"): the library (src/*) never imports the CLI (src/cli),
 * and no command imports another command; what two commands share lives in the library or in
 * src/cli's shared modules. Every relative import, static or dynamic, is checked.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve('src');
const CLI = join(SRC, 'cli');
const COMMANDS = join(CLI, 'commands');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every relative module a file imports, resolved to a path under src/ (.js -> .ts). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]);
  return specs.map((s) => resolve(dirname(file), s).replace(/\.js$/, '.ts'));
}

const inside = (dir: string, path: string) => !relative(dir, path).startsWith('..');

describe('code layout', () => {
  const files = sourceFiles(SRC);

  it('the library never imports the CLI', () => {
    const offenders = files
      .filter((f) => !inside(CLI, f))
      .flatMap((f) =>
        importsOf(f)
          .filter((i) => inside(CLI, i))
          .map((i) => `${relative(SRC, f)} -> ${relative(SRC, i)}`),
      );
    expect(offenders).toEqual([]);
  });

  it('no command imports another command', () => {
    const offenders = files
      .filter((f) => inside(COMMANDS, f))
      .flatMap((f) =>
        importsOf(f)
          .filter((i) => inside(COMMANDS, i) && i !== f)
          .map((i) => `${relative(SRC, f)} -> ${relative(SRC, i)}`),
      );
    expect(offenders).toEqual([]);
  });

  it('finds the imports it checks (the scan is not vacuous)', () => {
    const main = importsOf(join(CLI, 'main.ts'));
    expect(main).toContain(join(COMMANDS, 'dq.ts'));
    expect(files.length).toBeGreaterThan(100);
  });
});
