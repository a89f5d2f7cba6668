/**
 * Exact decimal arithmetic on scaled bigints.
 *
 * Every money amount and every rate in planledger is a `bigint` of micro-units
 * (1 unit = 0.000001): "87550.5" → 87_550_500_000n, "0.06" → 60_000n. A JavaScript
 * `number` never holds a dollar amount or a rate (events.md, Wire format; calculations.md, Arithmetic).
 */

/** Scale of every Decimal: 6 fractional digits (DECIMAL(18,6)). */
export const SCALE = 6;
export const ONE = 1_000_000n;
/** One cent in micro-units. */
export const CENT = 10_000n;

/** A decimal held as an integer count of micro-units. */
export type Decimal = bigint;

const DECIMAL_RE = /^([+-]?)([0-9]+)(?:\.([0-9]+))?$/;

/**
 * Parse a plain decimal string ("-12.5", "+0.000001", "007") into micro-units.
 * Returns undefined when the text is not a decimal or has more than `maxFraction`
 * fractional digits (6 for money, 4 for rates). No exponents, no spaces.
 */
export function parseDecimal(text: string, maxFraction = SCALE): Decimal | undefined {
  const m = DECIMAL_RE.exec(text);
  if (m === null) return undefined;
  const frac = m[3] ?? '';
  if (frac.length > maxFraction) return undefined;
  const digits = BigInt(m[2] + frac.padEnd(SCALE, '0'));
  return m[1] === '-' ? -digits : digits;
}

/** Parse or throw: for trusted inputs (plan files are validated first; this names the value). */
export function dec(text: string): Decimal {
  const v = parseDecimal(text);
  if (v === undefined) throw new Error(`not a decimal: ${JSON.stringify(text)}`);
  return v;
}

/** Canonical text: no '+', no exponent, no leading zeros, no trailing fractional zeros; zero is "0". */
export function formatDecimal(v: Decimal): string {
  const neg = v < 0n;
  const abs = neg ? -v : v;
  const int = abs / ONE;
  const frac = abs % ONE;
  let s = int.toString();
  if (frac !== 0n) s += '.' + frac.toString().padStart(SCALE, '0').replace(/0+$/, '');
  return neg ? '-' + s : s;
}

/** Canonical text of a decimal string (assumed valid). */
export function canonicalDecimal(text: string): string {
  return formatDecimal(dec(text));
}

/** n / d rounded half away from zero (d > 0). */
export function divRoundHalfAway(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice >= d) return n < 0n ? q - 1n : q + 1n;
  return q;
}

/** Round micro-units to whole cents, half away from zero. */
export function roundCents(v: Decimal): Decimal {
  return divRoundHalfAway(v, CENT) * CENT;
}

/** Exact product of two decimals, unrounded, at scale 12 (for formulas that round once at the end). */
export function mulExact(a: Decimal, b: Decimal): bigint {
  return a * b;
}

/** Round a scale-12 product (from mulExact or sums of them) to cents, result in micro-units. */
export function roundProductToCents(p: bigint): Decimal {
  return divRoundHalfAway(p, ONE * CENT) * CENT;
}

/** round(a × b) to cents: one formula, one rounding. */
export function mulRoundCents(a: Decimal, b: Decimal): Decimal {
  return roundProductToCents(a * b);
}

/** round(a / k) to cents for an integer divisor (e.g. annual pay / periods). */
export function divIntRoundCents(a: Decimal, k: number | bigint): Decimal {
  return divRoundHalfAway(a, CENT * BigInt(k)) * CENT;
}

export function minDec(a: Decimal, b: Decimal): Decimal {
  return a < b ? a : b;
}

export function maxDec(a: Decimal, b: Decimal): Decimal {
  return a > b ? a : b;
}
