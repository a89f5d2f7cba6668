/**
 * Declarative data-quality rules: the shipped defaults (config/dq-rules.json) merged with a
 * user's rules file by `id` (docs/quality.md, "Rules file"). Pure: no database here.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors/index.js';
import { formatDecimal, ONE, parseDecimal } from '../schema/decimal.js';

export type Severity = 'warn' | 'error';

export interface Rule {
  id: string;
  description: string;
  severity: Severity;
  /** Fraction of checked rows that must pass, in micro-units (1.0 = 1_000_000n). */
  mostly: bigint;
  /** SQL returning one row per failing item. */
  sql: string;
  /** SQL returning one row with one number: the items checked. Default: the events in scope. */
  checked_sql: string;
  enabled: boolean;
  /** Where the rule's final definition came from (file:line). */
  origin: string;
}

export const DEFAULT_CHECKED_SQL = 'SELECT count(*) FROM dq_events';
const ID_RE = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const FIELDS = new Set(['id', 'description', 'severity', 'mostly', 'sql', 'checked_sql', 'enabled']);

/** The shipped rules file: config/dq-rules.json at the package root (found from src/ or dist/src/). */
export function defaultRulesPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'config', 'dq-rules.json');
    try {
      readFileSync(candidate, { flag: 'r' });
      return candidate;
    } catch {
      dir = dirname(dir);
    }
  }
  throw new InputError('config/dq-rules.json not found beside the planledger package');
}

/** 1-based line of the first occurrence of `needle` in `text`, or 1. */
function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  return at < 0 ? 1 : text.slice(0, at).split('\n').length;
}

type PartialRule = Partial<Omit<Rule, 'origin'>> & { id: string; origin: string };

/** Parse one rules file into partial rules (fields checked, not yet completed). */
export function parseRulesFile(path: string, text: string): PartialRule[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const m = /position (\d+)/.exec((err as Error).message);
    const line = m ? text.slice(0, Number(m[1])).split('\n').length : 1;
    throw new InputError(`${path}:${line}: not valid JSON: ${(err as Error).message}`);
  }
  const rules = (doc as { rules?: unknown })?.rules;
  if (typeof doc !== 'object' || doc === null || !Array.isArray(rules)) {
    throw new InputError(`${path}:1: expected an object {"rules": [ … ]}`);
  }
  return rules.map((raw, index) => {
    const where = (field: string, id?: string) =>
      `${path}:${id ? lineOf(text, `"${id}"`) : 1}: rules[${index}]${id ? ` (${id})` : ''}: field "${field}"`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new InputError(`${path}:1: rules[${index}]: expected an object`);
    }
    const r = raw as Record<string, unknown>;
    if (typeof r.id !== 'string' || !ID_RE.test(r.id)) {
      throw new InputError(
        `${where('id')}: expected an id of a-z, 0-9, _ . - (found ${JSON.stringify(r.id)})`,
      );
    }
    const id = r.id;
    const out: PartialRule = { id, origin: `${path}:${lineOf(text, `"${id}"`)}` };
    for (const key of Object.keys(r)) {
      if (!FIELDS.has(key)) throw new InputError(`${where(key, id)}: unknown field`);
    }
    for (const key of ['description', 'sql', 'checked_sql'] as const) {
      if (r[key] === undefined) continue;
      const v = Array.isArray(r[key]) ? (r[key] as unknown[]).join('\n') : r[key];
      if (typeof v !== 'string' || v.trim() === '') {
        throw new InputError(`${where(key, id)}: expected a non-empty string (or array of lines)`);
      }
      out[key] = v;
    }
    if (r.severity !== undefined) {
      if (r.severity !== 'warn' && r.severity !== 'error') {
        throw new InputError(
          `${where('severity', id)}: expected "warn" or "error" (found ${JSON.stringify(r.severity)})`,
        );
      }
      out.severity = r.severity;
    }
    if (r.mostly !== undefined) {
      const text = typeof r.mostly === 'number' || typeof r.mostly === 'string' ? String(r.mostly) : '';
      const v = parseDecimal(text);
      if (v === undefined || v < 0n || v > ONE) {
        throw new InputError(
          `${where('mostly', id)}: expected a fraction between 0 and 1 (found ${JSON.stringify(r.mostly)})`,
        );
      }
      out.mostly = v;
    }
    if (r.enabled !== undefined) {
      if (typeof r.enabled !== 'boolean')
        throw new InputError(`${where('enabled', id)}: expected true or false`);
      out.enabled = r.enabled;
    }
    return out;
  });
}

/** Merge rule files in order: a later rule with the same id overrides the fields it gives. */
export function mergeRules(files: PartialRule[][]): Rule[] {
  const byId = new Map<string, PartialRule>();
  for (const file of files) {
    const seen = new Set<string>();
    for (const r of file) {
      if (seen.has(r.id))
        throw new InputError(`${r.origin}: rule "${r.id}" is defined twice in the same file`);
      seen.add(r.id);
      const prev = byId.get(r.id);
      byId.set(r.id, prev ? { ...prev, ...r } : r);
    }
  }
  return [...byId.values()].map((r) => {
    for (const key of ['description', 'severity', 'sql'] as const) {
      if (r[key] === undefined)
        throw new InputError(`${r.origin}: rule "${r.id}": field "${key}" is required`);
    }
    return {
      id: r.id,
      description: r.description!,
      severity: r.severity!,
      mostly: r.mostly ?? ONE,
      sql: r.sql!,
      checked_sql: r.checked_sql ?? DEFAULT_CHECKED_SQL,
      enabled: r.enabled ?? true,
      origin: r.origin,
    };
  });
}

/** The defaults, plus the user's file when given. */
export function loadRules(userPath?: string): { rules: Rule[]; source: string } {
  const defaults = defaultRulesPath();
  const files = [parseRulesFile(defaults, readFileSync(defaults, 'utf8'))];
  if (userPath !== undefined) files.push(parseRulesFile(userPath, readFileSync(userPath, 'utf8')));
  return { rules: mergeRules(files), source: userPath === undefined ? 'defaults' : `defaults+${userPath}` };
}

export function formatMostly(v: bigint): string {
  return formatDecimal(v);
}
