/**
 * The detailed validator: every problem of an event with its JSON path, what was expected and
 * what was found. It runs only on events the fast path rejected. Structure comes from the
 * TypeBox definitions compiled with `Schema.Compile` (one validator per payload kind, chosen
 * by payload.event_type, so that paths are precise); then the checks a JSON Schema cannot make
 * (real dates and times) and the cross-field rules (rules.ts).
 */
import Type from 'typebox';
import Schema from 'typebox/schema';
import { EVENT_TYPES, PAYLOADS, SimulationEvent } from './contract.js';
import { canonScalar, ENVELOPE_FIELDS, type Field, PAYLOAD_FIELDS, realityOf } from './fields.js';
import { CROSS_RULES, type Problem, type Values } from './rules.js';

const FOUND_MAX = 80;

/** Text cut to 80 characters (code points; events.md, Errors): 79 and '…' when longer. */
export function cut(s: string): string {
  if (s.length <= FOUND_MAX) return s;
  const chars = Array.from(s.slice(0, 2 * FOUND_MAX));
  return chars.length <= FOUND_MAX && s.length <= 2 * FOUND_MAX
    ? s
    : chars.slice(0, FOUND_MAX - 1).join('') + '…';
}

/** The found value as text: its JSON when it has one, cut to 80 characters. */
export function foundText(v: unknown): string {
  if (v === undefined) return 'missing';
  try {
    return cut(typeof v === 'bigint' ? `${v}n` : (JSON.stringify(v) ?? String(v)));
  } catch {
    return Object.prototype.toString.call(v);
  }
}

const escapeKey = (k: string): string => k.replace(/~/g, '~0').replace(/\//g, '~1');
const unescapeKey = (k: string): string => k.replace(/~1/g, '/').replace(/~0/g, '~');

const envelopeCheck = Schema.Compile(
  Type.Object({ ...SimulationEvent.properties, payload: Type.Unknown() }, { additionalProperties: false }),
);
const payloadChecks = new Map(EVENT_TYPES.map((k) => [k as string, Schema.Compile(PAYLOADS[k])]));

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The value at a JSON pointer below `root` (undefined when absent). */
function valueAt(root: unknown, path: string): unknown {
  let v = root;
  for (const seg of path.split('/').slice(1)) v = isObject(v) ? v[unescapeKey(seg)] : undefined;
  return v;
}

/** The field description at a pointer relative to an object with `fields`. */
function fieldAt(fields: Field[], path: string): Field | undefined {
  const segs = path.split('/').slice(1).map(unescapeKey);
  let list: Field[] | undefined = fields;
  let field: Field | undefined;
  for (const seg of segs) {
    field = list?.find((f) => f.key === seg);
    if (field === undefined) return undefined;
    list = field.kind.t === 'object' ? field.kind.fields : undefined;
  }
  return field;
}

class Problems {
  readonly list: Problem[] = [];
  private readonly paths = new Set<string>();
  add(path: string, expected: string, found: string): void {
    if (this.paths.has(path)) return;
    this.paths.add(path);
    this.list.push({ path, expected, found });
  }
  /** True when the field at `path`, or anything below or above it, already has a problem. */
  touches(path: string): boolean {
    for (const p of this.paths)
      if (p === path || p.startsWith(path + '/') || path.startsWith(p + '/')) return true;
    return false;
  }
}

/** Structural problems reported by a compiled TypeBox validator, under the pointer `base`. */
interface Checker {
  Errors(
    value: unknown,
  ): [boolean, { keyword: string; schemaPath: string; instancePath: string; params: object }[]];
}

function structural(check: Checker, value: Json, base: string, fields: Field[], out: Problems): void {
  const expectedAt = (rel: string): string => fieldAt(fields, rel)?.description ?? 'valid value';
  unknownFields(value, fields, base, out);
  for (const e of check.Errors(value)[1]) {
    // Unknown fields: reported by unknownFields (TypeBox lists them unevenly).
    if (e.keyword === 'additionalProperties' || e.schemaPath.endsWith('/additionalProperties')) continue;
    if (e.keyword === 'required') {
      for (const k of (e.params as { requiredProperties: string[] }).requiredProperties) {
        const rel = `${e.instancePath}/${escapeKey(k)}`;
        out.add(base + rel, expectedAt(rel), 'missing');
      }
    } else {
      out.add(base + e.instancePath, expectedAt(e.instancePath), foundText(valueAt(value, e.instancePath)));
    }
  }
}

/** Keys that are not fields of the contract, at this level and in nested objects. */
function unknownFields(value: Json, fields: Field[], base: string, out: Problems): void {
  for (const key of Object.keys(value)) {
    const f = fields.find((x) => x.key === key);
    const path = `${base}/${escapeKey(key)}`;
    if (f === undefined) out.add(path, 'no such field (unknown field)', foundText(value[key]));
    else if (f.kind.t === 'object' && isObject(value[key]))
      unknownFields(value[key] as Json, f.kind.fields, path, out);
  }
}

/**
 * Canonical values of the fields that passed their structural check; a field that matches its
 * pattern but is not real (30 February, 24:00) is reported here. Absent optional fields get
 * their canonical default.
 */
function realValues(obj: Json, fields: Field[], base: string, out: Problems): Values {
  const vals: Values = {};
  for (const f of fields) {
    const path = `${base}/${escapeKey(f.key)}`;
    const v = obj[f.key];
    if (out.touches(path)) continue;
    if (v === undefined) {
      vals[f.key] = f.fallback;
    } else if (v === null && f.nullable) {
      vals[f.key] = null;
    } else if (f.kind.t === 'object') {
      vals[f.key] = realValues(v as Json, f.kind.fields, path, out);
    } else if (f.kind.t !== 'payload') {
      const c = canonScalar(f.kind, v);
      if (c === undefined) out.add(path, realityOf(f.kind) ?? f.description, foundText(v));
      else vals[f.key] = c;
    }
  }
  return vals;
}

/** Every problem of a JSON value as an event (empty when it is a valid event). */
export function detailProblems(event: unknown): Problem[] {
  const out = new Problems();
  if (!isObject(event)) {
    out.add('', 'JSON object', foundText(event));
    return out.list;
  }
  structural(envelopeCheck, event, '', ENVELOPE_FIELDS, out);
  const envelope = realValues(event, ENVELOPE_FIELDS, '', out);
  const payload = event.payload;
  if (payload === undefined) return out.list;
  const payloadField = ENVELOPE_FIELDS.find((f) => f.key === 'payload')!;
  if (!isObject(payload)) {
    out.add('/payload', payloadField.description, foundText(payload));
    return out.list;
  }
  const kind = payload.event_type;
  const check = typeof kind === 'string' ? payloadChecks.get(kind) : undefined;
  if (check === undefined) {
    out.add('/payload/event_type', `one of ${EVENT_TYPES.join(', ')}`, foundText(kind));
    return out.list;
  }
  const fields = PAYLOAD_FIELDS[kind as keyof typeof PAYLOAD_FIELDS];
  structural(check, payload, '/payload', fields, out);
  const vals = realValues(payload, fields, '/payload', out);
  for (const rule of CROSS_RULES) {
    if (rule.kind !== kind) continue;
    if (!rule.reads.every((k) => k in vals) || !rule.readsEnvelope.every((k) => k in envelope)) continue;
    const found = rule.broken(vals, envelope);
    if (found !== undefined) out.add(rule.path, rule.expected, cut(found));
  }
  return out.list;
}
