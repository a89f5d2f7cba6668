/**
 * Hand-written SVG charts: bars (stacked when several series), lines, and stacked areas with
 * overlay lines; reference lines for targets. No library, no script: the report stays one
 * self-contained file. Values are `bigint` (money and rates in micro-units, counts as is);
 * a `number` is used only for pixel geometry (a ratio of two values).
 *
 * Colours: the Okabe–Ito palette, distinguishable with the common colour-vision deficiencies;
 * lines also differ by dash pattern, and every mark has a text tooltip.
 */
import { esc } from './format.js';

export const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#8C7A00',
  '#555555',
];
const DASHES = ['', '6 3', '2 3', '8 3 2 3', '1 2', '10 4'];

export interface Series {
  name: string;
  /** One value per x point; null = no figure at that point. */
  values: (bigint | null)[];
  color?: string;
}

export interface RefLine {
  value: bigint;
  label: string;
}

export interface ChartSpec {
  /** Stable id (the browser test finds charts by it). */
  id: string;
  /** Title with units, e.g. "Contributions by source (USD)". */
  title: string;
  kind: 'bars' | 'lines' | 'area';
  /** x points: categorical labels, or day numbers with their own ticks (area/lines over time). */
  x:
    | { labels: string[]; tips?: string[] }
    | { positions: number[]; ticks: { at: number; label: string }[]; tips: string[] };
  series: Series[];
  /** Lines drawn over a stacked area (e.g. vested balance). */
  overlay?: Series[];
  /** Axis tick text and tooltip text of a value. */
  format: (v: bigint) => string;
  /** Tooltip text (default: `format`). */
  tip?: (v: bigint) => string;
  refLines?: RefLine[];
  /** One sentence under the title (what is shown, caveats). */
  note?: string;
  /** Marks for categorical points drawn hollow (e.g. quick benchmark runs). */
  hollow?: boolean[];
  /** A full-width chart (many points over time). */
  wide?: boolean;
}

/** Drawing frame: viewBox size and plot area (a wide chart keeps text at the same size). */
interface Frame {
  W: number;
  H: number;
  PW: number;
  PH: number;
}
const M = { left: 78, right: 20, top: 14, bottom: 38 };

function frameOf(wide: boolean): Frame {
  const W = wide ? 1180 : 640;
  const H = wide ? 360 : 300;
  return { W, H, PW: W - M.left - M.right, PH: H - M.top - M.bottom };
}

/** Ticks at 1, 2 or 5 × 10^k covering [lo, hi] with at most 6 intervals. */
export function niceTicks(lo: bigint, hi: bigint): bigint[] {
  if (hi === lo) hi = lo + (lo === 0n ? 1n : lo < 0n ? -lo : lo);
  const span = hi - lo;
  let step = 1n;
  for (let pow = 1n; ; pow *= 10n) {
    const found = [1n, 2n, 5n].map((m) => m * pow).find((s) => span / s <= 5n);
    if (found !== undefined) {
      step = found;
      break;
    }
  }
  const floorDiv = (a: bigint, b: bigint) => (a >= 0n ? a / b : -((-a + b - 1n) / b));
  const first = floorDiv(lo, step) * step;
  const ticks: bigint[] = [];
  for (let t = first; ; t += step) {
    ticks.push(t);
    if (t >= hi) break;
  }
  return ticks;
}

/** value → y pixel, as a ratio of bigints (no money in a number). */
function yScale(f: Frame, lo: bigint, hi: bigint): (v: bigint) => number {
  const span = hi - lo;
  return (v) => M.top + f.PH - (Number(((v - lo) * 1_000_000n) / span) / 1_000_000) * f.PH;
}

function fmtPx(x: number): string {
  return (Math.round(x * 10) / 10).toString();
}

function colorOf(s: Series, i: number): string {
  return s.color ?? PALETTE[i % PALETTE.length];
}

function stackedTotals(series: Series[], n: number): bigint[] {
  const totals: bigint[] = [];
  for (let i = 0; i < n; i++) totals.push(series.reduce((sum, s) => sum + (s.values[i] ?? 0n), 0n));
  return totals;
}

function pointCount(spec: ChartSpec): number {
  return 'labels' in spec.x ? spec.x.labels.length : spec.x.positions.length;
}

function extent(spec: ChartSpec): [bigint, bigint] {
  const n = pointCount(spec);
  const values: bigint[] = [0n];
  const stacked = spec.kind === 'area' || (spec.kind === 'bars' && spec.series.length > 1);
  if (stacked) values.push(...stackedTotals(spec.series, n));
  else for (const s of spec.series) for (const v of s.values) if (v !== null) values.push(v);
  for (const s of spec.overlay ?? []) for (const v of s.values) if (v !== null) values.push(v);
  for (const r of spec.refLines ?? []) values.push(r.value);
  let lo = values[0];
  let hi = values[0];
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

interface XScale {
  at: (i: number) => number;
  band: number;
}

/** x pixel of point i: band centres for categories, linear in day numbers otherwise. */
function xScale(f: Frame, spec: ChartSpec): XScale {
  if ('labels' in spec.x) {
    const band = f.PW / Math.max(1, spec.x.labels.length);
    return { at: (i) => M.left + band * (i + 0.5), band };
  }
  const pos = spec.x.positions;
  const lo = pos[0] ?? 0;
  const span = Math.max(1, (pos[pos.length - 1] ?? 1) - lo);
  return { at: (i) => M.left + ((pos[i] - lo) / span) * f.PW, band: f.PW / Math.max(1, pos.length) };
}

function xLabelOf(spec: ChartSpec, i: number): string {
  return spec.x.tips?.[i] ?? ('labels' in spec.x ? spec.x.labels[i] : String(i));
}

function axes(
  f: Frame,
  spec: ChartSpec,
  ticks: bigint[],
  y: (v: bigint) => number,
  x: (i: number) => number,
): string {
  const parts: string[] = [];
  for (const t of ticks) {
    const py = fmtPx(y(t));
    parts.push(
      `<line class="grid" x1="${M.left}" x2="${f.W - M.right}" y1="${py}" y2="${py}"/>`,
      `<text class="ytick" x="${M.left - 8}" y="${py}" dy="0.32em" text-anchor="end">${esc(spec.format(t))}</text>`,
    );
  }
  const base = fmtPx(y(ticks[0] < 0n && ticks[ticks.length - 1] > 0n ? 0n : ticks[0]));
  parts.push(`<line class="axis" x1="${M.left}" x2="${f.W - M.right}" y1="${base}" y2="${base}"/>`);
  const xt =
    'labels' in spec.x
      ? spec.x.labels.map((label, i) => ({ px: x(i), label }))
      : spec.x.ticks.map((t) => {
          const pos = (spec.x as { positions: number[] }).positions;
          const span = Math.max(1, pos[pos.length - 1] - pos[0]);
          return { px: M.left + ((t.at - pos[0]) / span) * f.PW, label: t.label };
        });
  const every = Math.ceil(xt.length / 12);
  xt.forEach((t, i) => {
    if (i % every !== 0) return;
    parts.push(
      `<text class="xtick" x="${fmtPx(t.px)}" y="${f.H - M.bottom + 18}" text-anchor="middle">${esc(t.label)}</text>`,
    );
  });
  return parts.join('');
}

function bars(spec: ChartSpec, y: (v: bigint) => number, x: XScale): string {
  const n = pointCount(spec);
  const width = Math.min(64, x.band * 0.62);
  const tip = spec.tip ?? spec.format;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let base = 0n;
    spec.series.forEach((s, k) => {
      const v = s.values[i];
      if (v === null || v === 0n) return;
      const y0 = y(base);
      const y1 = y(base + v);
      base += v;
      const label = `${xLabelOf(spec, i)} · ${s.name}: ${tip(v)}`;
      out.push(
        `<rect class="mark" x="${fmtPx(x.at(i) - width / 2)}" y="${fmtPx(Math.min(y0, y1))}" width="${fmtPx(width)}" ` +
          `height="${fmtPx(Math.max(0.5, Math.abs(y0 - y1)))}" fill="${colorOf(s, k)}"><title>${esc(label)}</title></rect>`,
      );
    });
  }
  return out.join('');
}

function linePath(values: (bigint | null)[], y: (v: bigint) => number, x: (i: number) => number): string {
  let d = '';
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) {
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${fmtPx(x(i))},${fmtPx(y(v))}`;
    pen = true;
  });
  return d;
}

function lines(spec: ChartSpec, list: Series[], y: (v: bigint) => number, x: XScale, offset: number): string {
  const tip = spec.tip ?? spec.format;
  const out: string[] = [];
  list.forEach((s, k) => {
    const color = colorOf(s, k + offset);
    const dash = DASHES[(k + offset) % DASHES.length];
    out.push(
      `<path class="mark line" d="${linePath(s.values, y, x.at)}" stroke="${color}"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`,
    );
    if (s.values.length <= 60) {
      s.values.forEach((v, i) => {
        if (v === null) return;
        const hollow = spec.hollow?.[i] ?? false;
        out.push(
          `<circle class="mark dot" cx="${fmtPx(x.at(i))}" cy="${fmtPx(y(v))}" r="4" stroke="${color}" fill="${hollow ? '#fff' : color}">` +
            `<title>${esc(`${xLabelOf(spec, i)} · ${s.name}: ${tip(v)}`)}</title></circle>`,
        );
      });
    }
  });
  return out.join('');
}

function area(f: Frame, spec: ChartSpec, y: (v: bigint) => number, x: XScale): string {
  const n = pointCount(spec);
  const lower: bigint[] = new Array(n).fill(0n);
  const out: string[] = [];
  spec.series.forEach((s, k) => {
    const upper = lower.map((b, i) => b + (s.values[i] ?? 0n));
    let d = '';
    for (let i = 0; i < n; i++) d += `${i === 0 ? 'M' : 'L'}${fmtPx(x.at(i))},${fmtPx(y(upper[i]))}`;
    for (let i = n - 1; i >= 0; i--) d += `L${fmtPx(x.at(i))},${fmtPx(y(lower[i]))}`;
    out.push(
      `<path class="mark area" d="${d}Z" fill="${colorOf(s, k)}" fill-opacity="0.85" stroke="#fff" stroke-width="0.5"/>`,
    );
    upper.forEach((v, i) => {
      lower[i] = v;
    });
  });
  // Hover bands: one tooltip per x point with every series' value.
  const tip = spec.tip ?? spec.format;
  for (let i = 0; i < n; i++) {
    const text = [
      xLabelOf(spec, i),
      ...[...spec.series, ...(spec.overlay ?? [])].map((s) => `${s.name}: ${tip(s.values[i] ?? 0n)}`),
    ];
    const w = x.band;
    out.push(
      `<rect class="hover" x="${fmtPx(x.at(i) - w / 2)}" y="${M.top}" width="${fmtPx(w)}" height="${f.PH}"><title>${esc(text.join('\n'))}</title></rect>`,
    );
  }
  return out.join('');
}

function refLines(f: Frame, spec: ChartSpec, y: (v: bigint) => number): string {
  return (spec.refLines ?? [])
    .map((r) => {
      const py = fmtPx(y(r.value));
      return (
        `<line class="ref" x1="${M.left}" x2="${f.W - M.right}" y1="${py}" y2="${py}"><title>${esc(r.label)}</title></line>` +
        `<text class="reflabel" x="${f.W - M.right - 4}" y="${py}" dy="-0.4em" text-anchor="end">${esc(r.label)}</text>`
      );
    })
    .join('');
}

function legend(spec: ChartSpec): string {
  const items = [...spec.series, ...(spec.overlay ?? [])];
  const overlayFrom = spec.series.length;
  if (items.length < 2 && !spec.refLines?.length) return '';
  const li = items.map((s, i) => {
    const isLine = spec.kind === 'lines' || i >= overlayFrom;
    const offset = i >= overlayFrom ? spec.series.length : 0;
    const k = i >= overlayFrom ? i - overlayFrom : i;
    const color = colorOf(s, i >= overlayFrom ? k + offset : i);
    const dash = isLine ? DASHES[(k + offset) % DASHES.length] : '';
    const swatch = isLine
      ? `<svg width="26" height="10" aria-hidden="true"><line x1="1" x2="25" y1="5" y2="5" stroke="${color}" stroke-width="3"${dash ? ` stroke-dasharray="${dash}"` : ''}/></svg>`
      : `<span class="swatch" style="background:${color}"></span>`;
    return `<li>${swatch}${esc(s.name)}</li>`;
  });
  for (const r of spec.refLines ?? []) {
    li.push(
      `<li><svg width="26" height="10" aria-hidden="true"><line x1="1" x2="25" y1="5" y2="5" class="ref"/></svg>${esc(r.label)}</li>`,
    );
  }
  return `<ul class="legend">${li.join('')}</ul>`;
}

/** One chart as a <figure>: title (with units), legend, SVG, note. */
export function chart(spec: ChartSpec): string {
  const f = frameOf(spec.wide ?? false);
  const n = pointCount(spec);
  const [lo, hi] = extent(spec);
  const ticks = niceTicks(lo, hi);
  const y = yScale(f, ticks[0], ticks[ticks.length - 1]);
  const x = xScale(f, spec);
  let marks = '';
  if (spec.kind === 'bars') marks = bars(spec, y, x);
  else if (spec.kind === 'lines') marks = lines(spec, spec.series, y, x, 0);
  else marks = area(f, spec, y, x) + lines(spec, spec.overlay ?? [], y, x, spec.series.length);
  const svg =
    `<svg class="chart" viewBox="0 0 ${f.W} ${f.H}" role="img" aria-labelledby="${spec.id}-title" data-points="${n}" data-series="${spec.series.length}">` +
    `<title id="${spec.id}-title">${esc(spec.title)}</title>` +
    axes(f, spec, ticks, y, x.at) +
    marks +
    refLines(f, spec, y) +
    '</svg>';
  const note = spec.note ? `<p class="note">${esc(spec.note)}</p>` : '';
  return `<figure class="chart-box" id="${spec.id}" data-chart="${spec.kind}"><figcaption>${esc(spec.title)}</figcaption>${legend(spec)}${svg}${note}</figure>`;
}
