/**
 * Alert sinks shared by the data-quality rules, drift checks and `bench compare`
 * (docs/quality.md, "Alerts"): console, JSON-lines file, HTTP webhook and a Prometheus
 * textfile. The API is generic: a caller builds an Alert and calls sendAlerts(config, alert).
 * sendAlerts never throws and never blocks past the webhook's bounded total time; each sink's
 * outcome is returned (and a failed delivery is logged to stderr).
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type AlertMetric, writePrometheusFile } from './prometheus.js';

export type { AlertMetric } from './prometheus.js';

export type AlertStatus = 'ok' | 'warn' | 'failure';
export type NotifyOn = 'failure' | 'all';

export interface Alert {
  /** Who raised it: "dq", "drift", "bench", … (names the Prometheus file with `{source}`). */
  source: string;
  status: AlertStatus;
  title: string;
  /** One line for people. */
  summary: string;
  /** ISO 8601 time of the check. */
  at: string;
  /** Machine-readable body (the report), sent to the file and webhook sinks. */
  details?: unknown;
  /** Figures for the Prometheus sink. */
  metrics?: AlertMetric[];
}

export interface ConsoleSink {
  type: 'console';
  notify_on?: NotifyOn;
}
export interface FileSink {
  type: 'file';
  path: string;
  notify_on?: NotifyOn;
}
export interface WebhookSink {
  type: 'webhook';
  url: string;
  headers?: Record<string, string>;
  /** Per attempt (default 5000 ms). */
  timeout_ms?: number;
  /** Attempts after the first (default 3). */
  retries?: number;
  /** Wait before the first retry, doubled each time (default 500 ms). */
  backoff_ms?: number;
  /** Bound on the whole delivery, waits included (default 30000 ms). */
  max_total_ms?: number;
  notify_on?: NotifyOn;
}
export interface PrometheusSink {
  type: 'prometheus';
  /** Textfile path; `{source}` is replaced by the alert's source. */
  path: string;
  /** Default "all": gauges must also go back to 0 when a check recovers. */
  notify_on?: NotifyOn;
}
export type SinkConfig = ConsoleSink | FileSink | WebhookSink | PrometheusSink;

export interface AlertConfig {
  /** Default for sinks without their own (default "failure"). */
  notify_on?: NotifyOn;
  sinks: SinkConfig[];
}

export interface SinkResult {
  sink: string;
  sent: boolean;
  /** False when the sink was skipped by notify_on. */
  attempted: boolean;
  attempts: number;
  error?: string;
}

function describe(sink: SinkConfig): string {
  switch (sink.type) {
    case 'console':
      return 'console';
    case 'file':
      return `file:${sink.path}`;
    case 'webhook':
      return `webhook:${sink.url}`;
    case 'prometheus':
      return `prometheus:${sink.path}`;
  }
}

/** Whether a sink takes this alert: "all" always, "failure" when the status is not ok. */
export function wants(config: AlertConfig, sink: SinkConfig, alert: Alert): boolean {
  const mode = sink.notify_on ?? (sink.type === 'prometheus' ? 'all' : (config.notify_on ?? 'failure'));
  return mode === 'all' || alert.status !== 'ok';
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** POST the alert as JSON with per-attempt timeout, exponential backoff and a bound on the total time. */
export async function postWebhook(
  sink: WebhookSink,
  body: unknown,
): Promise<{ attempts: number; error?: string }> {
  const timeout = sink.timeout_ms ?? 5000;
  const retries = sink.retries ?? 3;
  const deadline = Date.now() + (sink.max_total_ms ?? 30_000);
  const text = JSON.stringify(body);
  let backoff = sink.backoff_ms ?? 500;
  let error = 'not sent';
  let attempts = 0;
  for (let attempt = 0; attempt <= retries; attempt++) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    attempts++;
    try {
      const res = await fetch(sink.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(sink.headers ?? {}) },
        body: text,
        signal: AbortSignal.timeout(Math.min(timeout, left)),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { attempts };
      error = `HTTP ${res.status}`;
      // A client error will not get better by retrying (except 408 and 429).
      if (res.status < 500 && res.status !== 408 && res.status !== 429) break;
    } catch (err) {
      const e = err as Error;
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      error =
        e.name === 'TimeoutError' || e.name === 'AbortError'
          ? 'timed out'
          : (cause?.code ?? cause?.message ?? e.message ?? String(err));
    }
    if (attempt === retries) break;
    const wait = Math.min(backoff, deadline - Date.now());
    if (wait <= 0) break;
    await sleep(wait);
    backoff *= 2;
  }
  return { attempts, error: `${error} after ${attempts} attempt${attempts === 1 ? '' : 's'}` };
}

function consoleLines(alert: Alert): string {
  const mark = alert.status === 'ok' ? 'OK' : alert.status === 'warn' ? 'WARN' : 'FAIL';
  return `[${mark}] ${alert.title}: ${alert.summary}\n`;
}

async function deliver(sink: SinkConfig, alert: Alert): Promise<{ attempts: number; error?: string }> {
  switch (sink.type) {
    case 'console':
      process.stderr.write(consoleLines(alert));
      return { attempts: 1 };
    case 'file': {
      await mkdir(dirname(sink.path), { recursive: true });
      await appendFile(sink.path, JSON.stringify(withoutMetrics(alert)) + '\n');
      return { attempts: 1 };
    }
    case 'webhook':
      return postWebhook(sink, withoutMetrics(alert));
    case 'prometheus':
      await writePrometheusFile(sink.path.replaceAll('{source}', alert.source), alert);
      return { attempts: 1 };
  }
}

function withoutMetrics(alert: Alert): Omit<Alert, 'metrics'> {
  const { metrics: _metrics, ...rest } = alert;
  return rest;
}

/** Send one alert to every configured sink that wants it; sinks run concurrently. */
export async function sendAlerts(config: AlertConfig, alert: Alert): Promise<SinkResult[]> {
  return Promise.all(
    config.sinks.map(async (sink): Promise<SinkResult> => {
      const name = describe(sink);
      if (!wants(config, sink, alert)) return { sink: name, sent: false, attempted: false, attempts: 0 };
      try {
        const { attempts, error } = await deliver(sink, alert);
        if (error !== undefined) process.stderr.write(`planledger: alert to ${name} failed: ${error}\n`);
        return {
          sink: name,
          sent: error === undefined,
          attempted: true,
          attempts,
          ...(error ? { error } : {}),
        };
      } catch (err) {
        const error = (err as Error).message ?? String(err);
        process.stderr.write(`planledger: alert to ${name} failed: ${error}\n`);
        return { sink: name, sent: false, attempted: true, attempts: 1, error };
      }
    }),
  );
}
