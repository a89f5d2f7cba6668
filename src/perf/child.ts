/**
 * Runs a Node.js child process and measures its wall time and peak resident memory, for
 * benchmarks that must not share the runner's heap (a 100K-employee simulation). The peak
 * comes from the child itself: a preloaded module writes `process.resourceUsage().maxRSS`
 * (which covers its worker threads) to a file when the child exits (PRELOAD).
 */
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

const RSS_FILE_ENV = 'PLANLEDGER_BENCH_RSS_FILE';
/**
 * Each Node process of the run (the child, and a process it runs again: src/cli/malloc-arena.ts
 * re-runs `simulate` with one malloc arena) keeps the larger of its own peak and the one already
 * written, so the figure is the peak of the process that did the work.
 */
const PRELOAD =
  'import{readFileSync,writeFileSync}from"node:fs";' +
  `process.on("exit",()=>{const f=process.env.${RSS_FILE_ENV};let p=0;` +
  'try{p=Number(readFileSync(f,"utf8"))||0}catch{}' +
  'writeFileSync(f,String(Math.max(p,process.resourceUsage().maxRSS)))})';

export interface ChildRun {
  exitCode: number | null;
  seconds: number;
  /** Peak resident set size of the child in MB (NaN when the child died before reporting it). */
  peakRssMB: number;
  stdout: string;
  stderr: string;
}

export interface ChildOptions {
  /** A scratch directory for the measurement file. */
  tmpDir: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Runs `node <nodeArgs…>` (e.g. `['bin/planledger.js', 'simulate', …]`) to completion. */
export async function runNodeChild(nodeArgs: string[], options: ChildOptions): Promise<ChildRun> {
  const rssFile = join(options.tmpDir, `child-rss-${process.pid}-${Date.now()}.txt`);
  const args = ['--import', 'data:text/javascript,' + encodeURIComponent(PRELOAD), ...nodeArgs];
  const start = process.hrtime.bigint();
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env, [RSS_FILE_ENV]: rssFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  let peakRssMB = Number.NaN;
  try {
    peakRssMB = Number(await readFile(rssFile, 'utf8')) / 1024; // maxRSS is in KiB
    await rm(rssFile, { force: true });
  } catch {
    // the child was killed before its exit hook ran
  }
  return { exitCode, seconds, peakRssMB, stdout, stderr };
}
