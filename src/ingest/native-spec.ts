/**
 * The native recogniser's tables (native/canonical.c, `configure`), written from the contract's
 * own field lists (src/schema/fields.ts: key order, kinds, what an absent key stands for),
 * cross-field rules (src/schema/rules.ts) and the payload columns (payload-columns.ts): the
 * native code holds no fact of the contract itself.
 */
import { EVENT_TYPES } from '../schema/contract.js';
import { ENVELOPE_FIELDS, type Field, PAYLOAD_FIELDS } from '../schema/fields.js';
import { CROSS_RULES } from '../schema/rules.js';
import { PAYLOAD_COLUMN_KEYS, PAYLOAD_COLUMNS } from './payload-columns.js';

const WORD = /^[!-~]+$/;

function word(w: string): string {
  if (!WORD.test(w) || w.includes('|')) throw new Error(`native-spec: '${w}' cannot be written in the spec`);
  return w;
}

/** What an absent key stands for (the normaliser): '-' required, '~' left out, else its JSON text. */
function absent(f: Field): string {
  if (f.required) return '-';
  return f.fallback === undefined ? '~' : word(JSON.stringify(f.fallback));
}

function fieldLines(fields: Field[]): string[] {
  const lines: string[] = [];
  const maps: Field[] = [];
  for (const f of fields) {
    const k = f.kind;
    let arg = '-';
    if (k.t === 'int')
      arg = `${Number.isFinite(k.min) ? k.min : '-inf'},${Number.isFinite(k.max) ? k.max : 'inf'}`;
    else if (k.t === 'enum') arg = k.values.map(word).join('|');
    else if (k.t === 'const') arg = word(k.value);
    else if (k.t === 'object') {
      // An object of optional keys without defaults: a map (canonical-match.ts, objectPart).
      if (k.fields.some((x) => x.required || x.fallback !== undefined))
        throw new Error(`native-spec: ${f.key} is an object with written keys`);
      maps.push(f);
    }
    lines.push(`field ${word(f.key)} ${k.t} ${f.nullable ? 1 : 0} ${arg} ${absent(f)}`);
  }
  for (const m of maps) {
    lines.push(`scope map ${m.key}`);
    lines.push(...fieldLines((m.kind as { fields: Field[] }).fields));
  }
  return lines;
}

export function nativeSpec(): string {
  const lines = ['scope envelope', ...fieldLines(ENVELOPE_FIELDS)];
  for (const kind of EVENT_TYPES) {
    lines.push(`scope ${kind}`, ...fieldLines(PAYLOAD_FIELDS[kind]));
    for (const r of CROSS_RULES) if (r.kind === kind) lines.push(`rule ${r.native}`);
    const columns = PAYLOAD_COLUMN_KEYS[kind] ?? {};
    PAYLOAD_COLUMNS.forEach((c, slot) => {
      const key = columns[c];
      if (key !== undefined) lines.push(`column ${slot} ${key}`);
    });
  }
  return lines.join('\n');
}
