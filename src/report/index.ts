/**
 * `writeReport`: the HTML report (docs/report.md), one self-contained file. It leads with the
 * plan: one scenario's figures, or a comparison page when given several scenarios; the
 * benchmark history has its own page (`bench: true`). It reads a store — the DuckDB file or a
 * lake's views — and, for the benchmark page, the benchmark history.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform, release } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  balancePercentiles,
  deferralByHce,
  deferralHistogram,
  forfeituresByVesting,
  limitHits,
} from '../figures/distributions.js';
import { employerChanges } from '../figures/index.js';
import { DEFAULT_HISTORY_DIR, readBenchHistory } from '../perf/history.js';
import type { ResultsFile } from '../perf/results.js';
import { TARGETS, type Target } from '../perf/targets.js';
import { requireReadableScenario } from '../store/scenarios.js';
import { VERSION } from '../version.js';
import { benchSection } from './bench.js';
import { driftSection, goldenSection, qualitySection } from './checks.js';
import { comparisonSection, winnersSection } from './comparison.js';
import {
  driftRuns,
  goldenRuns,
  pickScenarios,
  qualityRuns,
  query,
  type Row,
  type ScenarioSummary,
  scenarioRef,
  scenarioSummary,
  visibleTables,
  weeklyBalances,
} from './data.js';
import { esc } from './format.js';
import { glance } from './glance.js';
import type { Section } from './html.js';
import { ndtComparisonSection, ndtResults, ndtSection } from './ndt.js';
import { page } from './page.js';
import { deferralSection, distributionSection, forfeituresSection, limitsSection } from './plan.js';
import { balancesSection, summarySection } from './summary.js';

/** What the report needs of a store: a connection, and where the data comes from. */
export interface ReportStore {
  connection: DuckDBConnection;
  /** The DuckDB file (openStore's Store). */
  path?: string;
  /** A lake or a file (openQueryStore's QueryStore). */
  source?: { kind: 'db' | 'lake'; path: string };
}

export interface ReportOptions {
  /** Output file (default: `planledger-report.html` beside the database, or in the current directory for a lake). */
  out?: string;
  /** Scenario to show (default: the most recently created). */
  scenario?: string;
  /** Scenarios to show: one gives its page, two or more the comparison page (the first is the base). */
  scenarios?: string[];
  /** The benchmark page instead of the plan (the benchmark history and its targets). */
  bench?: boolean;
  /** Benchmark history directory (default bench/history). */
  benchDir?: string;
  /** Benchmark runs, when the caller has them already (default: read from benchDir). */
  benchRuns?: ResultsFile[];
  targets?: readonly Target[];
  /** Fixed generation time (tests; default now). */
  generatedAt?: Date;
  /** Show a scenario that is not complete (`--allow-incomplete`), under a banner. */
  allowIncomplete?: boolean;
}

export interface ReportResult {
  path: string;
  scenario: string | null;
  sections: { id: string; state: 'data' | 'empty' }[];
}

function sourceOf(store: ReportStore): { kind: 'db' | 'lake'; path: string } {
  return store.source ?? { kind: 'db', path: resolve(store.path ?? 'planledger.duckdb') };
}

export function defaultReportPath(store: ReportStore): string {
  const src = sourceOf(store);
  return src.kind === 'db'
    ? resolve(dirname(src.path), 'planledger-report.html')
    : resolve('planledger-report.html');
}

/** Builds the report's HTML (no file written). */
export async function buildReport(
  store: ReportStore,
  opts: ReportOptions = {},
): Promise<{ html: string; scenario: string | null; sections: Section[] }> {
  const conn = store.connection;
  const src = sourceOf(store);
  const benchDir = opts.benchDir ?? DEFAULT_HISTORY_DIR;
  const runs = opts.bench ? (opts.benchRuns ?? (await readBenchHistory(benchDir))) : [];
  const targets = opts.targets ?? TARGETS;
  const tables = await visibleTables(conn);
  const hasCore = tables.has('scenarios') && tables.has('fct_yearly_events');
  const wanted = opts.scenarios ?? (opts.scenario === undefined ? [] : [opts.scenario]);
  const picked =
    hasCore && !opts.bench ? await pickScenarios(conn, wanted) : { chosen: [], missing: [], all: [] };
  if (picked.missing.length > 0 || (wanted.length > 0 && !hasCore && !opts.bench)) {
    const missing = picked.missing.length > 0 ? picked.missing : wanted;
    throw Object.assign(new Error(`scenario ${missing.join(', ')} is not in ${src.path}`), {
      code: 'ENOSCENARIO',
    });
  }
  const chosen = picked.chosen;
  for (const c of chosen)
    await requireReadableScenario(conn, String(c.scenario_id), { allowIncomplete: opts.allowIncomplete });
  const scenarioId = chosen.length === 0 ? null : String(chosen[0].scenario_id);
  let sections: Section[];
  let summary: ScenarioSummary | null = null;
  let title: string;
  if (opts.bench) {
    sections = [benchSection(runs, targets, benchDir)];
    title = 'planledger benchmarks';
  } else if (chosen.length >= 2) {
    const list = await Promise.all(chosen.map((c) => scenarioSummary(conn, c, picked.all)));
    const changes = await Promise.all(
      chosen.slice(1).map((c) => employerChanges(conn, String(chosen[0].scenario_id), String(c.scenario_id))),
    );
    const ids = chosen.map((c) => String(c.scenario_id));
    const tests = await Promise.all(ids.map((id) => ndtResults(conn, id)));
    sections = [comparisonSection(list), ndtComparisonSection(ids, tests), winnersSection(list, changes)];
    title = `planledger comparison — ${chosen.map((c) => c.scenario_id).join(' vs ')}`;
  } else {
    const hint =
      picked.all.length === 0
        ? 'No scenario in this store — run `planledger simulate` (or `npm start`) first.'
        : `Scenario has no events — run \`planledger simulate --scenario ${scenarioId}\`.`;
    sections = await planSections(conn, chosen[0] ?? null, picked.all, hint);
    summary = chosen[0] === undefined ? null : await scenarioSummary(conn, chosen[0], picked.all);
    title = `planledger report${scenarioId === null ? '' : ` — scenario ${scenarioId}`}`;
  }
  const quality = summary === null ? null : await qualityRuns(conn, scenarioId ?? '');
  const [duck] = await query(conn, 'SELECT version() AS v');
  const generatedAt = (opts.generatedAt ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const where =
    src.kind === 'lake'
      ? `Parquet lake <code>${esc(src.path)}</code>`
      : `store <code>${esc(src.path)}</code>`;
  const html = page(
    {
      title,
      subtitle: `${where} · generated ${esc(generatedAt)}`,
      generatedAt,
      banner: incompleteBanner(chosen),
      glance: glance({
        summary,
        balances: null,
        quality,
        golden: null,
        drift: null,
        bench: runs,
        targets,
      }),
      environment: [
        ['Data source', `${src.kind === 'lake' ? 'Parquet lake' : 'DuckDB file'} ${src.path}`],
        ['Scenario', chosen.map((c) => String(c.scenario_id)).join(', ') || '—'],
        ['Generated at', generatedAt],
        ['planledger', VERSION],
        ['Node.js', process.version],
        ['DuckDB', String(duck.v)],
        [
          'Machine',
          `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores; ${platform()} ${release()} ${arch()}`,
        ],
        opts.bench
          ? ['Benchmark history', `${runs.length} run(s) in ${benchDir}`]
          : ['Benchmarks', 'on their own page: planledger report --bench'],
      ],
    },
    sections,
  );
  return { html, scenario: scenarioId, sections };
}

/** One scenario's page: the plan first, then the checks of its data. */
async function planSections(
  conn: DuckDBConnection,
  chosen: Row | null,
  all: Row[],
  hint: string,
): Promise<Section[]> {
  const scenarioId = chosen === null ? '' : String(chosen.scenario_id);
  const summary = chosen === null ? null : await scenarioSummary(conn, chosen, all);
  const ref = chosen === null ? null : scenarioRef(chosen);
  const last = ref?.last ?? 0;
  const deferrals =
    ref === null
      ? null
      : {
          year: last,
          histogram: await deferralHistogram(conn, ref, last),
          byHce: await deferralByHce(conn, ref, last),
        };
  return [
    summarySection(summary, hint),
    deferralSection(deferrals),
    limitsSection(ref === null ? null : await limitHits(conn, ref)),
    distributionSection(chosen === null ? null : await balancePercentiles(conn, scenarioId)),
    balancesSection(chosen === null ? null : await weeklyBalances(conn, scenarioId)),
    forfeituresSection(ref === null ? null : await forfeituresByVesting(conn, ref)),
    ndtSection(chosen === null ? null : await ndtResults(conn, scenarioId)),
    qualitySection(await qualityRuns(conn, scenarioId)),
    goldenSection(await goldenRuns(conn)),
    driftSection(await driftRuns(conn, scenarioId)),
  ];
}

/** A banner for each shown scenario that is not complete: its figures are partial. */
function incompleteBanner(chosen: Row[]): string {
  const partial = chosen.filter((c) => c.status !== 'complete');
  return partial
    .map(
      (c) =>
        `<div class="banner" role="alert"><strong>Scenario ${esc(c.scenario_id)} is not complete</strong> ` +
        `(status ${esc(c.status)}): its figures cover only what was stored — re-run it before relying on them.</div>`,
    )
    .join('');
}

/** Writes the report (atomically: a temporary file renamed) and returns its path. */
export async function writeReport(store: ReportStore, opts: ReportOptions = {}): Promise<ReportResult> {
  const { html, scenario, sections } = await buildReport(store, opts);
  const path = resolve(opts.out ?? defaultReportPath(store));
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, html);
  renameSync(tmp, path);
  return {
    path,
    scenario,
    sections: sections.map((s) => ({ id: s.id, state: s.body === null ? 'empty' : 'data' })),
  };
}
