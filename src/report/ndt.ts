/**
 * The report's nondiscrimination section (docs/ndt.md): per plan year, the ADP and ACP tests
 * as `planledger ndt` (or `planledger compare`) stored them (`ndt_tests`): averages, limit,
 * pass / fail / exempt, excess; on the comparison page, every design's side by side.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { dec } from '../schema/decimal.js';
import { query, type Row } from './data.js';
import { money, percentText } from './format.js';
import { badge, type Cell, type Section, table } from './html.js';

/** The scenario's stored test results, by year then test; null when there are none. */
export async function ndtResults(conn: DuckDBConnection, scenarioId: string): Promise<Row[] | null> {
  const has = await query(
    conn,
    `SELECT 1 FROM information_schema.tables WHERE table_schema = 'main' AND table_name = 'ndt_tests'`,
  );
  if (has.length === 0) return null;
  const rows = await query(
    conn,
    `SELECT plan_year, test, method, hce_count, nhce_count, CAST(hce_average AS VARCHAR) AS hce_average,
            CAST(nhce_average AS VARCHAR) AS nhce_average, CAST(test_limit AS VARCHAR) AS test_limit, result,
            CAST(excess AS VARCHAR) AS excess
     FROM ndt_tests WHERE scenario_id = '${scenarioId.replaceAll("'", "''")}' ORDER BY plan_year, test DESC`,
  );
  return rows.length === 0 ? null : rows;
}

const pct = (v: unknown) => percentText(dec(String(v)), 2);
const tone = (result: unknown): Cell['tone'] =>
  result === 'fail' ? 'fail' : result === 'pass' ? 'pass' : undefined;
const num = { num: true };

export function ndtSection(rows: Row[] | null): Section {
  const base = {
    id: 'ndt',
    title: 'Nondiscrimination tests (ADP / ACP)',
    empty: 'No test results stored for this scenario — run `planledger ndt --scenario ID`.',
  };
  if (rows === null) return { ...base, body: null };
  const failed = rows.filter((r) => r.result === 'fail');
  const headline =
    failed.length === 0
      ? badge('pass', `all ${rows.length} tests pass or are exempt`)
      : badge(
          'fail',
          `${failed.length} failed: ${failed.map((r) => `${r.plan_year} ${String(r.test).toUpperCase()}`).join(', ')}`,
        );
  const body =
    `<p class="headline">${headline}</p>` +
    table(
      'ADP and ACP tests by plan year (averages and limit in % of pay, to 2 places)',
      [
        'Year',
        'Test',
        'Method',
        { text: 'HCEs', ...num },
        { text: 'HCE average', ...num },
        { text: 'NHCE average', ...num },
        { text: 'Limit', ...num },
        'Result',
        { text: 'Excess (USD)', ...num },
      ],
      rows.map((r) => [
        String(r.plan_year),
        String(r.test).toUpperCase(),
        String(r.method).replace('_', ' '),
        { text: String(r.hce_count), ...num },
        { text: pct(r.hce_average), ...num },
        { text: pct(r.nhce_average), ...num },
        { text: pct(r.test_limit), ...num },
        { text: String(r.result), tone: tone(r.result) },
        { text: money(String(r.excess)), ...num },
      ]),
      { id: 'ndt-tests', rowTone: (i) => (rows[i].result === 'fail' ? 'fail' : undefined) },
    );
  return {
    ...base,
    body,
    provenance:
      '`planledger ndt` (table `ndt_tests`; per-HCE shares in `ndt_shares`); rules in nondiscrimination.md and docs/ndt.md.',
  };
}

/**
 * The comparison page's tests (docs/compare.md): per plan year and test, each design's result,
 * averages, limit and excess side by side. `rows[i]` are scenario `ids[i]`'s stored results.
 */
export function ndtComparisonSection(ids: string[], rows: (Row[] | null)[]): Section {
  const base = {
    id: 'compare-ndt',
    title: 'Nondiscrimination tests (ADP / ACP), each design',
    empty: 'No test results stored for these scenarios — run `planledger ndt --scenario ID` for each.',
  };
  if (rows.every((r) => r === null)) return { ...base, body: null };
  const keys = [...new Set(rows.flatMap((r) => (r ?? []).map((x) => `${x.plan_year} ${x.test}`)))];
  const order = (k: string) => [Number(k.slice(0, 4)), k.endsWith('adp') ? 0 : 1];
  keys.sort((a, b) => order(a)[0] - order(b)[0] || order(a)[1] - order(b)[1]);
  const cellsOf = (r: Row | undefined): Cell[] =>
    r === undefined
      ? ['–', '–', '–', '–', '–'].map((text) => ({ text, ...num }))
      : [
          { text: String(r.result), tone: tone(r.result) },
          { text: pct(r.hce_average), ...num },
          { text: pct(r.nhce_average), ...num },
          { text: pct(r.test_limit), ...num },
          { text: money(String(r.excess)), ...num },
        ];
  const body = table(
    'ADP and ACP tests by plan year and design (averages and limit in % of pay, to 2 places; excess in USD)',
    [
      'Year',
      'Test',
      ...ids.flatMap((id) => [
        `${id} result`,
        { text: `${id} HCE avg`, ...num },
        { text: `${id} NHCE avg`, ...num },
        { text: `${id} limit`, ...num },
        { text: `${id} excess`, ...num },
      ]),
    ],
    keys.map((k) => {
      const [year, test] = k.split(' ');
      return [
        year,
        test.toUpperCase(),
        ...rows.flatMap((r) => cellsOf(r?.find((x) => String(x.plan_year) === year && x.test === test))),
      ];
    }),
    { id: 'compare-ndt-tests' },
  );
  return {
    ...base,
    body,
    provenance:
      '`planledger compare` or `planledger ndt` (table `ndt_tests`); rules in nondiscrimination.md.',
  };
}
