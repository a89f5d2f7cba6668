/** Report sections: the scenario summary by year, and account balances by week. */
import { fromDay, toDay } from '../schema/dates.js';
import { chart, PALETTE } from './chart.js';
import type { ScenarioSummary, WeeklyBalances } from './data.js';
import { count, moneyShort, moneyText, percentText } from './format.js';
import { type Section, table } from './html.js';

const label = (name: string) => name.replaceAll('_', ' ');

export function summarySection(s: ScenarioSummary | null, scenarioHint: string): Section {
  const base = { id: 'summary', title: 'Scenario summary', empty: scenarioHint };
  if (s === null || s.years.length === 0) return { ...base, body: null };
  const sc = s.scenario;
  const years = s.years.map((y) => String(y.year));
  const facts = table(
    'Scenario',
    ['Scenario', 'Years', 'Plan design', 'Seed', 'Status', 'Created at'],
    [
      [
        String(sc.scenario_id),
        `${sc.first_year}–${sc.last_year}`,
        String(sc.plan_design_id),
        String(sc.seed ?? '—'),
        String(sc.status),
        String(sc.created_at),
      ],
    ],
  );
  const pct = (v: bigint) => percentText(v, 0);
  const charts = [
    chart({
      id: 'chart-headcount',
      title: 'Headcount on 31 December (people)',
      kind: 'bars',
      x: { labels: years },
      series: [{ name: 'Headcount', values: s.years.map((y) => y.headcount) }],
      format: count,
    }),
    chart({
      id: 'chart-participation',
      title: 'Participation rate and HCE share (% of employees)',
      kind: 'lines',
      x: { labels: years },
      series: [
        {
          name: 'Participation (contributing ÷ employed during the year)',
          values: s.years.map((y) => y.participation),
        },
        { name: 'HCE share (HCEs ÷ people determined)', values: s.years.map((y) => y.hceShare) },
      ],
      format: pct,
      tip: (v) => percentText(v, 1),
    }),
    chart({
      id: 'chart-contributions',
      title: 'Contributions by source and year (USD)',
      kind: 'bars',
      x: { labels: years },
      series: s.sources.map((src) => ({
        name: label(src),
        values: s.years.map((y) => y.bySource[src] ?? 0n),
      })),
      format: moneyShort,
      tip: moneyText,
    }),
    chart({
      id: 'chart-employer-cost',
      title: 'Employer cost by year (USD)',
      kind: 'bars',
      x: { labels: years },
      series: [
        { name: 'Employer contributions', values: s.years.map((y) => y.employerCost), color: PALETTE[2] },
      ],
      format: moneyShort,
      tip: moneyText,
      note: 'Match, true-up, nonelective and profit-sharing contributions; forfeiture allocations are funded by forfeitures and not counted.',
    }),
    chart({
      id: 'chart-forfeitures',
      title: 'Forfeitures by year (USD)',
      kind: 'bars',
      x: { labels: years },
      series: [{ name: 'Forfeitures', values: s.years.map((y) => y.forfeitures), color: PALETTE[5] }],
      format: moneyShort,
      tip: moneyText,
      note: 'Unvested employer money forfeited at termination or break in service.',
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
      { text: 'Participation', ...n },
      { text: 'HCE share', ...n },
      { text: 'Employer cost', ...n },
      { text: 'Forfeitures', ...n },
      { text: 'Events', ...n },
    ],
    s.years.map((y) => [
      String(y.year),
      { text: count(y.headcount), ...n },
      { text: count(y.hires), ...n },
      { text: count(y.terminations), ...n },
      { text: percentText(y.participation), ...n },
      { text: `${percentText(y.hceShare)} (${count(y.hce)})`, ...n },
      { text: moneyText(y.employerCost), ...n },
      { text: moneyText(y.forfeitures), ...n },
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
    provenance: `engine ${sc.engine_version}, ledger ${sc.ledger_version}; scenario created ${sc.created_at}. Headcount counts the census and hires, less terminations; participation counts people with an employee contribution in the year.`,
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
    series: b.buckets.map((k) => ({ name: label(k.name), values: k.values })),
    overlay: [{ name: 'vested balance', values: b.vested, color: '#000000' }],
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
