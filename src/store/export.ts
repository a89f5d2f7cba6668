/**
 * Export of the store to the Parquet lake (layout in src/store/lake.ts, docs/report.md).
 *
 * - Hive partitions `scenario_id=…/year=…/` for events and snapshots, `scenario_id=…/` for
 *   scenarios and participants; partition values live in the folder names, not in the files.
 * - File names are `part-<uuid>.parquet`, so several shards (processes or machines) can export
 *   into one lake. Files are written under `LAKE/_staging/<uuid>/` and then renamed into their
 *   partition folder: a reader (or a concurrent export) only ever sees whole files. Folders
 *   starting with `_` are ignored by Spark and Hive and outside the tables' globs.
 * - Exactly once: an event (or snapshot) whose id is already in the lake is not written twice —
 *   the export refuses, naming the scenario and the count, before writing anything.
 * - Column types: the store's types, except UUID and JSON written as text (not every Parquet
 *   reader knows them); `_columns.json` records the store's types and the lake views cast back.
 */

import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { type DuckDBConnection, quotedString } from '@duckdb/node-api';
import {
  COLUMNS_FILE,
  LAKE_TABLES,
  type LakeColumn,
  type LakeTable,
  type LakeTableSchema,
  parquetType,
  partitionColumns,
  quoteIdent,
  readParquetSql,
  readTableSchema,
} from './lake.js';
import { PENDING_SQL_FILTER } from './scenario-runs.js';
import { requireReadableScenario } from './scenarios.js';

export interface ExportOptions {
  /** Export one scenario only (default: every scenario in the store). */
  scenario?: string;
  /** Export scenarios that are not complete too (`--allow-incomplete`). */
  allowIncomplete?: boolean;
}

export interface ExportedTable {
  table: string;
  rows: number;
  /** False when the store has no such table (e.g. snapshots not built). */
  present: boolean;
}

export interface ExportResult {
  to: string;
  scenario: string | null;
  tables: ExportedTable[];
}

/** A problem that stops the export before anything is written (exit 2 in the CLI). */
/** The scenarios with a row in `scenarios`, pending runs left out. */
async function visibleScenarioIds(conn: DuckDBConnection): Promise<string[]> {
  const r = await rows(
    conn,
    `SELECT scenario_id FROM scenarios WHERE ${PENDING_SQL_FILTER} ORDER BY 1`,
  ).catch(() => []);
  return r.map((x) => String(x.scenario_id));
}

export class ExportRefused extends Error {
  override name = 'ExportRefused';
}

async function rows(conn: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  const reader = await conn.runAndReadAll(sql);
  return reader.getRowObjects() as Record<string, unknown>[];
}

async function storeColumns(conn: DuckDBConnection, table: string): Promise<LakeColumn[] | null> {
  const found = await rows(
    conn,
    `SELECT column_name, data_type FROM information_schema.columns
     WHERE table_name = ${quotedString(table)} AND table_schema = current_schema() ORDER BY ordinal_position`,
  );
  if (found.length === 0) return null;
  return found.map((r) => ({ name: String(r.column_name), type: String(r.data_type) }));
}

/** Ids that make a row unique: used to refuse writing a row the lake already holds. */
const ROW_ID: Record<string, string> = {
  fct_yearly_events: 'event_id',
  fct_participant_balance_snapshots: 'snapshot_id',
};

/**
 * Rows per Parquet row group. DuckDB's default (122,880) buffers 30 MB of payload text per row
 * group and ran out of memory at `SCAN_MEMORY_LIMIT`; a quarter of it fits (docs/report.md,
 * "Export at scale").
 */
export const EXPORT_ROW_GROUP_ROWS = 30_720;

/** One pass of a table's export: a partition of its rows, sorted and written on its own. */
export interface ExportPass {
  /** SQL condition selecting the pass's rows (ANDed to the scenario filter). */
  filter: string;
}

/**
 * The passes of a table: one per (scenario, year) partition for events and snapshots, so that
 * each sort holds one year of one scenario (at 100,000 employees the whole table in one sort
 * ran out of memory at 384 MB); one pass for the other tables. A year of a dated table is a
 * range of its date column (row groups pruned by zonemap), else an equality on `year`.
 */
export async function exportPasses(
  conn: DuckDBConnection,
  t: LakeTable,
  where: string,
): Promise<ExportPass[]> {
  if (t.year === null) return [{ filter: 'true' }];
  const parts = await rows(
    conn,
    `SELECT DISTINCT scenario_id, ${t.year} AS y FROM ${quoteIdent(t.name)}${where} ORDER BY ALL`,
  );
  return parts.map((p) => {
    // Never NULL: simulation_year and snapshot_date are NOT NULL (and the row count is checked).
    const year = Number(p.y);
    const inYear =
      t.yearDate === undefined
        ? `${t.year} = ${year}`
        : `${quoteIdent(t.yearDate)} BETWEEN DATE '${year}-01-01' AND DATE '${year}-12-31'`;
    return { filter: `scenario_id = ${quotedString(String(p.scenario_id))} AND ${inYear}` };
  });
}

function selectSql(t: LakeTable, columns: LakeColumn[], where: string): string {
  const cols = columns.map((c) => {
    const as = parquetType(c.type);
    return as ? `CAST(${quoteIdent(c.name)} AS ${as}) AS ${quoteIdent(c.name)}` : quoteIdent(c.name);
  });
  if (t.year !== null) cols.push(`${t.year} AS "year"`);
  return `SELECT ${cols.join(', ')} FROM ${quoteIdent(t.name)}${where} ORDER BY ${t.order}`;
}

/** Staging area inside the lake (same file system, so publishing is a rename). */
const STAGING = '_staging';

/** Moves every file under `from` to the same relative path under `to` (one rename each). */
function publish(from: string, to: string): void {
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        const target = join(to, relative(from, path));
        mkdirSync(dirname(target), { recursive: true });
        renameSync(path, target);
      }
    }
  };
  walk(from);
}

function writeSchemaFile(dir: string, schema: LakeTableSchema): void {
  const existing = readTableSchema(dir, schema.table);
  const text = JSON.stringify(schema, null, 2) + '\n';
  if (existing) {
    if (JSON.stringify(existing.columns) !== JSON.stringify(schema.columns)) {
      throw new ExportRefused(
        `${join(dir, schema.table, COLUMNS_FILE)}: the lake's ${schema.table} has other columns than this store ` +
          `(lake: ${existing.columns.map((c) => `${c.name} ${c.type}`).join(', ')}); export to another directory`,
      );
    }
    return;
  }
  mkdirSync(join(dir, schema.table), { recursive: true });
  const tmp = join(dir, schema.table, `.${COLUMNS_FILE}.${process.pid}.tmp`);
  writeFileSync(tmp, text);
  renameSync(tmp, join(dir, schema.table, COLUMNS_FILE));
}

async function alreadyInLake(
  conn: DuckDBConnection,
  dir: string,
  t: LakeTable,
  idColumn: string,
  scenario: string | undefined,
): Promise<bigint> {
  const id = quoteIdent(idColumn);
  const only = (alias: string) =>
    scenario === undefined
      ? ` WHERE ${PENDING_SQL_FILTER.replace('(scenario_id', `(${alias}.scenario_id`)}`
      : ` WHERE ${alias}.scenario_id = ${quotedString(scenario)}`;
  const [r] = await rows(
    conn,
    `SELECT count(*) AS n FROM ${quoteIdent(t.name)} s
     SEMI JOIN (SELECT CAST(l.${id} AS VARCHAR) AS id FROM ${readParquetSql(dir, t)} l${only('l')}) lake
     ON CAST(s.${id} AS VARCHAR) = lake.id${only('s')}`,
  );
  return r.n as bigint;
}

/**
 * Writes the store's events, snapshots, scenarios and participants (of one scenario, or all) to
 * the lake directory `to`. Checks everything first (scenario exists, columns agree with the lake,
 * no row already exported), then writes.
 */
export async function exportToLake(
  conn: DuckDBConnection,
  to: string,
  opts: ExportOptions = {},
): Promise<ExportResult> {
  const dir = resolve(to);
  // Every scenario: pending runs (scenario-runs.ts) are not scenarios and are not exported.
  const where =
    opts.scenario === undefined
      ? ` WHERE ${PENDING_SQL_FILTER}`
      : ` WHERE scenario_id = ${quotedString(opts.scenario)}`;
  const plan: { t: LakeTable; columns: LakeColumn[] | null }[] = [];
  for (const t of LAKE_TABLES) plan.push({ t, columns: await storeColumns(conn, t.name) });
  if (!plan[0].columns)
    throw new ExportRefused('the database has no fct_yearly_events table: nothing to export');

  if (opts.scenario !== undefined) {
    const [found] = await rows(
      conn,
      `SELECT (SELECT count(*) FROM scenarios${where}) + (SELECT count(*) FROM fct_yearly_events${where}) AS n`,
    );
    if (found.n === 0n) throw new ExportRefused(`scenario ${opts.scenario} is not in the database`);
  }
  const visible = opts.scenario !== undefined ? [opts.scenario] : await visibleScenarioIds(conn);
  for (const id of visible)
    await requireReadableScenario(conn, id, { allowIncomplete: opts.allowIncomplete });

  mkdirSync(dir, { recursive: true });
  for (const { t, columns } of plan) {
    if (!columns) continue;
    const idColumn = ROW_ID[t.name];
    const hasId = idColumn !== undefined && columns.some((c) => c.name === idColumn);
    if (hasId && existsSync(join(dir, t.name)) && readTableSchema(dir, t.name)) {
      const dupes = await alreadyInLake(conn, dir, t, idColumn, opts.scenario).catch((err: Error) => {
        // An empty lake folder has no file to read yet.
        if (/No files found/i.test(err.message)) return 0n;
        throw err;
      });
      if (dupes > 0n) {
        throw new ExportRefused(
          `${dupes} row(s) of ${t.name}${opts.scenario === undefined ? '' : ` for scenario ${opts.scenario}`} ` +
            `are already in the lake ${to} (exported before); remove their scenario_id=… folders or export to another directory`,
        );
      }
    }
  }

  const tables: ExportedTable[] = [];
  for (const { t, columns } of plan) {
    if (!columns) {
      tables.push({ table: t.name, rows: 0, present: false });
      continue;
    }
    writeSchemaFile(dir, { table: t.name, partition_by: partitionColumns(t), columns });
    const [count] = await rows(conn, `SELECT count(*) AS n FROM ${quoteIdent(t.name)}${where}`);
    const n = Number(count.n as bigint);
    if (n > 0) {
      // Every pass is staged before any is published: a failed export leaves no part of this table.
      const staging = join(dir, STAGING, randomUUID(), t.name);
      mkdirSync(staging, { recursive: true });
      try {
        const passes = await exportPasses(conn, t, where);
        let written = 0;
        for (let i = 0; i < passes.length; i++) {
          const copied = await conn.run(
            `COPY (${selectSql(t, columns, `${where} AND ${passes[i].filter}`)}) TO ${quotedString(join(staging, String(i)))} ` +
              `(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${EXPORT_ROW_GROUP_ROWS}, ` +
              `PARTITION_BY (${partitionColumns(t).join(', ')}), FILENAME_PATTERN 'part-{uuid}')`,
          );
          written += Number(copied.rowsChanged);
        }
        // The passes partition the rows: nothing left out, nothing twice.
        if (written !== n) throw new Error(`export of ${t.name}: the passes wrote ${written} rows of ${n}`);
        for (let i = 0; i < passes.length; i++) publish(join(staging, String(i)), join(dir, t.name));
      } finally {
        rmSync(dirname(staging), { recursive: true, force: true });
      }
    }
    tables.push({ table: t.name, rows: n, present: true });
  }
  try {
    rmdirSync(join(dir, STAGING));
  } catch {
    // Another export is still staging its files: it removes the folder when done.
  }
  return { to: dir, scenario: opts.scenario ?? null, tables };
}
