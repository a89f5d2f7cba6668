/**
 * The contract's canonical text as SQL, generated from the field lists (fields.ts): lets DuckDB
 * decide, without JavaScript, that an NDJSON line already IS the canonical text of a valid
 * event (events.md, Wire format), so that ingest can store it as it is (docs/store.md, "SQL
 * path"). The proof is by reconstruction:
 *
 *  1. DuckDB parses the line (`json_transform`) into a struct of every field of the envelope
 *     and of the eleven payloads, each read as text;
 *  2. SQL writes the canonical text of that struct back, key by key in canonical order, every
 *     value put in raw (no escaping);
 *  3. the line is on the path only if it has no backslash, the rebuilt text equals the line
 *     byte for byte, and every value passes a check of its kind that is NARROWER than the
 *     contract (canonical form only; ids printable ASCII without `"`).
 *
 * Why that is sound: without a backslash, no JSON string in the line holds `"` or an escape, so
 * each value is exactly the bytes between its quotes; the checks keep `"` out of every value, so
 * the rebuilt text has exactly the structure of the template; equal to the line, the line has
 * that structure: the canonical keys in canonical order, no other key, no duplicate, each value
 * in canonical form. A line that fails any step is not "invalid", only "not proven canonical":
 * the caller validates it in JavaScript as before, so this path can only skip work, never change
 * what is accepted or stored (property test: test/schema/canonical-sql.test.ts).
 */
import { quotedString } from '@duckdb/node-api';
import { EVENT_TYPES, type EventType } from './contract.js';
import { ENVELOPE_FIELDS, type Field, type Kind, PAYLOAD_FIELDS, QUOTED } from './fields.js';
import { CROSS_RULES } from './rules.js';

/** Canonical money text: no '+', no leading zero, no trailing fractional zero, ≤ 12 + 6 digits. */
const MONEY = '(0|[1-9][0-9]{0,11})(\\.[0-9]{0,5}[1-9])?';
const RATE_BELOW_ONE = '0(\\.[0-9]{0,3}[1-9])?';
const TIMESTAMP = '[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{0,5}[1-9])?Z';
/** Printable ASCII without `"` (a backslash never reaches the checks); no edge space. */
const ID = '[!#-~]([ !#-~]{0,126}[!#-~])?';
/** Integers of at most 15 digits are exact in JavaScript and in BIGINT alike. */
const INT_LIMIT = 999_999_999_999_999;

const canonicalDate = (v: string) => `(length(${v}) = 10 AND CAST(TRY_CAST(${v} AS DATE) AS VARCHAR) = ${v})`;

/** SQL that is true only when the text `v` is the canonical text of a valid value of `kind`. */
export function valueCheck(kind: Kind, v: string): string {
  switch (kind.t) {
    case 'moneyNonNeg':
      return `regexp_full_match(${v}, ${quotedString(MONEY)})`;
    case 'moneyPos':
      return `(${v} <> '0' AND regexp_full_match(${v}, ${quotedString(MONEY)}))`;
    case 'rate':
      return `(${v} = '1' OR regexp_full_match(${v}, ${quotedString(RATE_BELOW_ONE)}))`;
    case 'rateBelowOne':
      return `regexp_full_match(${v}, ${quotedString(RATE_BELOW_ONE)})`;
    case 'date':
      return canonicalDate(v);
    case 'timestamp':
      // Real time by the pattern (≤ 23:59:59), real date by DuckDB's calendar.
      return `(regexp_full_match(${v}, ${quotedString(TIMESTAMP)}) AND ${canonicalDate(`left(${v}, 10)`)})`;
    case 'uuid':
      // DuckDB writes a UUID as lower-case 8-4-4-4-12: equal only when already canonical.
      return `CAST(TRY_CAST(${v} AS UUID) AS VARCHAR) = ${v}`;
    case 'id':
      return `regexp_full_match(${v}, ${quotedString(ID)})`;
    case 'bool':
      return `${v} IN ('true', 'false')`;
    case 'int': {
      const min = Math.max(kind.min, -INT_LIMIT);
      const max = Math.min(kind.max, INT_LIMIT);
      return `(TRY_CAST(${v} AS BIGINT) BETWEEN ${min} AND ${max} AND CAST(TRY_CAST(${v} AS BIGINT) AS VARCHAR) = ${v})`;
    }
    case 'enum':
      return `${v} IN (${kind.values.map(quotedString).join(', ')})`;
    case 'const':
      return `${v} = ${quotedString(kind.value)}`;
    case 'object':
      return `(${kind.fields.map((f) => fieldCheck(f, `${v}.${f.key}`)).join(' AND ')})`;
    case 'payload':
      throw new Error('the payload is checked per kind');
  }
}

/** A field's check: its value's, or NULL allowed where the canonical text may hold null or omit it. */
function fieldCheck(f: Field, v: string): string {
  if (f.kind.t === 'object') return valueCheck(f.kind, v);
  const mayBeAbsent = f.nullable || (!f.required && f.fallback === undefined);
  return mayBeAbsent ? `(${v} IS NULL OR ${valueCheck(f.kind, v)})` : valueCheck(f.kind, v);
}

/**
 * The pieces of a value's canonical JSON text, for one `concat` (one allocation per row, where
 * chained `||` would allocate at every step). `concat` reads NULL as empty, which is safe: a
 * NULL in a field that may not be NULL fails that field's check anyway.
 */
function valuePieces(kind: Kind, v: string): string[] {
  if (kind.t === 'object') return [objectText(kind.fields, v)];
  return QUOTED.has(kind.t) ? [`'"'`, v, `'"'`] : [v];
}

/** Adjacent string literals merged: `'a', 'b'` → `'ab'`. */
function merge(pieces: string[]): string[] {
  const out: string[] = [];
  for (const p of pieces) {
    const prev = out[out.length - 1];
    if (prev !== undefined && isLit(prev) && isLit(p))
      out[out.length - 1] = quotedString(unlit(prev) + unlit(p));
    else out.push(p);
  }
  return out;
}
const isLit = (p: string): boolean => /^'(?:[^']|'')*'$/.test(p);
const unlit = (p: string): string => p.slice(1, -1).replaceAll("''", "'");

/**
 * An object's canonical text: every field in order (required, defaulted or nullable fields are
 * always written), or a map of optional fields without default whose absent keys are left out.
 */
function objectText(fields: Field[], base: string, payload?: string): string {
  const written = fields.map((f) => f.required || f.fallback !== undefined);
  if (written.every(Boolean)) {
    const pieces: string[] = [`'{'`];
    fields.forEach((f, i) => {
      pieces.push(quotedString(`${i > 0 ? ',' : ''}"${f.key}":`));
      if (f.kind.t === 'payload') pieces.push(payload as string);
      else if (f.nullable) {
        const quoted = QUOTED.has(f.kind.t);
        pieces.push(`coalesce(${quoted ? `'"' || ${base}.${f.key} || '"'` : `${base}.${f.key}`}, 'null')`);
      } else pieces.push(...valuePieces(f.kind, `${base}.${f.key}`));
    });
    pieces.push(`'}'`);
    return `concat(${merge(pieces).join(', ')})`;
  }
  if (written.some(Boolean)) throw new Error('canonical-sql: an object mixing written and omitted keys');
  // A map: a key whose value is NULL is left out (`||` makes its whole piece NULL, concat_ws skips it).
  const parts = fields.map((f) => {
    const v = `${base}.${f.key}`;
    return QUOTED.has(f.kind.t)
      ? `${quotedString(`"${f.key}":"`)} || ${v} || '"'`
      : `${quotedString(`"${f.key}":`)} || ${v}`;
  });
  return `concat('{', concat_ws(',', ${parts.join(', ')}), '}')`;
}

/** Every key any payload or the envelope has, read as text: the parse structure of a line. */
function structureOf(fields: Field[], into: Record<string, unknown> = {}): Record<string, unknown> {
  for (const f of fields) {
    if (f.kind.t === 'payload') continue;
    if (f.kind.t === 'object') {
      const prev = into[f.key];
      if (prev !== undefined && typeof prev !== 'object') throw new Error(`canonical-sql: ${f.key} is both`);
      into[f.key] = structureOf(f.kind.fields, (prev as Record<string, unknown>) ?? {});
    } else {
      if (typeof into[f.key] === 'object') throw new Error(`canonical-sql: ${f.key} is both`);
      into[f.key] = 'VARCHAR';
    }
  }
  return into;
}

const payloadStructure: Record<string, unknown> = {};
for (const k of EVENT_TYPES) structureOf(PAYLOAD_FIELDS[k], payloadStructure);
/** The `json_transform` structure: the envelope's fields and the union of the payloads' fields. */
export const LINE_STRUCTURE = JSON.stringify({ ...structureOf(ENVELOPE_FIELDS), payload: payloadStructure });

/**
 * The SQL names the expressions below read: `j` the parsed struct, `k` the payload's kind
 * (`j.payload.event_type`), `pt` the rebuilt payload text.
 */
export interface CanonicalSql {
  /** The payload's canonical text rebuilt from `j` (NULL for an unknown kind or a missing field). */
  payloadText: string;
  /** The whole line's canonical text rebuilt from `j`, with the payload text `pt`. */
  lineText: string;
  /** True when every envelope value of `j` is canonical and valid. */
  envelopeValid: string;
  /** True when every payload value of `j` is canonical and valid and the kind's cross-field rules hold. */
  payloadValid: string;
}

function crossRuleSql(kind: EventType): string[] {
  return CROSS_RULES.filter((r) => r.kind === kind).map(
    (r) =>
      `(${r.sql.replace(/\{(envelope\.)?([a-z_]+)\}/g, (_, env: string | undefined, f: string) =>
        env ? `j.${f}` : `j.payload.${f}`,
      )})`,
  );
}

function buildCanonicalSql(): CanonicalSql {
  const payloadText = `CASE k ${EVENT_TYPES.map(
    (k) => `WHEN ${quotedString(k)} THEN ${objectText(PAYLOAD_FIELDS[k], 'j.payload')}`,
  ).join(' ')} END`;
  const lineText = objectText(ENVELOPE_FIELDS, 'j', 'pt');
  const envelope = ENVELOPE_FIELDS.filter((f) => f.kind.t !== 'payload').map((f) =>
    fieldCheck(f, `j.${f.key}`),
  );
  const payload = `CASE k ${EVENT_TYPES.map(
    (k) =>
      `WHEN ${quotedString(k)} THEN ${[...PAYLOAD_FIELDS[k].map((f) => fieldCheck(f, `j.payload.${f.key}`)), ...crossRuleSql(k)].join(' AND ')}`,
  ).join(' ')} ELSE false END`;
  return { payloadText, lineText, envelopeValid: `(${envelope.join(' AND ')})`, payloadValid: payload };
}

export const CANONICAL_SQL: CanonicalSql = buildCanonicalSql();
