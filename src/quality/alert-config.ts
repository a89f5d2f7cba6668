/**
 * The alerts configuration file (config/alerts.example.json, docs/quality.md "Alerts"),
 * checked field by field: a mistake names the file, the field and the reason.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from '../cli/exit.js';
import type { AlertConfig, SinkConfig } from './alerts.js';

const SINK_FIELDS: Record<string, string[]> = {
  console: ['type', 'notify_on'],
  file: ['type', 'path', 'notify_on'],
  webhook: ['type', 'url', 'headers', 'timeout_ms', 'retries', 'backoff_ms', 'max_total_ms', 'notify_on'],
  prometheus: ['type', 'path', 'notify_on'],
};

export function parseAlertConfig(file: string, text: string): AlertConfig {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file}: not valid JSON: ${(err as Error).message}`);
  }
  const fail = (field: string, reason: string): never => {
    throw new UsageError(`${file}: field "${field}": ${reason}`);
  };
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) fail('(top)', 'expected an object');
  const o = doc as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!['about', 'notify_on', 'sinks'].includes(k)) fail(k, 'unknown field');
  const notifyOn = (v: unknown, field: string) => {
    if (v !== undefined && v !== 'failure' && v !== 'all')
      fail(field, `expected "failure" or "all", found ${JSON.stringify(v)}`);
    return v as 'failure' | 'all' | undefined;
  };
  const config: AlertConfig = { notify_on: notifyOn(o.notify_on, 'notify_on') ?? 'failure', sinks: [] };
  if (!Array.isArray(o.sinks)) fail('sinks', 'expected a list of sinks');
  (o.sinks as unknown[]).forEach((raw, i) => {
    const f = `sinks[${i}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(f, 'expected an object');
    const s = raw as Record<string, unknown>;
    const allowed = SINK_FIELDS[String(s.type)];
    if (allowed === undefined) fail(`${f}.type`, `expected one of ${Object.keys(SINK_FIELDS).join(', ')}`);
    for (const k of Object.keys(s)) if (!allowed.includes(k)) fail(`${f}.${k}`, 'unknown field');
    notifyOn(s.notify_on, `${f}.notify_on`);
    if ((s.type === 'file' || s.type === 'prometheus') && (typeof s.path !== 'string' || s.path === '')) {
      fail(`${f}.path`, 'expected a file path');
    }
    if (s.type === 'webhook') {
      if (typeof s.url !== 'string' || !/^https?:\/\//.test(s.url))
        fail(`${f}.url`, 'expected an http(s) URL');
      for (const k of ['timeout_ms', 'retries', 'backoff_ms', 'max_total_ms']) {
        const v = s[k];
        if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 3_600_000)) {
          fail(`${f}.${k}`, `expected a whole number from 0 to 3600000, found ${JSON.stringify(v)}`);
        }
      }
      if (s.headers !== undefined) {
        const h = s.headers;
        if (typeof h !== 'object' || h === null || Object.values(h).some((v) => typeof v !== 'string')) {
          fail(`${f}.headers`, 'expected an object of strings');
        }
      }
    }
    config.sinks.push(s as unknown as SinkConfig);
  });
  return config;
}

export function loadAlertConfig(file: string): AlertConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`${file}: cannot read: ${(err as Error).message}`);
  }
  return parseAlertConfig(file, text);
}
