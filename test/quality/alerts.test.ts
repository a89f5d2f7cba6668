/**
 * Alert sinks for real: HTTP listeners on 127.0.0.1 (one that fails twice then succeeds, one
 * that never answers), a JSON-lines file and a Prometheus textfile.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAlertConfig } from '../../src/quality/alert-config.js';
import { type Alert, sendAlerts } from '../../src/quality/alerts.js';
import { renderMetrics } from '../../src/quality/prometheus.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function listen(
  handler: (req: IncomingMessage, res: ServerResponse, body: string) => void,
): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => handler(req, res, body));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
}

const alert = (status: Alert['status']): Alert => ({
  source: 'dq',
  status,
  title: 'planledger data quality',
  summary: status === 'ok' ? 'all passed' : '1 error rule failed: ytd_not_running_sum',
  at: '2025-11-01T12:00:00.000Z',
  details: { errors_failed: status === 'ok' ? 0 : 1 },
  metrics: [
    {
      name: 'planledger_dq_failures',
      help: 'Failing rows per rule.',
      type: 'gauge',
      samples: [
        { labels: { rule: 'ytd_not_running_sum', severity: 'error' }, value: status === 'ok' ? 0 : 3 },
      ],
    },
  ],
});

describe('webhook sink', () => {
  it('retries with backoff: fails twice, then succeeds on the third attempt', async () => {
    const bodies: unknown[] = [];
    let calls = 0;
    const url = await listen((req, res, body) => {
      calls++;
      bodies.push({ method: req.method, type: req.headers['content-type'], body: JSON.parse(body) });
      res.statusCode = calls <= 2 ? 503 : 200;
      res.end();
    });
    const results = await sendAlerts(
      {
        sinks: [{ type: 'webhook', url, retries: 3, backoff_ms: 10, timeout_ms: 2000, max_total_ms: 10_000 }],
      },
      alert('failure'),
    );
    expect(results).toEqual([{ sink: `webhook:${url}`, sent: true, attempted: true, attempts: 3 }]);
    expect(calls).toBe(3);
    expect(bodies[2]).toMatchObject({
      method: 'POST',
      type: 'application/json',
      body: { source: 'dq', status: 'failure', summary: '1 error rule failed: ytd_not_running_sum' },
    });
    expect((bodies[2] as { body: object }).body).not.toHaveProperty('metrics');
  });

  it('gives up after its retries when the listener keeps failing', async () => {
    let calls = 0;
    const url = await listen((_req, res) => {
      calls++;
      res.statusCode = 500;
      res.end();
    });
    const [r] = await sendAlerts(
      { sinks: [{ type: 'webhook', url, retries: 2, backoff_ms: 1 }] },
      alert('failure'),
    );
    expect(r).toMatchObject({ sent: false, attempts: 3, error: 'HTTP 500 after 3 attempts' });
    expect(calls).toBe(3);
  });

  it('does not retry a client error', async () => {
    let calls = 0;
    const url = await listen((_req, res) => {
      calls++;
      res.statusCode = 404;
      res.end();
    });
    const [r] = await sendAlerts(
      { sinks: [{ type: 'webhook', url, retries: 3, backoff_ms: 1 }] },
      alert('failure'),
    );
    expect(r).toMatchObject({ sent: false, attempts: 1, error: 'HTTP 404 after 1 attempt' });
    expect(calls).toBe(1);
  });

  it('a listener that never answers times out; the total time is bounded', async () => {
    let calls = 0;
    const url = await listen(() => {
      calls++; // never responds
    });
    const [r] = await sendAlerts(
      { sinks: [{ type: 'webhook', url, timeout_ms: 100, retries: 5, backoff_ms: 50, max_total_ms: 400 }] },
      alert('failure'),
    );
    expect(r.sent).toBe(false);
    expect(r.error).toMatch(/^timed out after \d attempts?$/);
    // 100 ms per attempt plus 50, 100, 200 ms of backoff cannot fit six attempts into 400 ms.
    expect(r.attempts).toBeLessThan(6);
    expect(calls).toBe(r.attempts);
  });

  it('a refused connection is an error, not a throw', async () => {
    const url = await listen((_q, res) => res.end());
    const s = servers.pop()!;
    await new Promise((res) => s.close(res));
    const [r] = await sendAlerts(
      { sinks: [{ type: 'webhook', url, retries: 1, backoff_ms: 1 }] },
      alert('failure'),
    );
    expect(r).toMatchObject({ sent: false, attempts: 2 });
  });
});

describe('file, console and Prometheus sinks', () => {
  it('notify_on failure skips an ok run; all sends it; Prometheus defaults to all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pl-alerts-'));
    const file = join(dir, 'sub', 'alerts.jsonl');
    const prom = join(dir, 'prom', 'planledger_{source}.prom');
    const config = parseAlertConfig(
      'alerts.json',
      JSON.stringify({
        notify_on: 'failure',
        sinks: [
          { type: 'file', path: file },
          { type: 'file', path: join(dir, 'all.jsonl'), notify_on: 'all' },
          { type: 'prometheus', path: prom },
        ],
      }),
    );
    const ok = await sendAlerts(config, alert('ok'));
    expect(ok.map((r) => [r.attempted, r.sent])).toEqual([
      [false, false],
      [true, true],
      [true, true],
    ]);
    const promPath = join(dir, 'prom', 'planledger_dq.prom');
    expect(readFileSync(promPath, 'utf8')).toContain(
      'planledger_dq_failures{rule="ytd_not_running_sum",severity="error"} 0',
    );
    await sendAlerts(config, alert('failure'));
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({
      source: 'dq',
      status: 'failure',
      details: { errors_failed: 1 },
    });
    expect(readFileSync(join(dir, 'all.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    const text = readFileSync(promPath, 'utf8');
    expect(text).toBe(
      [
        '# HELP planledger_check_failed Whether the latest check of this source failed (1) or not (0); warnings count as 0.',
        '# TYPE planledger_check_failed gauge',
        'planledger_check_failed{source="dq"} 1',
        '# HELP planledger_check_last_run_timestamp_seconds Unix time of the latest check of this source.',
        '# TYPE planledger_check_last_run_timestamp_seconds gauge',
        'planledger_check_last_run_timestamp_seconds{source="dq"} 1761998400',
        '# HELP planledger_dq_failures Failing rows per rule.',
        '# TYPE planledger_dq_failures gauge',
        'planledger_dq_failures{rule="ytd_not_running_sum",severity="error"} 3',
        '',
      ].join('\n'),
    );
    // Written atomically: no temporary file is left beside it.
    expect(readdirSync(join(dir, 'prom'))).toEqual(['planledger_dq.prom']);
  });

  it('console writes one line to stderr', async () => {
    const writes: string[] = [];
    const orig = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => {
      writes.push(String(s));
      return true;
    }) as typeof process.stderr.write;
    try {
      await sendAlerts({ sinks: [{ type: 'console' }] }, alert('failure'));
    } finally {
      process.stderr.write = orig;
    }
    expect(writes).toEqual(['[FAIL] planledger data quality: 1 error rule failed: ytd_not_running_sum\n']);
  });

  it('escapes label values and rejects bad names', () => {
    const text = renderMetrics([
      {
        name: 'x_total',
        help: 'a\\b\nc',
        type: 'counter',
        samples: [{ labels: { rule: 'q"\\\n' }, value: 1.5 }],
      },
    ]);
    expect(text).toBe('# HELP x_total a\\\\b\\nc\n# TYPE x_total counter\nx_total{rule="q\\"\\\\\\n"} 1.5\n');
    expect(() => renderMetrics([{ name: '1bad', help: '', type: 'gauge', samples: [] }])).toThrow(
      /metric name/,
    );
  });

  it('rejects a bad configuration naming the field', () => {
    expect(() => parseAlertConfig('a.json', '{"sinks":[{"type":"webhook","url":"ftp://x"}]}')).toThrow(
      'a.json: field "sinks[0].url": expected an http(s) URL',
    );
    expect(() => parseAlertConfig('a.json', '{"sinks":[{"type":"pager"}]}')).toThrow(/sinks\[0\]\.type/);
    expect(() => parseAlertConfig('a.json', '{"sinks":[{"type":"file","path":"x","retries":1}]}')).toThrow(
      /sinks\[0\]\.retries": unknown field/,
    );
    expect(() => parseAlertConfig('a.json', '{"notify_on":"sometimes","sinks":[]}')).toThrow(/notify_on/);
  });

  it('the shipped example parses', () => {
    const text = readFileSync(new URL('../../config/alerts.example.json', import.meta.url), 'utf8');
    expect(parseAlertConfig('alerts.example.json', text).sinks.map((s) => s.type)).toEqual([
      'console',
      'file',
      'webhook',
      'prometheus',
    ]);
  });
});
