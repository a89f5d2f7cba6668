/**
 * The package as a user gets it: `npm pack`, the tarball installed in a temporary folder (offline:
 * its dependencies are linked from this repository's node_modules first, so npm has nothing to
 * fetch), then imported by name from a plain Node script that runs one golden case and one
 * validation through the public API (src/index.ts), and finds the CLI at `planledger/cli`.
 * It packs the built files: `npm test` builds dist/ before the tests; alone, it builds if needed.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve('.');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let dir: string;
let app: string;

function npm(args: string[], cwd: string): string {
  return execFileSync(NPM, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'index.js'))) npm(['run', 'build'], ROOT);
  dir = mkdtempSync(join(tmpdir(), 'planledger-pack-'));
  const [packed] = JSON.parse(
    npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT),
  ) as {
    filename: string;
  }[];
  app = join(dir, 'app');
  mkdirSync(join(app, 'node_modules'), { recursive: true });
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  const deps = Object.keys(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).dependencies);
  for (const name of deps) {
    mkdirSync(dirname(join(app, 'node_modules', name)), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', name), join(app, 'node_modules', name), 'dir');
  }
  npm(
    [
      'install',
      '--offline',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--no-package-lock',
      join(dir, packed.filename),
    ],
    app,
  );
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const CONSUMER = `
import { contract, quality, VERSION } from 'planledger';
import { main } from 'planledger/cli';
const run = await quality.golden.runGoldenCase(process.argv[2]);
const event = JSON.parse(run.ndjson.split('\\n')[0]);
const good = contract.validateEvent(event);
const bad = contract.validateEvent({ ...event, event_type: 'bonus' });
console.log(JSON.stringify({
  resolved: import.meta.resolve('planledger'),
  version: VERSION,
  cli: typeof main,
  golden: run.report,
  good: good.ok,
  bad: bad.ok,
}));
`;

describe('the packed package', () => {
  it('installs from its tarball and runs a golden case and a validation by name', () => {
    writeFileSync(join(app, 'consumer.mjs'), CONSUMER);
    const golden = join(ROOT, 'golden', 'catch-up-60-63');
    const out = JSON.parse(
      execFileSync(process.execPath, ['consumer.mjs', golden], { cwd: app, encoding: 'utf8' }),
    );
    // Imported from the installed copy, not from this repository.
    expect(out.resolved).toContain(join(app, 'node_modules', 'planledger').replaceAll('\\', '/'));
    expect(out.version).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    expect(out.cli).toBe('function');
    expect(out.golden.error).toBeUndefined();
    expect(out.golden.rows_checked).toBeGreaterThan(0);
    expect(out.golden.rows_matched).toBe(out.golden.rows_checked);
    expect(out.good).toBe(true);
    expect(out.bad).toBe(false);
  });

  it('ships the built library, the schemas and the configuration, and no sources or tests', () => {
    const files = npm(['pack', '--dry-run', '--ignore-scripts', '--json'], ROOT);
    const paths = (JSON.parse(files)[0].files as { path: string }[]).map((f) => f.path);
    for (const p of [
      'dist/index.js',
      'dist/index.d.ts',
      'dist/cli/main.js',
      'bin/planledger.js',
      'package.json',
    ]) {
      expect(paths).toContain(p);
    }
    expect(paths.some((p) => p.startsWith('schemas/'))).toBe(true);
    expect(paths.some((p) => p.startsWith('config/'))).toBe(true);
    expect(paths.some((p) => p.startsWith('src/') || p.startsWith('test/'))).toBe(false);
  });
});
