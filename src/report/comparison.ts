/**
 * The comparison page's sections: several scenarios (plan designs) side by side — employer cost
 * by year and its difference from the base (the first scenario), participation and deferral, and
 * who gains or loses employer money (src/figures).
 */
import { type EmployerChange, PERCENTILES } from '../figures/index.js';
import { chart } from './chart.js';
import { FIGURE_COLORS, SCENARIO_COLORS } from './colors.js';
import type { ScenarioSummary } from './data.js';
import { count, moneyShort, moneyText, percentText } from './format.js';
import { type Section, table } from './html.js';
import { scenarioTable } from './summary.js';

const n = { num: true };
const colorOf = (i: number) => SCENARIO_COLORS[i % SCENARIO_COLORS.length];

export function comparisonSection(list: ScenarioSummary[]): Section {
  const base = { id: 'comparison', title: 'Plan designs compared', empty: 'No scenario to compare.' };
  if (list.length < 2) return { ...base, body: null };
  const [first] = list;
  const years = first.years.map((y) => String(y.year));
  const id = (s: ScenarioSummary) => String(s.scenario.scenario_id);
  const facts = scenarioTable(
    'Scenarios (the first is the base)',
    list.map((s) => s.scenario),
  );
  const perScenario = (f: (s: ScenarioSummary, i: number) => (bigint | null)[]) =>
    list.map((s, i) => ({ name: id(s), values: f(s, i), color: colorOf(i) }));
  const charts = [
    chart({
      id: 'chart-compare-cost',
      title: 'Net employer cost by year, each design (USD)',
      kind: 'lines',
      x: { labels: years },
      series: perScenario((s) => s.years.map((y) => y.employerNet)),
      format: moneyShort,
      tip: moneyText,
      note: 'Employer contributions less forfeitures.',
    }),
    chart({
      id: 'chart-compare-difference',
      title: `Net employer cost against ${id(first)} (USD)`,
      kind: 'lines',
      x: { labels: years },
      series: perScenario((s) => s.years.map((y, k) => y.employerNet - first.years[k].employerNet)).slice(1),
      format: moneyShort,
      tip: moneyText,
    }),
    chart({
      id: 'chart-compare-participation',
      title: 'Participation by year, each design (%)',
      kind: 'lines',
      x: { labels: years },
      series: perScenario((s) => s.years.map((y) => y.participation)),
      format: (v) => percentText(v, 0),
      tip: (v) => percentText(v, 1),
    }),
    chart({
      id: 'chart-compare-deferral',
      title: 'Average deferral rate by year, each design (%)',
      kind: 'lines',
      x: { labels: years },
      series: perScenario((s) => s.years.map((y) => y.avgDeferral)),
      format: (v) => percentText(v, 1),
      tip: (v) => percentText(v, 2),
    }),
  ];
  const cost = table(
    'Employer cost by year (USD)',
    [
      'Year',
      ...list
        .flatMap((s) => [`${id(s)} gross`, `${id(s)} forfeitures`, `${id(s)} net`])
        .map((text) => ({ text, ...n })),
    ],
    first.years.map((y, k) => [
      String(y.year),
      ...list.flatMap((s) => {
        const z = s.years[k];
        return [z.employerGross, z.forfeitures, z.employerNet].map((v) => ({ text: moneyText(v), ...n }));
      }),
    ]),
  );
  const diff = table(
    `Difference against ${id(first)}`,
    [
      'Year',
      ...list
        .slice(1)
        .flatMap((s) => [`${id(s)} net cost`, `${id(s)} participation`, `${id(s)} avg deferral`])
        .map((text) => ({ text, ...n })),
    ],
    first.years.map((y, k) => [
      String(y.year),
      ...list.slice(1).flatMap((s) => {
        const z = s.years[k];
        return [
          moneyText(z.employerNet - y.employerNet),
          `${percentText(z.participation - y.participation)} pts`,
          `${percentText(z.avgDeferral - y.avgDeferral, 2)} pts`,
        ].map((text) => ({ text, ...n }));
      }),
    ]),
  );
  return {
    ...base,
    body: `${facts}<div class="grid">${charts.join('')}</div>${cost}${diff}`,
    provenance:
      'each scenario read with the same figure definitions as `planledger compare` (docs/report.md).',
  };
}

export function winnersSection(list: ScenarioSummary[], changes: EmployerChange[][]): Section {
  const base = {
    id: 'winners',
    title: 'Who gains, who loses',
    empty: 'Give two scenarios or more (`--scenario A --scenario B`).',
  };
  if (list.length < 2) return { ...base, body: null };
  const baseId = String(list[0].scenario.scenario_id);
  const parts = list.slice(1).map((s, i) => {
    const c = changes[i];
    const sid = String(s.scenario.scenario_id);
    const years = c.map((x) => String(x.year));
    const bars = chart({
        id: `chart-winners-${i + 1}`,
        title: `${sid} against ${baseId}: people by change in employer money (people)`,
        kind: 'bars',
        x: { labels: years },
        series: [
          { name: 'gain', values: c.map((x) => x.gain), color: FIGURE_COLORS.gain },
          { name: 'unchanged', values: c.map((x) => x.unchanged), color: FIGURE_COLORS.unchanged },
          { name: 'lose', values: c.map((x) => x.lose), color: FIGURE_COLORS.lose },
        ],
        format: count,
        note: 'Per person and year: employer contributions less forfeitures under this design, minus the base.',
      }),
      spread = chart({
        id: `chart-change-percentiles-${i + 1}`,
        title: `${sid} against ${baseId}: change per person, percentiles (USD)`,
        kind: 'lines',
        x: { labels: years },
        series: PERCENTILES.map((p, k) => ({
          name: `p${Math.round(p * 100)}`,
          values: c.map((x) => x.percentiles[k]),
          color: SCENARIO_COLORS[k % SCENARIO_COLORS.length],
        })),
        format: moneyShort,
        tip: moneyText,
      });
    const t = table(
      `${sid} against ${baseId}: change in employer money per person (USD)`,
      [
        'Year',
        ...[
          'People',
          'Gain',
          'Lose',
          'Unchanged',
          ...PERCENTILES.map((p) => `p${Math.round(p * 100)}`),
          'Total',
        ].map((text) => ({ text, ...n })),
      ],
      c.map((x) => [
        String(x.year),
        ...[count(x.people), count(x.gain), count(x.lose), count(x.unchanged)].map((text) => ({
          text,
          ...n,
        })),
        ...x.percentiles.map((v) => ({ text: moneyText(v), ...n })),
        { text: moneyText(x.total), ...n },
      ]),
    );
    return `<div class="grid">${bars}${spread}</div>${t}`;
  });
  return { ...base, body: parts.join('') };
}
