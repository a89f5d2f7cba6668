/** The strip of key figures at the top of the report: each card links to its section. */
import type { ResultsFile } from '../perf/results.js';
import { checkTargets, type Target } from '../perf/targets.js';
import { toneOf } from './checks.js';
import type { QualityRuns, Row, ScenarioSummary, WeeklyBalances } from './data.js';
import { count, esc, moneyShort, percentText } from './format.js';

interface Card {
  href: string;
  label: string;
  value: string;
  detail: string;
  tone?: 'pass' | 'fail' | 'warn';
}

export interface GlanceInput {
  summary: ScenarioSummary | null;
  balances: WeeklyBalances | null;
  quality: QualityRuns | null;
  golden: Row[] | null;
  drift: Row[] | null;
  bench: ResultsFile[];
  targets: readonly Target[];
}

function cards(g: GlanceInput): Card[] {
  const out: Card[] = [];
  const last = g.summary?.years[g.summary.years.length - 1];
  if (last) {
    const total = Object.values(last.bySource).reduce((a, b) => a + b, 0n);
    out.push(
      {
        href: '#summary',
        label: `Headcount ${last.year}`,
        value: count(last.headcount),
        detail: `${count(last.hires)} hires, ${count(last.terminations)} terminations`,
      },
      {
        href: '#summary',
        label: `Participation ${last.year}`,
        value: percentText(last.participation),
        detail: `HCE share ${percentText(last.hceShare)}`,
      },
      {
        href: '#summary',
        label: `Contributions ${last.year}`,
        value: moneyShort(total),
        detail: `net employer cost ${moneyShort(last.employerNet)}`,
      },
    );
  }
  if (g.balances) {
    const i = g.balances.dates.length - 1;
    const total = g.balances.buckets.reduce((s, b) => s + b.values[i], 0n);
    out.push({
      href: '#balances',
      label: 'Plan balance',
      value: moneyShort(total),
      detail: `vested ${moneyShort(g.balances.vested[i])} on ${g.balances.dates[i]}`,
    });
  }
  if (g.quality) {
    const failed = g.quality.latest.filter((r) => toneOf(r.status) === 'fail').length;
    const warned = g.quality.latest.filter((r) => toneOf(r.status) === 'warn').length;
    const passed = g.quality.latest.length - failed - warned;
    out.push({
      href: '#quality',
      label: 'Quality rules passed',
      value: `${passed}/${g.quality.latest.length}`,
      detail: failed
        ? `${failed} error rule(s) failed`
        : warned
          ? `${warned} warning(s)`
          : 'latest run clean',
      tone: failed ? 'fail' : warned ? 'warn' : 'pass',
    });
  }
  if (g.golden) {
    const run = g.golden.filter((r) => r.run_id === g.golden?.[0].run_id);
    const checked = run.reduce((s, r) => s + BigInt(String(r.rows_checked ?? 0)), 0n);
    const matched = run.reduce((s, r) => s + BigInt(String(r.rows_matched ?? 0)), 0n);
    out.push({
      href: '#golden',
      label: 'Golden rows matched',
      value: `${count(matched)}/${count(checked)}`,
      detail: `${run.length} case(s) in the latest run`,
      tone: matched === checked ? 'pass' : 'fail',
    });
  }
  if (g.drift) {
    const d = g.drift[0];
    const drifted = Number(d.metrics_drifted ?? 0);
    out.push({
      href: '#drift',
      label: 'Drift',
      value: drifted ? `${drifted} drifted` : 'none',
      detail: `${String(d.metrics_compared ?? '?')} metrics compared`,
      tone: drifted ? 'fail' : 'pass',
    });
  }
  const lastRun = g.bench[g.bench.length - 1];
  if (lastRun) {
    const results = checkTargets(lastRun.metrics, lastRun.suite.quick, g.targets);
    const judged = results.filter((r) => r.status === 'pass' || r.status === 'fail');
    const failed = judged.filter((r) => r.status === 'fail').length;
    out.push({
      href: '#bench',
      label: 'Targets met',
      value: `${judged.length - failed}/${judged.length}`,
      detail: `latest ${lastRun.suite.quick ? 'quick' : 'full'} run ${lastRun.environment.date.slice(0, 10)}`,
      tone: failed ? 'fail' : 'pass',
    });
  }
  return out;
}

export function glance(g: GlanceInput): string {
  const list = cards(g);
  if (list.length === 0) return '';
  const items = list.map(
    (c) =>
      `<a class="card${c.tone ? ` card-${c.tone}` : ''}" href="${c.href}"><span class="card-label">${esc(c.label)}</span>` +
      `<span class="card-value">${esc(c.value)}</span><span class="card-detail">${esc(c.detail)}</span></a>`,
  );
  return `<div class="glance" aria-label="Key figures">${items.join('')}</div>`;
}
