import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runNodeChild } from '../../src/perf/child.js';

describe('runNodeChild', () => {
  it('reports the exit code, output and the peak RSS of the child itself', async () => {
    const tmpDir = await mkdtemp(join(os.tmpdir(), 'pl-child-'));
    const small = await runNodeChild(['-e', 'console.log("hi")'], { tmpDir });
    expect(small).toMatchObject({ exitCode: 0, stdout: 'hi\n' });
    const big = await runNodeChild(
      ['-e', 'const b = Buffer.alloc(200 * 1024 * 1024, 1); console.log(b[7])'],
      {
        tmpDir,
      },
    );
    expect(big.exitCode).toBe(0);
    expect(big.peakRssMB).toBeGreaterThan(200);
    expect(big.peakRssMB).toBeGreaterThan(small.peakRssMB + 150);
    const failing = await runNodeChild(['-e', 'process.exitCode = 3'], { tmpDir });
    expect(failing.exitCode).toBe(3);
  });
});
