import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runBench } from '../../src/cli/commands/bench.js';
import { appendBenchHistory, readBenchHistory } from '../../src/perf/history.js';
import { parseResults } from '../../src/perf/results.js';
import { cliInProcess } from '../support/cli.js';
import { metric, results } from './fixtures.js';
import { suiteOf, tinyValidationBenchmark, validator } from './tiny-bench.js';

const cli = (...args: string[]) => cliInProcess(args);

afterEach(() => {
  process.exitCode = undefined;
});

const fast = [10, 11, 12, 13, 14, 15, 16];
const slow = [20, 21, 22, 23, 24, 25, 26];

async function files() {
  const dir = await mkdtemp(join(os.tmpdir(), 'pl-bench-cli-'));
  const base = join(dir, 'base.json');
  const same = join(dir, 'same.json');
  const worse = join(dir, 'worse.json');
  await writeFile(
    base,
    JSON.stringify(results([metric('x.ms', fast), metric('rss', [100], 'lower', false)])),
  );
  await writeFile(
    same,
    JSON.stringify(results([metric('x.ms', fast), metric('rss', [101], 'lower', false)])),
  );
  await writeFile(
    worse,
    JSON.stringify(results([metric('x.ms', slow), metric('rss', [100], 'lower', false)])),
  );
  return { dir, base, same, worse };
}

describe('planledger bench compare', () => {
  it('exit 0 and a table when nothing regressed', async () => {
    const f = await files();
    const r = await cli('bench', 'compare', f.base, f.same);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('0 regressed, 0 improved, 2 unchanged');
    expect(r.stdout).toContain('ratio-only');
  });

  it('exit 1 naming metric, ratio and p-value; --json for machines', async () => {
    const f = await files();
    const r = await cli('bench', 'compare', f.base, f.worse);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('REGRESSED');
    expect(r.stderr).toContain('REGRESSION x.ms: 1.769× worse (13.000 → 23.000 ms, p = 0.00058)');
    const j = await cli('bench', 'compare', f.base, f.worse, '--json');
    expect(j.code).toBe(1);
    const c = JSON.parse(j.stdout);
    expect(c.regressions).toBe(1);
    expect(c.metrics[0]).toMatchObject({ name: 'x.ms', verdict: 'regressed', test: 'mann-whitney' });
    // a generous threshold (CI: only gross breakage fails)
    expect((await cli('bench', 'compare', f.base, f.worse, '--threshold', '0.9')).code).toBe(0);
  });

  it('sends the comparison through the alert sinks: console, file, webhook, Prometheus', async () => {
    const f = await files();
    const received: unknown[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => {
        body += d;
      });
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const sinkFile = join(f.dir, 'alerts.jsonl');
    const promFile = join(f.dir, 'bench.prom');
    const config = join(f.dir, 'alerts.json');
    await writeFile(
      config,
      JSON.stringify({
        sinks: [
          { type: 'console' },
          { type: 'file', path: sinkFile },
          { type: 'webhook', url: `http://127.0.0.1:${port}/hook`, retries: 0 },
          { type: 'prometheus', path: promFile },
        ],
      }),
    );
    try {
      const r = await cli('bench', 'compare', f.base, f.worse, '--alerts', config);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('benchmark comparison: 1 of 2 metrics regressed: x.ms');
      const lines = (await readFile(sinkFile, 'utf8')).trim().split('\n');
      expect(JSON.parse(lines[0])).toMatchObject({ source: 'bench', status: 'failure' });
      expect(JSON.parse(lines[0]).details.regressions[0]).toMatch(/^REGRESSION x\.ms: 1\.769× worse/);
      expect(received).toEqual([expect.objectContaining({ source: 'bench', status: 'failure' })]);
      const prom = await readFile(promFile, 'utf8');
      expect(prom).toContain('planledger_bench_regressions 1');
      expect(prom).toContain('planledger_bench_regressed{metric="x.ms"} 1');

      // no regression: the failure-only sinks stay quiet, Prometheus goes back to 0
      const ok = await cli('bench', 'compare', f.base, f.same, '--alerts', config);
      expect(ok.code).toBe(0);
      expect((await readFile(sinkFile, 'utf8')).trim().split('\n')).toHaveLength(1);
      expect(received).toHaveLength(1);
      expect(await readFile(promFile, 'utf8')).toContain('planledger_bench_regressions 0');
    } finally {
      server.close();
    }
    const badConfig = join(f.dir, 'bad-alerts.json');
    await writeFile(badConfig, JSON.stringify({ sinks: [{ type: 'pager' }] }));
    const bad = await cli('bench', 'compare', f.base, f.worse, '--alerts', badConfig);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('bad-alerts.json');
  });

  it('usage and I/O errors exit 2 with a clear message', async () => {
    const f = await files();
    const missing = await cli('bench', 'compare', f.base, join(f.dir, 'nope.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.json');
    await writeFile(join(f.dir, 'bad.json'), '{"schema_version":1,"metrics":[]}');
    const bad = await cli('bench', 'compare', f.base, join(f.dir, 'bad.json'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.json: not a valid results file/);
    expect((await cli('bench', 'compare', f.base, f.same, '--threshold', 'x')).code).toBe(2);
    expect((await cli('bench', 'compare', f.base, f.same, '--normalize', 'maybe')).code).toBe(2);
    expect((await cli('bench', '--only', 'nope')).stderr).toContain("unknown benchmark 'nope'");
  });
});

describe('planledger bench trend and list', () => {
  it('prints each metric over time, as text or JSON', async () => {
    const dir = await mkdtemp(join(os.tmpdir(), 'pl-bench-trend-'));
    await appendBenchHistory(dir, results([metric('x.ms', fast)], { date: '2026-01-01T00:00:00.000Z' }));
    await appendBenchHistory(dir, results([metric('x.ms', slow)], { date: '2026-01-02T00:00:00.000Z' }));
    const r = await cli('bench', 'trend', '--history', dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('x.ms (ms, lower is better) ▁█');
    const j = JSON.parse((await cli('bench', 'trend', '--history', dir, '--json')).stdout);
    expect(j.runs).toBe(2);
    expect(j.metrics[0].points.map((p: { median: number }) => p.median)).toEqual([13, 23]);
  });

  it('lists the suite', async () => {
    const r = await cli('bench', '--list');
    expect(r.stdout.split('\n')[0]).toMatch(/^validation\s+validation/);
  });

  it('prints the results JSON Schema', async () => {
    const r = await cli('bench', 'schema');
    expect(JSON.parse(r.stdout).$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });
});

describe('planledger bench (the run)', () => {
  it('writes the results file, appends the history, prints metrics and targets; exit 1 when a benchmark failed', async () => {
    const dir = await mkdtemp(join(os.tmpdir(), 'pl-bench-run-'));
    const outFile = join(dir, 'r.json');
    const history = join(dir, 'history');
    const capture = async (fn: () => Promise<void>) => {
      let stdout = '';
      const o = vi.spyOn(process.stdout, 'write').mockImplementation((c) => {
        stdout += String(c);
        return true;
      });
      const e = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      try {
        await fn();
        return { stdout, error: undefined };
      } catch (err) {
        return { stdout, error: err as Error };
      } finally {
        o.mockRestore();
        e.mockRestore();
      }
    };
    const testing = { suite: suiteOf(tinyValidationBenchmark(validator(), 200)), calibrationSamples: 1 };
    const r = await capture(() => runBench({ quick: true, out: outFile, history }, testing));
    expect(r.error).toBeUndefined();
    expect(r.stdout).toContain('tiny.validate_us_per_event');
    expect(r.stdout).toContain('Targets');
    const written = parseResults(await readFile(outFile, 'utf8'), outFile);
    expect(written.metrics[0].samples).toHaveLength(7);
    expect(await readBenchHistory(history)).toEqual([written]);

    const j = await capture(() => runBench({ quick: true, json: true, history: false }, testing));
    expect(JSON.parse(j.stdout).schema_version).toBe(1);

    const failing = suiteOf({
      name: 'broken',
      description: 'throws',
      run: async () => {
        throw new Error('boom');
      },
    });
    const f = await capture(() =>
      runBench({ quick: true, history: false }, { suite: failing, calibrationSamples: 1 }),
    );
    expect(f.error?.message).toBe('benchmark failed: broken');
    expect(f.stdout).toContain('failed: broken (boom)');
  });
});
