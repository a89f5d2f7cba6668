/**
 * Report sections on what the plan does to people: deferral-rate distribution and HCE vs non-HCE
 * rates, IRS-limit hits, balance distribution, forfeitures by vested fraction (src/figures).
 */
import type { GroupRates, LimitHits } from '../figures/distributions.js';
import { PERCENTILES } from '../figures/index.js';
import type { Decimal } from '../schema/decimal.js';
import { chart } from './chart.js';
import { FIGURE_COLORS, sourceColor } from './colors.js';
import { count, moneyShort, moneyText, percentText } from './format.js';
import { type Section, table } from './html.js';

const n = { num: true };
const pctLabel = (p: number) => `p${Math.round(p * 100)}`;

export interface DeferralData {
  year: number;
  histogram: { percent: number; people: bigint }[];
  byHce: GroupRates[];
}

export function deferralSection(d: DeferralData | null): Section {
  const base = {
    id: 'deferrals',
    title: 'Deferral rates',
    empty: 'No participant deferring at the end of the last year — run `planledger simulate` first.',
  };
  if (d === null || d.histogram.length === 0) return { ...base, body: null };
  const c = chart({
    id: 'chart-deferral-distribution',
    title: `Participants by deferral rate, 31 December ${d.year} (people)`,
    kind: 'bars',
    x: { labels: d.histogram.map((h) => (h.percent >= 20 ? '20%+' : `${h.percent}%`)) },
    series: [
      {
        name: 'Participants',
        values: d.histogram.map((h) => h.people),
        color: sourceColor('employee_pre_tax'),
      },
    ],
    format: count,
    note: 'Pre-tax + Roth rate in force on 31 December, by whole percent (a bar at 4% holds 4.00–4.99%).',
  });
  const groups = d.byHce.map((g) => ({ ...g, name: g.hce ? 'HCEs' : 'Non-HCEs' }));
  const g = chart({
    id: 'chart-deferral-hce',
    title: `Average deferral rate, HCEs and non-HCEs, ${d.year} (%)`,
    kind: 'bars',
    x: { labels: groups.map((x) => x.name) },
    series: [
      {
        name: 'Average deferral rate',
        values: groups.map((x) => x.average),
        color: sourceColor('employee_pre_tax'),
      },
    ],
    format: (v) => percentText(v, 0),
    tip: (v) => percentText(v, 2),
    note: 'HCE: that year’s hce_status determination. The gap drives the ADP test.',
  });
  const t = table(
    `HCE and non-HCE deferral rates, ${d.year}`,
    ['Group', { text: 'Participants deferring', ...n }, { text: 'Average deferral rate', ...n }],
    groups.map((x) => [x.name, { text: count(x.people), ...n }, { text: percentText(x.average, 2), ...n }]),
  );
  return { ...base, body: `<div class="grid">${c}${g}</div>${t}` };
}

export function limitsSection(hits: LimitHits[] | null): Section {
  const base = {
    id: 'limits',
    title: 'IRS-limit hits',
    empty: 'No contribution stored for this scenario — run `planledger simulate` first.',
  };
  if (hits === null || hits.length === 0) return { ...base, body: null };
  const years = hits.map((h) => String(h.year));
  const c = chart({
    id: 'chart-limit-hits',
    title: 'People reaching an IRS limit, by year (people)',
    kind: 'lines',
    x: { labels: years },
    series: [
      {
        name: 'Deferral cut (402(g) or 415(c))',
        values: hits.map((h) => h.deferralLimited),
        color: sourceColor('employee_pre_tax'),
      },
      {
        name: 'Employer or after-tax money cut (415(c))',
        values: hits.map((h) => h.additionsLimited),
        color: sourceColor('employer_match'),
      },
      {
        name: 'Catch-up contributors',
        values: hits.map((h) => h.catchUp),
        color: sourceColor('employee_catch_up'),
      },
      {
        name: 'Catch-up cut by its limit',
        values: hits.map((h) => h.catchUpLimited),
        color: FIGURE_COLORS.forfeitures,
      },
    ],
    format: count,
    note: 'A contribution cut by a limit carries irs_limit_applied (calculations.md, Deferrals and limits).',
  });
  const t = table(
    'IRS-limit hits by year (people)',
    [
      'Year',
      { text: 'Deferral cut (402(g)/415(c))', ...n },
      { text: '415(c) cut employer/after-tax', ...n },
      { text: 'Catch-up contributors', ...n },
      { text: 'Catch-up at its limit', ...n },
      { text: 'Catch-up use, participants 50+', ...n },
    ],
    hits.map((h) => [
      String(h.year),
      { text: count(h.deferralLimited), ...n },
      { text: count(h.additionsLimited), ...n },
      { text: count(h.catchUp), ...n },
      { text: count(h.catchUpLimited), ...n },
      {
        text: `${percentText(h.participants50 === 0n ? 0n : (h.catchUp50 * 1_000_000n) / h.participants50)} of ${count(h.participants50)}`,
        ...n,
      },
    ]),
  );
  return { ...base, body: `<div class="grid">${c}</div>${t}` };
}

export interface BalanceSpread {
  date: string;
  people: bigint;
  percentiles: Decimal[];
  mean: Decimal;
}

export function distributionSection(b: BalanceSpread | null): Section {
  const base = {
    id: 'distribution',
    title: 'Balance distribution',
    empty: 'No balance snapshots recorded for this scenario — run `planledger snapshots build`.',
  };
  if (b === null) return { ...base, body: null };
  const c = chart({
    id: 'chart-balance-percentiles',
    title: `Participant balances on ${b.date}, by percentile (USD)`,
    kind: 'bars',
    x: { labels: PERCENTILES.map(pctLabel) },
    series: [{ name: 'Balance', values: b.percentiles, color: FIGURE_COLORS.employerGross }],
    format: moneyShort,
    tip: moneyText,
    note: 'Total of the six buckets per participant (contributions less forfeitures; no investment earnings).',
  });
  const t = table(
    `Balances on ${b.date} (${count(b.people)} participants)`,
    [...PERCENTILES.map((p) => ({ text: pctLabel(p), ...n })), { text: 'Mean', ...n }],
    [[...b.percentiles.map((v) => ({ text: moneyText(v), ...n })), { text: moneyText(b.mean), ...n }]],
  );
  return { ...base, body: `<div class="grid">${c}${t}</div>` };
}

export function forfeituresSection(
  rows: { vested: Decimal; events: bigint; amount: Decimal }[] | null,
): Section {
  const base = {
    id: 'forfeitures',
    title: 'Forfeitures by vested fraction',
    empty: 'No forfeiture in this scenario.',
  };
  if (rows === null || rows.length === 0) return { ...base, body: null };
  const labels = rows.map((r) => `${percentText(r.vested, 0)} vested`);
  const c = chart({
    id: 'chart-forfeitures-vesting',
    title: 'Forfeited amounts by vested fraction at forfeiture (USD)',
    kind: 'bars',
    x: { labels },
    series: [{ name: 'Forfeitures', values: rows.map((r) => r.amount), color: FIGURE_COLORS.forfeitures }],
    format: moneyShort,
    tip: moneyText,
    note: 'All years of the scenario; the unvested part of employer money at termination or break in service.',
  });
  const t = table(
    'Forfeitures by vested fraction',
    ['Vested fraction', { text: 'Forfeitures', ...n }, { text: 'Amount', ...n }],
    rows.map((r, i) => [labels[i], { text: count(r.events), ...n }, { text: moneyText(r.amount), ...n }]),
  );
  return { ...base, body: `<div class="grid">${c}${t}</div>` };
}
