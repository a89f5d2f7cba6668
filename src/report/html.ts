/** Small HTML builders shared by the report's sections. */
import { esc } from './format.js';

export interface Cell {
  text: string;
  /** Right-aligned figures (tabular numbers). */
  num?: boolean;
  /** Row or cell emphasis: a failed check, a warning, a pass. */
  tone?: 'fail' | 'warn' | 'pass';
  /** Prose that needs room (descriptions), or an identifier that may break anywhere. */
  shape?: 'prose' | 'ident';
}

export type CellInput = Cell | string;

const cell = (c: CellInput): Cell => (typeof c === 'string' ? { text: c } : c);

/** A table with a caption; `rowTone` highlights whole rows (failures). */
export function table(
  caption: string,
  header: CellInput[],
  rows: CellInput[][],
  opts: { id?: string; rowTone?: (i: number) => Cell['tone'] } = {},
): string {
  const th = header.map((h) => {
    const c = cell(h);
    return `<th scope="col"${c.num ? ' class="num"' : ''}>${esc(c.text)}</th>`;
  });
  const body = rows.map((r, i) => {
    const tone = opts.rowTone?.(i);
    const tds = r.map((x) => {
      const c = cell(x);
      const cls = [c.num ? 'num' : '', c.tone ? `tone-${c.tone}` : '', c.shape ?? '']
        .filter(Boolean)
        .join(' ');
      // Identifiers break after underscores (snake_case rule ids), not mid-word.
      const text = c.shape === 'ident' ? esc(c.text).replaceAll('_', '_<wbr>') : esc(c.text);
      return `<td${cls ? ` class="${cls}"` : ''}>${text}</td>`;
    });
    return `<tr${tone ? ` class="row-${tone}"` : ''}>${tds.join('')}</tr>`;
  });
  return (
    `<div class="table-wrap"><table${opts.id ? ` id="${opts.id}"` : ''}><caption>${esc(caption)}</caption>` +
    `<thead><tr>${th.join('')}</tr></thead><tbody>${body.join('')}</tbody></table></div>`
  );
}

/** A status badge that does not rely on colour alone (a symbol and a word). */
export function badge(tone: 'fail' | 'warn' | 'pass' | 'info', text: string): string {
  const symbol = tone === 'fail' ? '✗' : tone === 'warn' ? '!' : tone === 'pass' ? '✓' : '•';
  return `<span class="badge badge-${tone}"><span aria-hidden="true">${symbol}</span> ${esc(text)}</span>`;
}

export interface Section {
  id: string;
  title: string;
  /** HTML body, or null when there is no data: `empty` is shown instead. */
  body: string | null;
  /** What to run to get this section's data (shown when body is null). */
  empty: string;
  /** Where the figures come from (versions, dates, machine). */
  provenance?: string;
}

/** Text with `code` spans from backticks, escaped. */
export function prose(text: string): string {
  return esc(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

export function section(s: Section): string {
  const state = s.body === null ? 'empty' : 'data';
  const body = s.body ?? `<p class="empty">${prose(s.empty)}</p>`;
  const prov = s.provenance
    ? `<p class="provenance"><strong>Produced by:</strong> ${prose(s.provenance)}</p>`
    : '';
  return `<section id="${s.id}" data-state="${state}" aria-labelledby="${s.id}-h"><h2 id="${s.id}-h">${esc(s.title)}</h2>${body}${prov}</section>`;
}
