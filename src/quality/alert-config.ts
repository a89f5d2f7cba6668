/**
 * The alerts configuration file (config/alerts.example.json, docs/quality.md "Alerts"),
 * checked field by field: a mistake names the file, the field and the reason.
 */
import type { AlertConfig, SinkConfig } from './alerts.js';
import { fieldFailer, parseJsonObject, readText } from './json-file.js';

const SINK_FIELDS: Record<string, string[]> = {
  console: ['type', 'notify_on'],
  file: ['type', 'path', 'notify_on'],
  webhook: ['type', 'url', 'headers', 'timeout_ms', 'retries', 'backoff_ms', 'max_total_ms', 'notify_on'],
  prometheus: ['type', 'path', 'notify_on'],
};

export function parseAlertConfig(file: string, text: string): AlertConfig {
  const o = parseJsonObject(file, text);
  const fail = fieldFailer(file);
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
  return parseAlertConfig(file, readText(file));
}
