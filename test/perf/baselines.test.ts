import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runNdtBench } from '../../src/perf/bench-ndt.js';

describe('an in-run baseline is reported, never a verdict (docs/benchmarks.md)', () => {
  it('the ndt benchmark marks DuckDB’s own scan not gated and keeps its ratio gated', async () => {
    const tmpDir = await mkdtemp(join(tmpdir(), 'planledger-baselines-'));
    try {
      const metrics = await runNdtBench({ quick: true, repetitions: 1, tmpDir, log: () => {} }, 40);
      const gated = Object.fromEntries(metrics.map((m) => [m.name, m.gated !== false]));
      expect(gated).toEqual({
        'ndt.run_s': true,
        'ndt.run_cpu_s': true,
        'ndt.scan_s': false,
        'ndt.to_scan_ratio': true,
      });
    } finally {
      await rm(tmpDir, { recursive: true, force: true });
    }
  });
});
