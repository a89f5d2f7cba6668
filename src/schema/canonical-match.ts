/**
 * Recognise, without JSON.parse, an NDJSON line that already IS the canonical text of a valid
 * event (events.md, Wire format): the common case of files this tool or a careful producer
 * writes. Ingest then stores the line's own bytes (docs/store.md, "Ingest path").
 *
 * One regular expression per payload kind, generated from the field lists (fields.ts), spells
 * the canonical text: every key in canonical order, no white space, no other key, each value
 * in its canonical JSON shape. A quoted value may hold only printable ASCII other than `"` and
 * `\`, so it is exactly the bytes between its quotes (no escapes to undo). Each captured value
 * must then be its own canonical form (`canonScalar(kind, v) === v`, the validator's check)
 * and the kind's cross-field rules must hold (rules.ts).
 *
 * Why that is sound: a line that matches is JSON whose parse has exactly the captured values;
 * each is valid and canonical, so the validator accepts the event and its canonical text is the
 * line itself. A line that does not match is not "invalid", only "not recognised": the caller
 * validates it with JSON.parse and the full validator, which decides and explains. So this can
 * only skip work, never change what is accepted or stored (test/schema/canonical-match.test.ts).
 */
import { EVENT_TYPES, type EventType } from './contract.js';
import { canonScalar, ENVELOPE_FIELDS, type Field, type Kind, PAYLOAD_FIELDS, QUOTED } from './fields.js';
import { CROSS_RULES, type Values } from './rules.js';

/** Printable ASCII without `"` and `\`: a JSON string's content with nothing to unescape. */
const PLAIN = '[ !#-\\[\\]-~]*';

/** The regex text of one value and how to read its captures back into a canonical value. */
interface Part {
  pattern: string;
  /** Captures this part uses. */
  groups: number;
  /** The canonical value from the captures starting at `m[at]`, or `undefined` when not canonical. */
  read(m: RegExpExecArray, at: number): unknown;
}

const MONEY_TAIL = '(?:\\.[0-9]{0,5}[1-9])?';
const RATE_FRACTION = '0(?:\\.[0-9]{0,3}[1-9])?';
const escapeRe = (v: string): string => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Exactly the canonical texts of a kind, where a pattern can say it (scalars.ts: no '+', no
 * leading or trailing zeros, lower-case UUIDs, ids without edge spaces, ASCII only here). A
 * value matched by one of these needs no further check; dates and timestamps (the calendar)
 * and integers (the range) are checked after the match.
 */
function canonicalPattern(kind: Kind): string | undefined {
  switch (kind.t) {
    case 'moneyNonNeg':
      return `(?:0|[1-9][0-9]{0,11})${MONEY_TAIL}`;
    case 'moneyPos':
      return `(?:[1-9][0-9]{0,11}${MONEY_TAIL}|0\\.[0-9]{0,5}[1-9])`;
    case 'rate':
      return `(?:1|${RATE_FRACTION})`;
    case 'rateBelowOne':
      return RATE_FRACTION;
    case 'uuid':
      return '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
    case 'id':
      return '[!#-\\[\\]-~](?:[ !#-\\[\\]-~]{0,126}[!#-\\[\\]-~])?';
    case 'enum':
      return `(?:${kind.values.map(escapeRe).join('|')})`;
    case 'const':
      return escapeRe(kind.value);
    default:
      return undefined;
  }
}

/** A scalar accepted only when it is already its own canonical value. */
function scalarPart(kind: Kind, nullable: boolean): Part {
  const exact = canonicalPattern(kind);
  if (exact !== undefined) {
    const read = (m: RegExpExecArray, at: number) => m[at] ?? null;
    return { pattern: nullable ? `(?:null|"(${exact})")` : `"(${exact})"`, groups: 1, read };
  }
  if (QUOTED.has(kind.t)) {
    // Neighbouring lines repeat most values (ids, dates, the run's created_at): the last
    // verdict is remembered.
    let last: string | undefined;
    let lastOk = false;
    const read = (m: RegExpExecArray, at: number) => {
      const v = m[at];
      if (v === undefined) return null; // matched `null`
      if (v !== last) {
        last = v;
        lastOk = canonScalar(kind, v) === v;
      }
      return lastOk ? v : undefined;
    };
    return { pattern: nullable ? `(?:null|"(${PLAIN})")` : `"(${PLAIN})"`, groups: 1, read };
  }
  if (kind.t === 'bool') {
    const read = (m: RegExpExecArray, at: number) => (m[at] === 'null' ? null : m[at] === 'true');
    return { pattern: nullable ? '(true|false|null)' : '(true|false)', groups: 1, read };
  }
  if (kind.t === 'int') {
    const read = (m: RegExpExecArray, at: number) => {
      const t = m[at];
      if (t === 'null') return null;
      const n = Number(t);
      return String(n) === t && canonScalar(kind, n) === n ? n : undefined;
    };
    return { pattern: nullable ? '(-?[0-9]{1,16}|null)' : '(-?[0-9]{1,16})', groups: 1, read };
  }
  throw new Error(`canonical-match: no scalar pattern for ${kind.t}`);
}

const MAP_ENTRY = /"([a-z_]+)":"([^"\\]*)"(,|$)/y;

/**
 * An object whose fields are all written (required, defaulted or nullable) inline, in order;
 * a map of optional fields without default (keys left out when absent, as in
 * source_balances_vested) as one capture checked entry by entry.
 */
function objectPart(fields: Field[]): Part {
  const written = fields.map((f) => f.required || f.fallback !== undefined);
  if (written.every(Boolean)) {
    const parts = fields.map(fieldPart);
    let pattern = '\\{';
    parts.forEach((p, i) => {
      pattern += `${i > 0 ? ',' : ''}"${fields[i].key}":${p.pattern}`;
    });
    pattern += '\\}';
    const groups = parts.reduce((n, p) => n + p.groups, 0);
    const read = (m: RegExpExecArray, at: number) => {
      const o: Values = {};
      for (let i = 0, g = at; i < parts.length; g += parts[i].groups, i++) {
        const v = parts[i].read(m, g);
        if (v === undefined) return undefined;
        o[fields[i].key] = v;
      }
      return o;
    };
    return { pattern, groups, read };
  }
  if (written.some(Boolean)) throw new Error('canonical-match: an object mixing written and omitted keys');
  if (fields.some((f) => !QUOTED.has(f.kind.t))) throw new Error('canonical-match: a map of unquoted values');
  const order = new Map(fields.map((f, i) => [f.key, i]));
  const read = (m: RegExpExecArray, at: number) => {
    const inner = m[at];
    const o: Values = {};
    let last = -1;
    MAP_ENTRY.lastIndex = 0;
    while (MAP_ENTRY.lastIndex < inner.length) {
      const e = MAP_ENTRY.exec(inner);
      if (e === null) return undefined;
      const i = order.get(e[1]);
      // Canonical maps list their keys in field order, each once; a trailing comma is not JSON.
      if (i === undefined || i <= last || (e[3] === ',' && MAP_ENTRY.lastIndex === inner.length))
        return undefined;
      last = i;
      if (canonScalar(fields[i].kind, e[2]) !== e[2]) return undefined;
      o[e[1]] = e[2];
    }
    return o;
  };
  return { pattern: '\\{((?:"[a-z_]+":"[^"\\\\]*",?)*)\\}', groups: 1, read };
}

function fieldPart(f: Field): Part {
  if (f.kind.t === 'object') return objectPart(f.kind.fields);
  return scalarPart(f.kind, f.nullable);
}

/** A recognised line: its kind, its values and where its payload's text sits in the line. */
export interface CanonicalMatch {
  kind: EventType;
  envelope: Values;
  payload: Values;
  /** The payload's canonical text is `line.slice(payloadStart, payloadEnd)` (indices in the searched text). */
  payloadStart: number;
  payloadEnd: number;
}

interface KindMatcher {
  re: RegExp;
  /** Envelope fields before and after the payload, with their first capture. */
  before: { f: Field; p: Part; at: number }[];
  after: { f: Field; p: Part; at: number }[];
  payload: Part;
  payloadAt: number;
  rules: (typeof CROSS_RULES)[number][];
}

function kindMatcher(kind: EventType): KindMatcher {
  const payloadIndex = ENVELOPE_FIELDS.findIndex((f) => f.kind.t === 'payload');
  let g = 1;
  const place = (f: Field) => {
    const p = fieldPart(f);
    const at = g;
    g += p.groups;
    return { f, p, at };
  };
  const before = ENVELOPE_FIELDS.slice(0, payloadIndex).map(place);
  const payloadAt = g++; // the whole payload text, for its position
  const payload = objectPart(PAYLOAD_FIELDS[kind]);
  g += payload.groups;
  const after = ENVELOPE_FIELDS.slice(payloadIndex + 1).map(place);
  const text = (xs: { f: Field; p: Part }[], first: boolean) =>
    xs.map((x, i) => `${first && i === 0 ? '' : ','}"${x.f.key}":${x.p.pattern}`).join('');
  const pattern = `\\{${text(before, true)}${before.length > 0 ? ',' : ''}"payload":(${payload.pattern})${text(after, false)}\\}`;
  return {
    // Sticky: matched where a line starts in a larger text; the caller checks where it ends.
    re: new RegExp(pattern, 'y'),
    before,
    after,
    payload,
    payloadAt,
    rules: CROSS_RULES.filter((r) => r.kind === kind),
  };
}

const MATCHERS = new Map<string, KindMatcher>(EVENT_TYPES.map((k) => [k, kindMatcher(k)]));
const KIND_KEY = '"payload":{"event_type":"';
const PAYLOAD_KEY_LENGTH = '"payload":'.length;

/**
 * The line of `text` from `start` to `end` (exclusive, no newline) when it is the canonical text
 * of a valid event, else null. `text` may hold many lines (a decoded chunk): no copy is made.
 */
export function matchCanonicalLine(text: string, start: number, end: number): CanonicalMatch | null {
  const k = text.indexOf(KIND_KEY, start);
  if (k < 0 || k >= end) return null;
  const kindStart = k + KIND_KEY.length;
  const kindEnd = text.indexOf('"', kindStart);
  if (kindEnd < 0 || kindEnd >= end) return null;
  const km = MATCHERS.get(text.slice(kindStart, kindEnd));
  if (km === undefined) return null;
  km.re.lastIndex = start;
  const m = km.re.exec(text);
  if (m === null || km.re.lastIndex !== end) return null;
  const envelope: Values = {};
  for (const x of km.before) {
    const v = x.p.read(m, x.at);
    if (v === undefined) return null;
    envelope[x.f.key] = v;
  }
  for (const x of km.after) {
    const v = x.p.read(m, x.at);
    if (v === undefined) return null;
    envelope[x.f.key] = v;
  }
  const payload = km.payload.read(m, km.payloadAt + 1) as Values | undefined;
  if (payload === undefined) return null;
  for (const r of km.rules) if (r.broken(payload, envelope) !== undefined) return null;
  const payloadStart = k + PAYLOAD_KEY_LENGTH;
  return {
    kind: payload.event_type as EventType,
    envelope,
    payload,
    payloadStart,
    payloadEnd: payloadStart + m[km.payloadAt].length,
  };
}

// ---- the verdict alone (ingest's read_json path: src/ingest/recognise-chunk.ts) ----

/** Captures of a verdict pattern, and the checks the pattern alone cannot make. */
interface VerdictState {
  g: number;
  checks: { at: number; ok: (m: RegExpExecArray, at: number) => boolean }[];
}

/** A capture group made non-capturing (patterns here never hold an escaped parenthesis). */
const uncaptured = (pattern: string): string => pattern.replace(/(?<!\\)\((?!\?)/g, '(?:');

/**
 * A value's pattern for the verdict: captured only when something must look at it (a calendar,
 * a range, a map, or a cross-field rule that reads it); exact patterns alone decide the rest.
 */
function verdictValue(
  kind: Kind,
  nullable: boolean,
  keep: boolean,
  st: VerdictState,
): { pattern: string; at?: number } {
  if (kind.t === 'object') {
    const fields = kind.fields;
    if (fields.every((f) => f.required || f.fallback !== undefined)) {
      const inner = fields.map(
        (f, i) => `${i > 0 ? ',' : ''}"${f.key}":${verdictValue(f.kind, f.nullable, false, st).pattern}`,
      );
      return { pattern: `\\{${inner.join('')}\\}` };
    }
    const part = objectPart(fields); // a map: read entry by entry
    const at = st.g;
    st.g += part.groups;
    st.checks.push({ at, ok: (m, a) => part.read(m, a) !== undefined });
    return { pattern: part.pattern, at };
  }
  const part = scalarPart(kind, nullable);
  const exact = canonicalPattern(kind) !== undefined || kind.t === 'bool';
  if (exact && !keep) return { pattern: uncaptured(part.pattern) };
  const at = st.g;
  st.g += part.groups;
  if (!exact) st.checks.push({ at, ok: (m, a) => part.read(m, a) !== undefined });
  return { pattern: part.pattern, at };
}

interface VerdictMatcher {
  re: RegExp;
  checks: VerdictState['checks'];
  /** The capture of the whole payload text. */
  payloadAt: number;
  rules: (typeof CROSS_RULES)[number][];
  payloadReads: [string, number][];
  envelopeReads: [string, number][];
}

function verdictMatcher(kind: EventType): VerdictMatcher {
  const st: VerdictState = { g: 1, checks: [] };
  const rules = CROSS_RULES.filter((r) => r.kind === kind);
  const pReads = new Set(rules.flatMap((r) => r.reads));
  const eReads = new Set(rules.flatMap((r) => r.readsEnvelope));
  const payloadReads: [string, number][] = [];
  const envelopeReads: [string, number][] = [];
  let payloadAt = 0;
  const fields = ENVELOPE_FIELDS.map((f) => {
    if (f.kind.t !== 'payload') {
      const v = verdictValue(f.kind, f.nullable, eReads.has(f.key), st);
      if (v.at !== undefined && eReads.has(f.key)) envelopeReads.push([f.key, v.at]);
      return `"${f.key}":${v.pattern}`;
    }
    payloadAt = st.g++;
    const inner = PAYLOAD_FIELDS[kind].map((p, i) => {
      const v = verdictValue(p.kind, p.nullable, pReads.has(p.key), st);
      if (v.at !== undefined && pReads.has(p.key)) payloadReads.push([p.key, v.at]);
      return `${i > 0 ? ',' : ''}"${p.key}":${v.pattern}`;
    });
    return `"${f.key}":(\\{${inner.join('')}\\})`;
  });
  return {
    re: new RegExp(`\\{${fields.join(',')}\\}`, 'y'),
    checks: st.checks,
    payloadAt,
    rules,
    payloadReads,
    envelopeReads,
  };
}

const VERDICTS = new Map<string, VerdictMatcher>(EVENT_TYPES.map((k) => [k, verdictMatcher(k)]));
let lastVerdict = VERDICTS.get('contribution') as VerdictMatcher;

/**
 * The length of the payload's text when the line of `text` from `start` to `end` is the
 * canonical text of a valid event, else -1: exactly when `matchCanonicalLine` matches (test:
 * test/schema/canonical-match.test.ts), without building the values (about 3× faster).
 */
export function recogniseCanonicalLine(text: string, start: number, end: number): number {
  // Lines of one kind come in runs (contributions above all): the last kind's pattern is tried
  // first, and the kind is looked up only when it does not match.
  let vm: VerdictMatcher | undefined = lastVerdict;
  vm.re.lastIndex = start;
  let m = vm.re.exec(text);
  if (m === null || vm.re.lastIndex !== end) {
    const k = text.indexOf(KIND_KEY, start);
    if (k < 0 || k >= end) return -1;
    const kindStart = k + KIND_KEY.length;
    const kindEnd = text.indexOf('"', kindStart);
    if (kindEnd < 0 || kindEnd >= end) return -1;
    vm = VERDICTS.get(text.slice(kindStart, kindEnd));
    if (vm === undefined || vm === lastVerdict) return -1;
    vm.re.lastIndex = start;
    m = vm.re.exec(text);
    if (m === null || vm.re.lastIndex !== end) return -1;
    lastVerdict = vm;
  }
  for (const c of vm.checks) if (!c.ok(m, c.at)) return -1;
  if (vm.rules.length > 0) {
    const p: Values = {};
    const e: Values = {};
    for (const [key, at] of vm.payloadReads) p[key] = m[at] ?? null;
    for (const [key, at] of vm.envelopeReads) e[key] = m[at] ?? null;
    for (const r of vm.rules) if (r.broken(p, e) !== undefined) return -1;
  }
  return m[vm.payloadAt].length;
}
