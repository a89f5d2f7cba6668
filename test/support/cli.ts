/**
 * Running the planledger CLI in tests: in a child process, as users run it (real exit codes and
 * processes: `runCli`, or spawn `node CLI_BIN …` yourself; dist/ is rebuilt from the sources
 * first when stale, test/support/fresh-dist.ts) or in this process from the sources
 * (`cliInProcess`, fast, stdout and stderr captured).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { vi } from 'vitest';
import { main } from '../../src/cli/main.js';

/** The CLI as users run it: `node CLI_BIN args…`. */
export const CLI_BIN = fileURLToPath(new URL('../../bin/planledger.js', import.meta.url));

export function runCli(args: string[], cwd?: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI_BIN, ...args], {
    encoding: 'utf8',
    cwd,
    timeout: 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Run the CLI in this process; returns the exit code and what it printed. */
export async function cliInProcess(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    stdout += String(s);
    return true;
  });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    stderr += String(s);
    return true;
  });
  process.exitCode = undefined;
  try {
    await main(['node', 'planledger', ...args]);
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { code, stdout, stderr };
}
