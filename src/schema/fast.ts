/**
 * The fast path: one JavaScript function per payload kind, generated at load time from the
 * field lists of contract.ts (fields.ts), that checks a parsed object and builds its canonical
 * form in one pass, or returns `undefined` without saying why. The detailed validator
 * (detail.ts) explains a rejection; tests check that the two always agree.
 * Generated code, because a hand-written checker per kind would be a second source of truth
 * and a generic interpreter is several times slower (docs/schema.md, Performance).
 */
import { EVENT_TYPES } from './contract.js';
import { ENVELOPE_FIELDS, type Field, PAYLOAD_FIELDS } from './fields.js';
import { crossRulesHold } from './rules.js';
import * as S from './scalars.js';

type Fn = (v: unknown) => unknown;

/** A JavaScript literal of a contract value (numbers as text: `Infinity` too). */
const lit = (v: unknown): string => (typeof v === 'number' ? String(v) : JSON.stringify(v));

/** Statements that replace local `c` by its canonical value or return undefined. */
function checkCode(f: Field, c: string, nested: Fn[], memos: { n: number }): string {
  const k = f.kind;
  const fail = 'return undefined;';
  switch (k.t) {
    case 'moneyPos':
    case 'moneyNonNeg':
      return `${c} = S.canonMoney(${c}, ${k.t === 'moneyPos'}); if (${c} === undefined) ${fail}`;
    case 'rate':
    case 'rateBelowOne':
      return `${c} = S.canonRate(${c}, ${k.t === 'rateBelowOne'}); if (${c} === undefined) ${fail}`;
    case 'timestamp':
      return `${c} = S.canonTimestamp(${c}); if (${c} === undefined) ${fail}`;
    case 'uuid':
      return `${c} = S.canonUuid(${c}); if (${c} === undefined) ${fail}`;
    case 'date':
    case 'id': {
      // Runs of events repeat ids and dates: remember the last valid value of this field.
      const memo = `M${memos.n++}`;
      const test = k.t === 'date' ? 'S.isDate' : 'S.isId';
      return `if (${c} !== ${memo}) { if (!${test}(${c})) ${fail} ${memo} = ${c}; }`;
    }
    case 'bool':
      return `if (typeof ${c} !== 'boolean') ${fail}`;
    case 'int':
      return `if (!S.isIntegerIn(${c}, ${lit(k.min)}, ${lit(k.max)})) ${fail}`;
    case 'enum':
      return `if (${k.values.map((v) => `${c} !== ${lit(v)}`).join(' && ')}) ${fail}`;
    case 'const':
      return `if (${c} !== ${lit(k.value)}) ${fail}`;
    case 'object':
      nested.push(generate(k.fields, false));
      return `${c} = N[${nested.length - 1}](${c}); if (${c} === undefined) ${fail}`;
    case 'payload':
      return `${c} = P(${c}); if (${c} === undefined) ${fail}`;
  }
}

/** A checker for an object with these fields; `rules` adds the cross-field rules (whole events). */
function generate(fields: Field[], rules: boolean): Fn {
  const nested: Fn[] = [];
  const memos = { n: 0 };
  const lines = [
    "if (typeof o !== 'object' || o === null || Array.isArray(o)) return undefined;",
    'let m = 0;',
    'let same = true;',
  ];
  fields.forEach((f, i) => {
    const c = `c${i}`;
    lines.push(`let ${c} = o[${lit(f.key)}];`, `const v${i} = ${c};`);
    let check = checkCode(f, c, nested, memos);
    if (f.nullable) check = `if (${c} !== null) { ${check} }`;
    if (f.required) lines.push(`if (${c} === undefined) return undefined;`, check);
    else
      lines.push(`if (${c} === undefined) ${c} = ${lit(f.fallback) ?? 'undefined'}; else { m++; ${check} }`);
    lines.push(`if (${c} !== v${i}) same = false;`);
  });
  const required = fields.filter((f) => f.required).length;
  // Already canonical (every field present, in order, in canonical form): the input is the result,
  // nothing is allocated. Objects whose absent keys are left out (maps) are always rebuilt.
  const reusable = fields.every((f) => f.required || f.fallback !== undefined);
  lines.push(
    'let n = 0;',
    'for (const k in o) { if (k !== K[n]) same = false; n++; }',
    `if (n !== ${required} + m) return undefined;`,
    reusable
      ? `let r = o; if (!same) { ${buildCode(fields, (i) => `c${i}`)} }`
      : `let r; ${buildCode(fields, (i) => `c${i}`)}`,
  );
  if (rules) lines.push('if (!R(r)) return undefined;');
  lines.push('return r;');
  const memoDecl =
    memos.n > 0 ? `let ${Array.from({ length: memos.n }, (_, i) => `M${i}`).join(', ')};\n` : '';
  return new Function('S', 'N', 'P', 'R', 'K', `${memoDecl}return (o) => {\n${lines.join('\n')}\n};`)(
    S,
    nested,
    payload,
    crossRulesHold,
    fields.map((f) => f.key),
  );
}

/** Assigns `r` the canonical object: keys in contract order, absent map keys left out. */
function buildCode(fields: Field[], value: (i: number) => string): string {
  const always = fields.filter((f) => f.required || f.fallback !== undefined);
  if (always.length === fields.length) {
    return `r = {${fields.map((f, i) => `${lit(f.key)}: ${value(i)}`).join(', ')}};`;
  }
  const sets = fields.map((f, i) => `if (${value(i)} !== undefined) r[${lit(f.key)}] = ${value(i)};`);
  return `r = {}; ${sets.join(' ')}`;
}

const PAYLOAD_CHECKERS = new Map<unknown, Fn>(
  EVENT_TYPES.map((k) => [k, generate(PAYLOAD_FIELDS[k], false)]),
);

function payload(p: unknown): unknown {
  if (typeof p !== 'object' || p === null) return undefined;
  const check = PAYLOAD_CHECKERS.get((p as Record<string, unknown>).event_type);
  return check === undefined ? undefined : check(p);
}

/** The canonical event when `v` is a valid event, else undefined. Never throws on JSON data. */
export const fastCanonical: Fn = generate(ENVELOPE_FIELDS, true);

// ---- canonical serialization (events.md, Wire format: "Canonical event") ----

/** Reorders an event into canonical key order with defaults filled (values written as they are). */
function reorderer(fields: Field[]): Fn {
  const nested: Fn[] = [];
  const value = (i: number): string => `c${i}`;
  const lines = fields.map((f, i) => {
    const get = `o[${lit(f.key)}]`;
    const fill = f.required ? get : `(${get} === undefined ? ${lit(f.fallback) ?? 'undefined'} : ${get})`;
    let v = fill;
    if (f.kind.t === 'object') {
      nested.push(reorderer(f.kind.fields));
      v = `(${fill} == null ? ${fill} : N[${nested.length - 1}](${fill}))`;
    } else if (f.kind.t === 'payload') {
      v = `(${fill} == null ? ${fill} : P(${fill}))`;
    }
    return `const ${value(i)} = ${v};`;
  });
  lines.push(`let r; ${buildCode(fields, value)}`, 'return r;');
  return new Function('N', 'P', `return (o) => {\n${lines.join('\n')}\n};`)(nested, reorderPayload);
}

const PAYLOAD_REORDERERS = new Map<unknown, Fn>(EVENT_TYPES.map((k) => [k, reorderer(PAYLOAD_FIELDS[k])]));

function reorderPayload(p: Record<string, unknown>): unknown {
  return PAYLOAD_REORDERERS.get(p.event_type)?.(p) ?? p;
}

/** The event with keys in canonical order and every defaulted field written. */
export const reorderEvent: Fn = reorderer(ENVELOPE_FIELDS);
