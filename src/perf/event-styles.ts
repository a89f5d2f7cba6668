/**
 * The same valid events written in the four styles of ingest's benchmark and of the test that
 * stores one set of events from each (docs/store.md, "Ingest path: read_csv"):
 *  - canonical: as planledger writes them (`simulate --out`);
 *  - upstream: as upstream PlanWise's Pydantic `model_dump_json` writes them: compact JSON, the
 *    upstream model's key order (the contract's own: events.md follows planalign_core/events),
 *    money padded to 6 places and rates to 4 (`"49000.000000"`, `"0.0600"`), optional fields
 *    written as null;
 *  - hand: keys in reverse order, a space after ':' and ',', optional fields left out (null or
 *    the contract's default), timestamps with a +02:00 offset, CRLF line ends;
 *  - mixed: canonical lines with every 50th line in the hand-written style.
 * Each function takes one canonical line and returns the line in the style, without its line end
 * (`styleLineEnd` gives it).
 */
import type { EventType } from '../schema/contract.js';
import { ENVELOPE_FIELDS, type Field, PAYLOAD_FIELDS } from '../schema/fields.js';

export const EVENT_STYLES = ['canonical', 'upstream', 'hand', 'mixed'] as const;
export type EventStyle = (typeof EVENT_STYLES)[number];

type Obj = Record<string, unknown>;

/** Every 50th line of a mixed file (the 50th, 100th, …) is hand-written. */
export const MIXED_EVERY = 50;

function fieldsOfPayload(payload: Obj): Field[] {
  return PAYLOAD_FIELDS[payload.event_type as EventType];
}

/** Money to 6 places, rates to 4 (Pydantic's Decimal with decimal_places). */
function pad(text: string, places: number): string {
  const [int, frac = ''] = text.split('.');
  return `${int}.${frac.padEnd(places, '0')}`;
}

function padded(f: Field, v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = f.kind.t;
  if (t === 'moneyPos' || t === 'moneyNonNeg') return pad(v, 6);
  if (t === 'rate' || t === 'rateBelowOne') return pad(v, 4);
  return v;
}

/** Keys the contract does not know (an invalid line's) stay, after the known ones. */
function unknownKeys(fields: Field[], o: Obj): string[] {
  return Object.keys(o).filter((k) => !fields.some((f) => f.key === k));
}

function upstreamObject(fields: Field[], o: Obj): Obj {
  const out: Obj = {};
  for (const k of unknownKeys(fields, o)) out[k] = o[k];
  for (const f of fields) {
    if (!(f.key in o)) continue;
    const v = o[f.key];
    if (f.kind.t === 'payload' && fieldsOfPayload(v as Obj) !== undefined)
      out[f.key] = upstreamObject(fieldsOfPayload(v as Obj), v as Obj);
    else if (f.kind.t === 'object' && v !== null && typeof v === 'object')
      out[f.key] = upstreamObject(f.kind.fields, v as Obj);
    else out[f.key] = padded(f, v);
  }
  return out;
}

/** The canonical UTC timestamp as the same instant at +02:00 (kept at +00:00 past year 9999). */
export function atPlusTwo(ts: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?Z$/.exec(ts);
  if (m === null) return ts;
  const d = new Date(`${m[1]}Z`);
  d.setUTCHours(d.getUTCHours() + 2);
  const iso = d.toISOString();
  if (iso.length !== 24) return `${m[1]}${m[2] ?? ''}+00:00`;
  return `${iso.slice(0, 19)}${m[2] ?? ''}+02:00`;
}

/** Written with a space after ':' and ',', keys in reverse order, absent optional fields left out. */
function handText(fields: Field[], o: Obj): string {
  const parts: string[] = [];
  for (const f of [...fields].reverse()) {
    if (!(f.key in o)) continue;
    const v = o[f.key];
    if (!f.required && (v === null || JSON.stringify(v) === JSON.stringify(f.fallback))) continue;
    let text: string;
    if (f.kind.t === 'payload' && fieldsOfPayload(v as Obj) !== undefined)
      text = handText(fieldsOfPayload(v as Obj), v as Obj);
    else if (f.kind.t === 'object' && v !== null && typeof v === 'object')
      text = handText(f.kind.fields, v as Obj);
    else if (f.kind.t === 'timestamp' && typeof v === 'string') text = JSON.stringify(atPlusTwo(v as string));
    else text = JSON.stringify(v);
    parts.push(`${JSON.stringify(f.key)}: ${text}`);
  }
  for (const k of unknownKeys(fields, o)) parts.push(`${JSON.stringify(k)}: ${JSON.stringify(o[k])}`);
  return `{${parts.join(', ')}}`;
}

/** The canonical line in the style (line `index`, 0-based, decides a mixed file's lines). */
export function styleLine(canonicalLine: string, style: EventStyle, index = 0): string {
  if (style === 'canonical') return canonicalLine;
  if (style === 'mixed')
    return (index + 1) % MIXED_EVERY === 0 ? styleLine(canonicalLine, 'hand') : canonicalLine;
  const event = JSON.parse(canonicalLine) as Obj;
  if (style === 'upstream') return JSON.stringify(upstreamObject(ENVELOPE_FIELDS, event));
  return handText(ENVELOPE_FIELDS, event);
}

/** The line end of line `index` in the style: CRLF for hand-written lines. */
export function styleLineEnd(style: EventStyle, index = 0): string {
  return style === 'hand' || (style === 'mixed' && (index + 1) % MIXED_EVERY === 0) ? '\r\n' : '\n';
}
