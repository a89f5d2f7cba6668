/** Report sections: the scenario summary by year, and account balances by week. */
import { fromDay, toDay } from '../schema/dates.js';
import { chart } from './chart.js';
import { FIGURE_COLORS, sourceColor } from './colors.js';
import type { Row, ScenarioSummary, WeeklyBalances } from './data.js';
import { count, moneyShort, moneyText, percentText } from './format.js';
import { type Section, table } from './html.js';

export const label = (name: string) => name.replaceAll('_', ' ');

/** The scenario rows' facts: id, years, plan design, seed, status, creation time. */
export function scenarioTable(caption: string, rows: Row[]): string {
  return table(
    caption,
    ['Scenario', 'Years', 'Plan design', 'Seed', 'Status', 'Created at'],
    rows.map((sc) => [
      String(sc.scenario_id),
      `${sc.first_year}–${sc.last_year}`,
      String(sc.plan_design_id),
      String(sc.seed ?? '—'),
      String(sc.status),
      String(sc.created_at),
    ]),
  );
}

export function summarySection(s: ScenarioSummary | null, scenarioHint: string): Section {
  const base = { id: 'summary', title: 'Plan summary', empty: scenarioHint };
  if (s === null || s.years.length === 0) return { ...base, body: null };
  const sc = s.scenario;
  const years = s.years.map((y) => String(y.year));
  const facts = scenarioTable('Scenario', [sc]);
  const pct = (v: bigint) => percentText(v, 0);
  const charts = [
    chart({
      id: 'chart-headcount',
      title: 'Headcount on 31 December (people)',
      kind: 'bars',
      x: { labels: years },
      series: [
        { name: 'Headcount', values: s.years.map((y) => y.headcount), color: FIGURE_COLORS.employerNet },
      ],
      format: count,
      note: 'Employed on 31 December: a termination dated 31 December is not counted.',
    }),
    chart({
      id: 'chart-participation',
      title: 'Participation and deferral rates (%)',
      kind: 'lines',
      x: { labels: years },
      series: [
        { name: 'Participation (contributing ÷ eligible)', values: s.years.map((y) => y.participation) },
        { name: 'Average deferral rate', values: s.years.map((y) => y.avgDeferral) },
        { name: 'Median deferral rate', values: s.years.map((y) => y.medianDeferral) },
        { name: 'HCE share (HCEs ÷ people determined)', values: s.years.map((y) => y.hceShare) },
      ],
      format: pct,
      tip: (v) => percentText(v, 1),
      note: 'Deferral rate: pre-tax + Roth election in force on 31 December, participants deferring.',
    }),
    chart({
      id: 'chart-contributions',
      title: 'Contributions by source and year (USD)',
      kind: 'bars',
      x: { labels: years },
      series: s.sources.map((src) => ({
        name: label(src),
        values: s.years.map((y) => y.bySource[src] ?? 0n),
        color: sourceColor(src),
      })),
      format: moneyShort,
      tip: moneyText,
    }),
    chart({
      id: 'chart-employer-cost',
      title: 'Employer cost by year (USD)',
      kind: 'lines',
      x: { labels: years },
      series: [
        {
          name: 'Employer contributions (gross)',
          values: s.years.map((y) => y.employerGross),
          color: FIGURE_COLORS.employerGross,
        },
        {
          name: 'Net employer cost (gross − forfeitures)',
          values: s.years.map((y) => y.employerNet),
          color: FIGURE_COLORS.employerNet,
        },
        { name: 'Forfeitures', values: s.years.map((y) => y.forfeitures), color: FIGURE_COLORS.forfeitures },
      ],
      format: moneyShort,
      tip: moneyText,
      note: 'Gross: match, true-up, nonelective and profit sharing (forfeiture allocations are funded by forfeitures and not counted).',
    }),
  ];
  const n = { num: true };
  const figures = table(
    'Figures by year',
    [
      'Year',
      { text: 'Headcount', ...n },
      { text: 'Hires', ...n },
      { text: 'Terminations', ...n },
      { text: 'Eligible', ...n },
      { text: 'Participation', ...n },
      { text: 'Avg deferral', ...n },
      { text: 'Median deferral', ...n },
      { text: 'HCE share', ...n },
      { text: 'Employer gross', ...n },
      { text: 'Forfeitures', ...n },
      { text: 'Net employer cost', ...n },
      { text: 'Events', ...n },
    ],
    s.years.map((y) => [
      String(y.year),
      { text: count(y.headcount), ...n },
      { text: count(y.hires), ...n },
      { text: count(y.terminations), ...n },
      { text: count(y.eligible), ...n },
      { text: percentText(y.participation), ...n },
      { text: percentText(y.avgDeferral), ...n },
      { text: percentText(y.medianDeferral), ...n },
      { text: `${percentText(y.hceShare)} (${count(y.hce)})`, ...n },
      { text: moneyText(y.employerGross), ...n },
      { text: moneyText(y.forfeitures), ...n },
      { text: moneyText(y.employerNet), ...n },
      { text: count(y.events), ...n },
    ]),
  );
  const bySource = table(
    'Contributions by source (USD)',
    ['Source', ...years.map((text) => ({ text, ...n }))],
    s.sources.map((src) => [
      label(src),
      ...s.years.map((y) => ({ text: moneyText(y.bySource[src] ?? 0n), ...n })),
    ]),
  );
  const others =
    s.all.length > 1
      ? `<p class="note">Other scenarios in this store: ${s.all
          .filter((r) => r.scenario_id !== sc.scenario_id)
          .map((r) => `<code>${String(r.scenario_id)}</code>`)
          .join(', ')} (choose with <code>--scenario</code>).</p>`
      : '';
  return {
    ...base,
    body: `${facts}${others}<div class="grid">${charts.join('')}</div>${figures}${bySource}`,
    provenance: `engine ${sc.engine_version}, ledger ${sc.ledger_version}; scenario created ${sc.created_at}. Figures as defined in docs/report.md (Definitions), the same the CLI summaries print: participation is participating ÷ eligible on 31 December.`,
  };
}

export function balancesSection(b: WeeklyBalances | null): Section {
  const base = {
    id: 'balances',
    title: 'Account balances by week',
    empty: 'No balance snapshots recorded for this scenario — run `planledger snapshots build`.',
  };
  if (b === null) return { ...base, body: null };
  const days = b.dates.map(toDay);
  const firstYear = Number(b.dates[0].slice(0, 4));
  const lastYear = Number(b.dates[b.dates.length - 1].slice(0, 4));
  const ticks: { at: number; label: string }[] = [];
  for (let y = firstYear; y <= lastYear + 1; y++) {
    for (const m of [1, 7]) {
      const at = toDay(`${y}-${String(m).padStart(2, '0')}-01`);
      if (at >= days[0] && at <= days[days.length - 1])
        ticks.push({ at, label: m === 1 ? `Jan ${y}` : `Jul ${y}` });
    }
  }
  const caveat = 'Contributions less forfeitures: investment earnings are not modelled.';
  const c = chart({
    id: 'chart-balances',
    title: 'Plan balances by week, all participants (USD)',
    kind: 'area',
    wide: true,
    x: { positions: days, ticks, tips: days.map((d) => `Friday ${fromDay(d)}`) },
    series: b.buckets.map((k) => ({ name: label(k.name), values: k.values, color: sourceColor(k.name) })),
    overlay: [{ name: 'vested balance', values: b.vested, color: FIGURE_COLORS.vested }],
    format: moneyShort,
    tip: moneyText,
    note: caveat,
  });
  const last = b.dates.length - 1;
  const total = b.buckets.reduce((sum, k) => sum + k.values[last], 0n);
  const n = { num: true };
  const latest = table(
    `Balances on Friday ${b.dates[last]} (${count(b.participants[last])} participants)`,
    ['Bucket', { text: 'Balance', ...n }],
    [
      ...b.buckets.map((k) => [label(k.name), { text: moneyText(k.values[last]), ...n }]),
      ['Total', { text: moneyText(total), ...n }],
      ['Vested balance', { text: moneyText(b.vested[last]), ...n }],
    ],
  );
  const yearEnds = b.dates
    .map((d, i) => ({ d, i }))
    .filter(({ d }, k, all) => k === all.length - 1 || all[k + 1].d.slice(0, 4) !== d.slice(0, 4));
  const byYear = table(
    'Last Friday of each year',
    [
      'Friday',
      { text: 'Participants', ...n },
      { text: 'Total balance', ...n },
      { text: 'Vested balance', ...n },
    ],
    yearEnds.map(({ d, i }) => [
      d,
      { text: count(b.participants[i]), ...n },
      { text: moneyText(b.buckets.reduce((sum, k) => sum + k.values[i], 0n)), ...n },
      { text: moneyText(b.vested[i]), ...n },
    ]),
  );
  return {
    ...base,
    body: `<div class="grid grid-wide">${c}</div><div class="grid">${latest}${byYear}</div>`,
    provenance: `snapshots of ledger version ${b.ledgerVersions.join(', ') || '—'}, built ${b.createdAt ?? '—'}.`,
  };
}
