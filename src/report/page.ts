/**
 * The page: one self-contained HTML document (inline CSS, inline SVG, no script, no external
 * resource), readable on a laptop screen and printable. Colours meet WCAG AA contrast on white.
 */
import { esc } from './format.js';
import { type Section, section, table } from './html.js';

const CSS = `
:root { --ink: #1b1f24; --muted: #4a5360; --line: #d5dae1; --bg: #ffffff; --panel: #f6f8fa;
  --fail-bg: #fde7e7; --fail-ink: #8e1b1b; --warn-bg: #fff3d1; --warn-ink: #6a4a00;
  --pass-ink: #0f5b2a; --accent: #0b5cad; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); background: var(--bg); }
header.top { background: #14324f; color: #fff; padding: 18px 28px 12px; }
header.top h1 { margin: 0 0 4px; font-size: 24px; font-weight: 650; }
header.top p { margin: 0; color: #dbe6f2; }
header.top code { color: #fff; background: rgba(255,255,255,.12); }
nav.toc { position: sticky; top: 0; z-index: 2; background: #fff; border-bottom: 1px solid var(--line); padding: 8px 28px; }
nav.toc a { color: var(--accent); margin-right: 18px; text-decoration: none; font-weight: 550; white-space: nowrap; }
nav.toc a:hover, nav.toc a:focus { text-decoration: underline; }
nav.toc .empty-link { color: var(--muted); font-weight: 400; }
main { max-width: 1320px; margin: 0 auto; padding: 8px 28px 40px; }
section { border-bottom: 1px solid var(--line); padding: 10px 0 22px; scroll-margin-top: 48px; }
h2 { font-size: 20px; margin: 14px 0 10px; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 18px 26px; align-items: start; }
.grid-small { grid-template-columns: repeat(auto-fit, minmax(380px, 1fr)); }
.grid-wide { grid-template-columns: 1fr; }
figure.chart-box { margin: 0; padding: 10px 12px 6px; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; }
figcaption { font-weight: 650; font-size: 15px; margin-bottom: 2px; }
svg.chart { width: 100%; height: auto; display: block; }
svg.chart text { font-size: 12px; fill: var(--muted); font-family: inherit; }
svg.chart .grid { stroke: #e3e7ec; stroke-width: 1; }
svg.chart .axis { stroke: #8a94a1; stroke-width: 1; }
svg.chart .line { fill: none; stroke-width: 2.5; stroke-linejoin: round; }
svg.chart .ref, ul.legend .ref { stroke: #b0001e; stroke-width: 2; stroke-dasharray: 7 4; }
svg.chart .reflabel { fill: #8e1b1b; font-weight: 600; }
svg.chart .hover { fill: transparent; }
svg.chart .hover:hover { fill: rgba(0,0,0,.06); }
ul.legend { list-style: none; margin: 2px 0 4px; padding: 0; display: flex; flex-wrap: wrap; gap: 2px 14px; font-size: 13px; color: var(--muted); }
ul.legend li { display: inline-flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; }
p.note { color: var(--muted); font-size: 13px; margin: 4px 0 6px; }
p.empty { background: var(--panel); border-left: 4px solid #8a94a1; padding: 10px 14px; color: var(--ink); }
p.provenance { color: var(--muted); font-size: 13px; margin-top: 12px; }
.table-wrap { overflow-x: auto; margin: 10px 0; }
table { border-collapse: collapse; font-size: 14px; min-width: 50%; }
caption { text-align: left; font-weight: 650; padding: 4px 0 6px; }
th, td { padding: 5px 12px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
td.prose { min-width: 22em; }
td.ident { min-width: 10em; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.row-fail td { background: var(--fail-bg); }
tr.row-warn td { background: var(--warn-bg); }
td.tone-pass, td.tone-fail, td.tone-warn { white-space: nowrap; }
td.tone-fail { color: var(--fail-ink); font-weight: 700; }
td.tone-warn { color: var(--warn-ink); font-weight: 700; }
td.tone-pass { color: var(--pass-ink); }
.badge { display: inline-block; padding: 3px 10px; border-radius: 12px; font-weight: 650; font-size: 14px; }
.badge-fail { background: var(--fail-bg); color: var(--fail-ink); border: 1px solid #e3a5a5; }
.badge-warn { background: var(--warn-bg); color: var(--warn-ink); border: 1px solid #e5c97a; }
.badge-pass { background: #e4f4e8; color: var(--pass-ink); border: 1px solid #9fd0ad; }
.badge-info { background: var(--panel); color: var(--ink); border: 1px solid var(--line); }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.92em; background: #eef1f4; padding: 1px 4px; border-radius: 3px; }
footer { max-width: 1320px; margin: 0 auto; padding: 0 28px 30px; color: var(--muted); font-size: 13px; }
.glance { display: grid; grid-template-columns: repeat(auto-fit, minmax(138px, 1fr)); gap: 10px; margin: 18px 0 6px; }
.card { display: flex; flex-direction: column; gap: 2px; padding: 8px 12px; border: 1px solid var(--line);
  border-left: 5px solid #0b5cad; border-radius: 6px; background: #fff; color: var(--ink); text-decoration: none; }
.card:hover, .card:focus { background: var(--panel); }
.card-label { font-size: 13px; color: var(--muted); min-height: 2.5em; line-height: 1.25; }
.card-value { font-size: 22px; white-space: nowrap; font-weight: 700; font-variant-numeric: tabular-nums; }
.card-detail { font-size: 12.5px; color: var(--muted); }
.card-pass { border-left-color: #0f7a3a; }
.card-warn { border-left-color: #b7791f; }
.card-fail { border-left-color: #b0001e; background: var(--fail-bg); }
.banner { margin: 16px 0 4px; padding: 10px 14px; border: 1px solid #e3a5a5; border-left: 5px solid #b0001e;
  background: var(--fail-bg); color: var(--fail-ink); border-radius: 6px; }
@media print { nav.toc { display: none; } figure.chart-box { break-inside: avoid; } }
`;

export interface PageInfo {
  title: string;
  subtitle: string;
  generatedAt: string;
  /** Warnings shown first (HTML), e.g. a scenario that is not complete. */
  banner?: string;
  /** Key figures shown above the sections (HTML). */
  glance: string;
  /** Rows of the environment table: [what, value]. */
  environment: [string, string][];
}

export function environmentSection(rows: [string, string][]): Section {
  return {
    id: 'environment',
    title: 'Environment',
    body: table('This report was produced by', ['Item', 'Value'], rows),
    empty: '',
    provenance: 'each section above names the versions and dates of its own figures.',
  };
}

export function page(info: PageInfo, sections: Section[]): string {
  const all = [...sections, environmentSection(info.environment)];
  const toc = all
    .map((s) => `<a href="#${s.id}"${s.body === null ? ' class="empty-link"' : ''}>${esc(s.title)}</a>`)
    .join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(info.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header class="top"><h1>${esc(info.title)}</h1><p>${info.subtitle}</p></header>
<nav class="toc" aria-label="Sections">${toc}</nav>
<main>
${info.banner ?? ''}
${info.glance}
${all.map(section).join('\n')}
</main>
<footer>Generated ${esc(info.generatedAt)} by planledger. Money in US dollars, rounded to the cent for display; figures exact in the store.</footer>
</body>
</html>
`;
}
