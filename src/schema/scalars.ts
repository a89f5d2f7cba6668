/**
 * The scalar formats of events.md (Wire format), checked and canonicalised in one pass over
 * the characters. Each function returns the canonical text, or `undefined` when the value is
 * not of the format. They accept exactly what the patterns of contract.ts accept, plus the
 * checks a pattern cannot make (real calendar dates, real times); both the fast validator and
 * the detailed one call them, so the two cannot disagree on a scalar.
 */
import { dayNumber, daysInMonth, fromDay } from './dates.js';

const D0 = 48; // '0'
const D9 = 57; // '9'

function isDigit(c: number): boolean {
  return c >= D0 && c <= D9;
}

/**
 * Money: optional '+', 1–12 integer digits, optionally '.' and 1–6 digits; no '-', no exponent.
 * Canonical: no '+', no leading zeros, no trailing fractional zeros, zero is "0".
 * `positive` rejects zero (money > 0).
 */
export function canonMoney(s: unknown, positive: boolean): string | undefined {
  return canonDecimal(s, 12, 6, positive);
}

/**
 * Rate in [0, 1] (or [0, 1) when `belowOne`): the money grammar with at most 4 places.
 * Compared by its digits, never through a JS number.
 */
export function canonRate(s: unknown, belowOne: boolean): string | undefined {
  const c = canonDecimal(s, 12, 4, false);
  if (c === undefined) return undefined;
  // Canonical text below 1 starts with "0"; exactly 1 is "1"; anything else is above 1.
  if (c.charCodeAt(0) === D0) return c;
  return c === '1' && !belowOne ? c : undefined;
}

function canonDecimal(s: unknown, maxInt: number, maxFrac: number, positive: boolean): string | undefined {
  if (typeof s !== 'string') return undefined;
  const n = s.length;
  let i = 0;
  const plus = n > 0 && s.charCodeAt(0) === 43;
  if (plus) i = 1;
  const intStart = i;
  let nonZero = false;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (!isDigit(c)) break;
    if (c !== D0) nonZero = true;
    i++;
  }
  const intEnd = i;
  if (intEnd === intStart || intEnd - intStart > maxInt) return undefined;
  let fracEnd = -1; // end of the significant fraction (after its last non-zero digit)
  if (i < n) {
    if (s.charCodeAt(i) !== 46) return undefined;
    const dot = i++;
    fracEnd = dot;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (!isDigit(c)) return undefined;
      i++;
      if (c !== D0) {
        nonZero = true;
        fracEnd = i;
      }
    }
    if (i === dot + 1 || i - dot - 1 > maxFrac) return undefined;
  }
  if (positive && !nonZero) return undefined;
  const leadingZero = intEnd - intStart > 1 && s.charCodeAt(intStart) === D0;
  if (!plus && !leadingZero && (fracEnd === -1 || fracEnd === n)) return s;
  let a = intStart;
  while (a < intEnd - 1 && s.charCodeAt(a) === D0) a++;
  const int = s.slice(a, intEnd);
  return fracEnd > intEnd + 1 ? int + s.slice(intEnd, fracEnd) : int;
}

/** Two digits at i as a number, or -1. */
function two(s: string, i: number): number {
  const a = s.charCodeAt(i) - D0;
  const b = s.charCodeAt(i + 1) - D0;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** Four digits at i as a number, or -1. */
function four(s: string, i: number): number {
  const hi = two(s, i);
  const lo = two(s, i + 2);
  return hi < 0 || lo < 0 ? -1 : hi * 100 + lo;
}

/** The date `YYYY-MM-DD` starting at i is a real calendar date between 0001-01-01 and 9999-12-31. */
function realDateAt(s: string, i: number): boolean {
  if (s.charCodeAt(i + 4) !== 45 || s.charCodeAt(i + 7) !== 45) return false;
  const y = four(s, i);
  const m = two(s, i + 5);
  const d = two(s, i + 8);
  return y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/** A real calendar date `YYYY-MM-DD` (already canonical when valid). */
export function isDate(s: unknown): s is string {
  return typeof s === 'string' && s.length === 10 && realDateAt(s, 0);
}

/**
 * RFC 3339 timestamp with a zone: `YYYY-MM-DDTHH:MM:SS[.ffffff](Z|±HH:MM)`, 'T' and 'Z' in
 * either case, at most 6 fractional digits, a real date and time (second 60 is refused: a
 * leap second has no representation in DuckDB's TIMESTAMP nor in JavaScript).
 * Canonical: the same instant in UTC with 'Z', fractional seconds without trailing zeros and
 * only when not zero. The UTC instant must fall within years 0001–9999.
 */
export function canonTimestamp(s: unknown): string | undefined {
  // Events of one run share created_at: remember the last answer.
  if (s === lastTimestamp) return lastCanonTimestamp;
  const c = canonTimestampUncached(s);
  lastTimestamp = s;
  lastCanonTimestamp = c;
  return c;
}

let lastTimestamp: unknown;
let lastCanonTimestamp: string | undefined;

function canonTimestampUncached(s: unknown): string | undefined {
  if (typeof s !== 'string') return undefined;
  const n = s.length;
  if (n < 20 || !realDateAt(s, 0)) return undefined;
  const t = s.charCodeAt(10);
  if (t !== 84 && t !== 116) return undefined;
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return undefined;
  const hh = two(s, 11);
  const mi = two(s, 14);
  const ss = two(s, 17);
  if (hh < 0 || hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 59) return undefined;
  let i = 19;
  let fracEnd = 19; // end of the significant fraction
  if (s.charCodeAt(i) === 46) {
    i++;
    const start = i;
    while (i < n && isDigit(s.charCodeAt(i))) {
      if (s.charCodeAt(i) !== D0) fracEnd = i + 1;
      i++;
    }
    if (i === start || i - start > 6) return undefined;
  }
  const zone = s.charCodeAt(i);
  let offset = 0; // minutes east of UTC
  if (zone === 90 || zone === 122) {
    if (i + 1 !== n) return undefined;
    if (zone === 90 && t === 84 && fracEnd === i) return s; // already canonical
  } else if (zone === 43 || zone === 45) {
    if (i + 6 !== n || s.charCodeAt(i + 3) !== 58) return undefined;
    const oh = two(s, i + 1);
    const om = two(s, i + 4);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return undefined;
    offset = (zone === 43 ? 1 : -1) * (oh * 60 + om);
  } else {
    return undefined;
  }
  const frac = fracEnd > 20 ? s.slice(19, fracEnd) : '';
  let minutes = hh * 60 + mi - offset;
  let day = dayNumber(four(s, 0), two(s, 5), two(s, 8));
  if (minutes < 0) {
    minutes += 1440;
    day -= 1;
  } else if (minutes >= 1440) {
    minutes -= 1440;
    day += 1;
  }
  const date = fromDay(day);
  if (date.length !== 10 || date < '0001-01-01') return undefined;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${date}T${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}:${s.slice(17, 19)}${frac}Z`;
}

/** Per ASCII code: 1 = digit or lower-case hex letter, 2 = upper-case hex letter, 0 = anything else. */
const HEX = new Uint8Array(128);
for (let c = 48; c <= 57; c++) HEX[c] = 1;
for (let c = 97; c <= 102; c++) HEX[c] = 1;
for (let c = 65; c <= 70; c++) HEX[c] = 2;

/** Kinds of hex digits in s[from, to): 1 lower case or digit, 2 upper case (or-ed); 0 if any is not hex. */
function hexRun(s: string, from: number, to: number): number {
  let kinds = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    const k = c < 128 ? HEX[c] : 0;
    if (k === 0) return 0;
    kinds |= k;
  }
  return kinds;
}

/** UUID `8-4-4-4-12` hex digits in any case; canonical in lower case. */
export function canonUuid(s: unknown): string | undefined {
  if (typeof s !== 'string' || s.length !== 36) return undefined;
  if (
    s.charCodeAt(8) !== 45 ||
    s.charCodeAt(13) !== 45 ||
    s.charCodeAt(18) !== 45 ||
    s.charCodeAt(23) !== 45
  ) {
    return undefined;
  }
  const a = hexRun(s, 0, 8);
  const b = hexRun(s, 9, 13);
  const c = hexRun(s, 14, 18);
  const d = hexRun(s, 19, 23);
  const e = hexRun(s, 24, 36);
  if (a === 0 || b === 0 || c === 0 || d === 0 || e === 0) return undefined;
  return (a | b | c | d | e) & 2 ? s.toLowerCase() : s;
}

/** The `\s` class of JavaScript regular expressions (and of JSON Schema patterns). */
function isSpace(c: number): boolean {
  return (
    c === 32 ||
    (c >= 9 && c <= 13) ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** Unicode Cc: U+0000–U+001F and U+007F–U+009F. */
function isControl(c: number): boolean {
  return c < 32 || (c >= 0x7f && c <= 0x9f);
}

/** Id: 1–128 code points, no control characters, no leading or trailing white space. */
export function isId(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const n = s.length;
  if (n === 0 || n > 256 || isSpace(s.charCodeAt(0)) || isSpace(s.charCodeAt(n - 1))) return false;
  let pairs = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) continue; // printable ASCII: the common case
    if (isControl(c)) return false;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        pairs++;
        i++;
      }
    }
  }
  return n - pairs <= 128;
}

/** Integer (a JSON number without fraction) within [min, max]. */
export function isIntegerIn(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}
