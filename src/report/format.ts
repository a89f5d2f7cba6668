/**
 * Number formatting for the report. Money and rates arrive as exact decimal strings from DuckDB
 * and stay `bigint` micro-units (src/schema/decimal.ts); they are rounded half away from zero
 * for display only.
 */
import { dec, divRoundHalfAway, ONE } from '../schema/decimal.js';

/** Thousands separators on a string of digits. */
function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Micro-units as dollars and cents: 1234.5 → "$1,234.50", negatives "−$12.00". */
export function moneyText(v: bigint): string {
  const cents = divRoundHalfAway(v, 10_000n);
  const abs = cents < 0n ? -cents : cents;
  const text = `$${group((abs / 100n).toString())}.${(abs % 100n).toString().padStart(2, '0')}`;
  return cents < 0n ? `−${text}` : text;
}

/** A decimal string (or null) as money text; null shows as an em dash. */
export function money(text: string | null | undefined): string {
  return text === null || text === undefined ? '—' : moneyText(dec(text));
}

/** Short money for chart axes: $950, $12.5K, $3.2M, $1.05B. */
export function moneyShort(v: bigint): string {
  const neg = v < 0n;
  const abs = neg ? -v : v;
  const units: [bigint, string][] = [
    [1_000_000_000n * ONE, 'B'],
    [1_000_000n * ONE, 'M'],
    [1_000n * ONE, 'K'],
  ];
  let text = `$${group(divRoundHalfAway(abs, ONE).toString())}`;
  for (const [size, suffix] of units) {
    if (abs >= size) {
      const hundredths = divRoundHalfAway(abs * 100n, size);
      const whole = hundredths / 100n;
      const frac = (hundredths % 100n).toString().padStart(2, '0').replace(/0+$/, '');
      text = `$${group(whole.toString())}${frac ? '.' + frac : ''}${suffix}`;
      break;
    }
  }
  return neg ? `−${text}` : text;
}

/** A fraction in micro-units as a percentage with `places` decimals: 612345n → "61.23%". */
export function percentText(v: bigint, places = 1): string {
  const scale = 10n ** BigInt(places);
  const scaled = divRoundHalfAway(v * 100n * scale, ONE);
  const abs = scaled < 0n ? -scaled : scaled;
  const whole = (abs / scale).toString();
  const frac = places > 0 ? '.' + (abs % scale).toString().padStart(places, '0') : '';
  return `${scaled < 0n ? '−' : ''}${whole}${frac}%`;
}

/** numerator / denominator as a fraction in micro-units (0 when the denominator is 0). */
export function ratio(numerator: bigint, denominator: bigint): bigint {
  return denominator === 0n ? 0n : divRoundHalfAway(numerator * ONE, denominator);
}

/** An integer count with thousands separators. */
export function count(v: bigint | number | string): string {
  const text = String(v);
  return text.startsWith('-') ? `−${group(text.slice(1))}` : group(text);
}

/** A measured figure (benchmarks: not money) with up to 3 significant decimals. */
export function figure(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const abs = Math.abs(x);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  const [int, frac] = x.toFixed(digits).split('.');
  const sign = int.startsWith('-') ? '−' : '';
  return `${sign}${group(int.replace('-', ''))}${frac ? '.' + frac : ''}`;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text safe inside HTML and SVG (elements and attribute values). */
export function esc(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);
}
