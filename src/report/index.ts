/**
 * `writeReport`: the HTML dashboard of one scenario (docs/report.md). It reads a store — the
 * DuckDB file or a lake's views — and the benchmark history, and writes one self-contained file.
 */

import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform, release } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DEFAULT_HISTORY_DIR, readBenchHistory } from '../perf/history.js';
import type { ResultsFile } from '../perf/results.js';
import { TARGETS, type Target } from '../perf/targets.js';
import { requireReadableScenario } from '../store/scenarios.js';
import { VERSION } from '../version.js';
import { benchSection } from './bench.js';
import { driftSection, goldenSection, qualitySection } from './checks.js';
import {
  driftRuns,
  goldenRuns,
  pickScenario,
  qualityRuns,
  query,
  scenarioSummary,
  visibleTables,
  weeklyBalances,
} from './data.js';
import { esc } from './format.js';
import { glance } from './glance.js';
import type { Section } from './html.js';
import { ndtResults, ndtSection } from './ndt.js';
import { page } from './page.js';
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
  /** Benchmark history directory (default bench/history). */
  benchDir?: string;
  /** Benchmark runs, when the caller has them already (default: read from benchDir). */
  benchRuns?: ResultsFile[];
  targets?: readonly Target[];
  /** Fixed generation time (tests; default now). */
  generatedAt?: Date;
  /** Show a scenario that is not complete (`--allow-incomplete`). */
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
  const tables = await visibleTables(conn);
  const hasCore = tables.has('scenarios') && tables.has('fct_yearly_events');
  const { chosen, all } = hasCore ? await pickScenario(conn, opts.scenario) : { chosen: null, all: [] };
  if (opts.scenario !== undefined && chosen === null) {
    throw Object.assign(new Error(`scenario ${opts.scenario} is not in ${src.path}`), {
      code: 'ENOSCENARIO',
    });
  }
  const scenarioId = chosen === null ? null : String(chosen.scenario_id);
  if (scenarioId !== null)
    await requireReadableScenario(conn, scenarioId, { allowIncomplete: opts.allowIncomplete });
  const hint =
    all.length === 0
      ? 'No scenario in this store — run `planledger simulate` (or `npm start`) first.'
      : `Scenario has no events — run \`planledger simulate --scenario ${scenarioId}\`.`;
  const summary = chosen === null ? null : await scenarioSummary(conn, chosen, all);
  const balances = scenarioId === null ? null : await weeklyBalances(conn, scenarioId);
  const quality = await qualityRuns(conn, scenarioId ?? '');
  const golden = await goldenRuns(conn);
  const ndt = scenarioId === null ? null : await ndtResults(conn, scenarioId);
  const drift = await driftRuns(conn, scenarioId ?? '');
  const benchDir = opts.benchDir ?? DEFAULT_HISTORY_DIR;
  const runs = opts.benchRuns ?? (await readBenchHistory(benchDir));
  const targets = opts.targets ?? TARGETS;
  const sections = [
    summarySection(summary, hint),
    balancesSection(balances),
    ndtSection(ndt),
    qualitySection(quality),
    goldenSection(golden),
    driftSection(drift),
    benchSection(runs, targets, benchDir),
  ];
  const [duck] = await query(conn, 'SELECT version() AS v');
  const generatedAt = (opts.generatedAt ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const where =
    src.kind === 'lake'
      ? `Parquet lake <code>${esc(src.path)}</code>`
      : `store <code>${esc(src.path)}</code>`;
  const html = page(
    {
      title: `planledger report${scenarioId === null ? '' : ` — scenario ${scenarioId}`}`,
      subtitle: `${where} · generated ${esc(generatedAt)}`,
      generatedAt,
      glance: glance({ summary, balances, quality, golden, drift, bench: runs, targets }),
      environment: [
        ['Data source', `${src.kind === 'lake' ? 'Parquet lake' : 'DuckDB file'} ${src.path}`],
        ['Scenario', scenarioId ?? '—'],
        ['Generated at', generatedAt],
        ['planledger', VERSION],
        ['Node.js', process.version],
        ['DuckDB', String(duck.v)],
        [
          'Machine',
          `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores; ${platform()} ${release()} ${arch()}`,
        ],
        ['Benchmark history', `${runs.length} run(s) in ${benchDir}`],
      ],
    },
    sections,
  );
  return { html, scenario: scenarioId, sections };
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
