/**
 * Writing the balance index (balance-index.ts; docs/snapshots.md, "The balance index").
 *
 * Two steps, because the index must name the store file as it is after the writer has closed it:
 *  1. `writeBalanceIndex`, on the writer's open connection right after a build: DuckDB writes
 *     rows.txt (one COPY, grouped by participant); this module scans it for the participants'
 *     offsets and writes participants.bin, all in `<store>.balance-index.tmp`;
 *  2. `sealBalanceIndex`, after the store is closed: the store file's identity goes into
 *     manifest.json and the folder replaces the previous index in one rename.
 * An index is written only for a store whose one scenario is readable and whose snapshots cover
 * every plan event (the state the store's read-only lookup calls settled); otherwise any previous
 * index is removed.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { duckdb } from '../store/duckdb.js';
import { atEachMemoryLimit } from '../store/memory-limit.js';
import { isPendingScenarioId } from '../store/scenario-runs.js';
import { READABLE_STATUSES } from '../store/scenarios.js';
import {
  BALANCE_INDEX_FORMAT,
  type BalanceIndexManifest,
  balanceIndexDir,
  employeeHash,
  fileIdentity,
  PARTICIPANT_RECORD,
} from './balance-index.js';
import { withBuildMemoryLimit } from './build.js';
import { BUCKETS, EMPLOYER_BUCKETS, LEDGER_VERSION } from './ledger.js';
import {
  BUILD_STATE_TABLE,
  fridayOnOrAfter,
  grossColumn,
  LEDGER_EVENT_TYPES,
  PLAN_EVENT_FILTER,
  SNAPSHOT_TABLE,
} from './sql.js';
import { isoDate, rows } from './values.js';

const tmpDir = (db: string) => `${balanceIndexDir(db)}.tmp`;

/**
 * A DECIMAL(18,6) figure as rows.txt holds it: empty for zero, whole cents as an integer, any
 * other value as `u` and micro-units (balance-index.ts, `figure`).
 */
function figureText(column: string): string {
  const x = `coalesce(s.${column}, 0)`;
  return `CASE WHEN ${x} = 0 THEN '' WHEN ${x} * 100 = trunc(${x} * 100) THEN CAST(CAST(${x} * 100 AS BIGINT) AS VARCHAR)
    ELSE 'u' || CAST(CAST(${x} * 1000000 AS BIGINT) AS VARCHAR) END`;
}

/**
 * A row line of rows.txt: the Friday's day number; the six balances and three gross figures in
 * column order (query.ts, FIGURES); the vested fraction in ten-thousandths. It follows its week's
 * line `w<lo>:<hi>` (the first and last ledger event of the week, as days before the Friday)
 * when the week has ledger events.
 */
export function rowLineSql(): string {
  return [
    `CAST(date_diff('day', DATE '1970-01-01', s.snapshot_date) AS VARCHAR)`,
    ...[...BUCKETS, ...EMPLOYER_BUCKETS.map(grossColumn)].map(figureText),
    `CAST(CAST(coalesce(s.vested_percentage, 0) * 10000 AS INTEGER) AS VARCHAR)`,
  ].join(` || ':' || `);
}

/**
 * One ledger event line after a week's line, without its `e` (balance-index.ts, `weekEvents`):
 * days before the week's Friday (`friday`, a DATE expression), `c`/`f`/`v` for contribution,
 * forfeiture, vesting, the source (a forfeiture's: the bucket it comes from), the amount or
 * vested fraction in micro-units.
 */
function eventTextSql(friday: string): string {
  return `CAST(date_diff('day', e.effective_date, ${friday}) AS VARCHAR) || ',' || left(e.event_type, 1) || ',' ||
    coalesce(e.source, '') || ',' || CAST(CAST(coalesce(e.amount, e.vested_percentage, 0) * 1000000 AS BIGINT) AS VARCHAR)`;
}

export interface WrittenIndex {
  scenario_id: string;
  participants: number;
  rows: number;
  bytes: number;
  seconds: number;
}

/**
 * Step 1 (above). Returns null, removing any previous index, when the store is not in a state
 * the index can stand for: several scenarios, an unreadable one, or snapshots that do not cover
 * every plan event.
 */
export async function writeBalanceIndex(
  conn: DuckDBConnection,
  db: string,
  /** DuckDB's memory_limit while writing (default `PLANLEDGER_BUILD_MEMORY_LIMIT` or the build's). */
  memoryLimit?: string,
): Promise<WrittenIndex | null> {
  const t0 = performance.now();
  removeBalanceIndex(db);
  const settled = await onlySettledScenario(conn);
  if (settled === null) return null;
  const { scenario, end_date } = settled;
  const dir = tmpDir(db);
  mkdirSync(dir, { recursive: true });
  const rowsPath = join(dir, 'rows.txt');
  const rowCount = await withBuildMemoryLimit(conn, memoryLimit, () =>
    writeRows(conn, scenario, end_date, rowsPath),
  );
  const found = participantOffsets(rowsPath);
  writeFileSync(join(dir, 'participants.bin'), found.records);
  const manifest: Omit<BalanceIndexManifest, 'db'> = {
    format: BALANCE_INDEX_FORMAT,
    scenario_id: scenario,
    ledger_version: LEDGER_VERSION,
    end_date,
    participants: found.participants,
    rows: rowCount,
  };
  writeFileSync(join(dir, 'manifest.pending.json'), JSON.stringify(manifest));
  return {
    scenario_id: scenario,
    participants: found.participants,
    rows: rowCount,
    bytes: found.bytes,
    seconds: (performance.now() - t0) / 1000,
  };
}

/**
 * rows.txt of the scenario (docs/snapshots.md, "The balance index"); returns the number of row
 * lines. The participants are every employee and plan with a plan event, so that an employee in
 * two plans is never taken for one in a single plan. Each participant's lines are its header,
 * then per Friday in date order the week's ledger dates (when it has any), the week's events
 * (when it needs them) and the Friday's row: one sort by participant number and position. The
 * headers, week and event lines are a temporary table first: the same sort over a union of three
 * parts ran out of memory at 256 MB and at 512 MB, over two parts it does not; one aggregated
 * string of events per week ran out of memory at 512 MB on `simulate`'s 40-million-row store.
 * QUOTE '': DuckDB would quote the header lines, which start with `#`; no line holds a comma, a
 * quote or a newline.
 */
async function writeRows(conn: DuckDBConnection, scenario: string, endDate: string, rowsPath: string) {
  const { quotedString } = duckdb();
  const s = quotedString(scenario);
  const ledger = LEDGER_EVENT_TYPES.map(quotedString).join(', ');
  // Sort positions within a participant: -1 its header; per Friday (day number d) 4d its week's
  // line, 4d + 1 the week's events (then by seq), 4d + 3 the Friday's row.
  const at = (date: string) => `4 * date_diff('day', DATE '1970-01-01', ${date})`;
  const eventWeek = fridayOnOrAfter('e.effective_date');
  try {
    // The temporary tables need no order (the COPY sorts): DuckDB then needs less memory for them.
    await conn.run('SET preserve_insertion_order = false');
    await conn.run(`CREATE OR REPLACE TEMP TABLE balance_index_parts AS
      SELECT employee_id, plan_id, row_number() OVER (ORDER BY employee_id, plan_id) AS pid
        FROM (SELECT DISTINCT employee_id, plan_id FROM fct_yearly_events WHERE scenario_id = ${s} AND ${PLAN_EVENT_FILTER})`);
    // The headers and the weeks' ledger dates (days before the Friday), grouped by participant
    // number rather than by the id strings; the partial week after the last Friday built too
    // (its lines are the block's last).
    const headersAndWeeks = await conn.runAndReadAll(`CREATE OR REPLACE TEMP TABLE balance_index_weeks AS
      SELECT pid, -1 AS o, 0 AS k, '#' || hex(employee_id) || ':' || hex(plan_id) AS head, NULL::INTEGER AS lo,
             NULL::INTEGER AS hi, NULL::VARCHAR AS event
        FROM balance_index_parts
      UNION ALL
      SELECT pid, ${at('wk')}, 0, NULL, date_diff('day', lo, wk), date_diff('day', hi, wk), NULL
        FROM (SELECT p.pid, ${eventWeek} AS wk, min(e.effective_date) AS lo, max(e.effective_date) AS hi
                FROM fct_yearly_events e JOIN balance_index_parts p USING (employee_id, plan_id)
               WHERE e.scenario_id = ${s} AND e.event_type IN (${ledger})
               GROUP BY ALL)`);
    // A week with ledger events on two or more dates, and the partial week after the last Friday
    // built: its events too, one line each after the week's line (balance-index.ts,
    // `weekEvents`), so that a date between them, or after that Friday, is answered by folding
    // them onto the Friday before; from the typed columns the build sums, in history order.
    const tail = at(`DATE ${quotedString(endDate)} + 7`);
    const events = await conn.runAndReadAll(`INSERT INTO balance_index_weeks
      SELECT p.pid, ${at(eventWeek)} + 1, e.seq, NULL, NULL, NULL, ${eventTextSql(eventWeek)}
        FROM fct_yearly_events e
        JOIN balance_index_parts p USING (employee_id, plan_id)
        JOIN (SELECT pid, o FROM balance_index_weeks WHERE lo <> hi OR o = ${tail}) x ON x.pid = p.pid AND x.o = ${at(eventWeek)}
       WHERE e.scenario_id = ${s} AND e.event_type IN (${ledger})`);
    await conn.run('SET preserve_insertion_order = true'); // the COPY writes the sorted order
    const copied = await conn.runAndReadAll(`COPY (
      SELECT line FROM (
        SELECT pid, o, k,
               coalesce(head, 'e' || event, 'w' || CAST(lo AS VARCHAR) || ':' || CAST(hi AS VARCHAR)) AS line
          FROM balance_index_weeks
        UNION ALL
        SELECT p.pid, ${at('s.snapshot_date')} + 3, 0, ${rowLineSql()}
          FROM ${SNAPSHOT_TABLE} s JOIN balance_index_parts p USING (employee_id, plan_id)
         WHERE s.scenario_id = ${s} AND s.event_count_since_last_snapshot > 0)
      ORDER BY pid, o, k
    ) TO ${quotedString(rowsPath)} (FORMAT csv, HEADER false, QUOTE '')`);
    // Lines written, less the headers, week and event lines: the rows.
    const count = (r: typeof copied) => Number(r.getRows()[0][0]);
    return count(copied) - count(headersAndWeeks) - count(events);
  } finally {
    await conn.run('SET preserve_insertion_order = true'); // the store's setting (store/open.ts)
    await conn.run('DROP TABLE IF EXISTS balance_index_weeks');
    await conn.run('DROP TABLE IF EXISTS balance_index_parts');
  }
}

/**
 * Step 1 for the writers that build snapshots (`simulate`, `snapshots build`): the index is an
 * accelerator, so a failure to write it (DuckDB out of memory, a full disk) does not fail the
 * command: any partial index is removed and `log` says how to write it again.
 */
export async function tryWriteBalanceIndex(
  conn: DuckDBConnection,
  db: string,
  log: (message: string) => void,
  /**
   * DuckDB memory limits to try in turn, the next one after an out-of-memory error (`simulate`:
   * SIMULATE_INDEX_MEMORY_LIMIT, then the standalone build's); default: the one of
   * `writeBalanceIndex`.
   */
  memoryLimits: Array<string | undefined> = [undefined],
): Promise<WrittenIndex | null> {
  const removeAny = () => {
    try {
      removeBalanceIndex(db);
    } catch {
      // nothing to remove where nothing could be made
    }
  };
  try {
    return await atEachMemoryLimit(memoryLimits, (limit) => writeBalanceIndex(conn, db, limit), removeAny);
  } catch (err) {
    removeAny();
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    log(
      `balance index not written (${message}): ` +
        '`planledger snapshots build --index` writes it; `balance` answers from the store meanwhile',
    );
    return null;
  }
}

/**
 * Step 2 (above), after the store is closed: true when an index written by step 1 is now in
 * place. The store file must exist and have no write-ahead log (a closed store has none).
 */
export function sealBalanceIndex(db: string): boolean {
  const dir = tmpDir(db);
  const pending = join(dir, 'manifest.pending.json');
  if (!existsSync(pending)) return false;
  const identity = fileIdentity(db);
  const wal = fileIdentity(`${db}.wal`);
  if (identity === null || (wal !== null && wal.size !== '0')) {
    rmSync(dir, { recursive: true, force: true });
    return false;
  }
  const m = JSON.parse(readFileSync(pending, 'utf8')) as Omit<BalanceIndexManifest, 'db'>;
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...m, db: identity }, null, 1));
  rmSync(pending);
  rmSync(balanceIndexDir(db), { recursive: true, force: true });
  renameSync(dir, balanceIndexDir(db));
  return true;
}

/** Remove the index and any unsealed one (a store that changes makes it useless). */
export function removeBalanceIndex(db: string): void {
  rmSync(balanceIndexDir(db), { recursive: true, force: true });
  rmSync(tmpDir(db), { recursive: true, force: true });
}

/**
 * The store's one scenario, and its last Friday built, when it is readable (complete or
 * ingested) and its snapshots are of this ledger version and cover every plan event; else null.
 */
async function onlySettledScenario(
  conn: DuckDBConnection,
): Promise<{ scenario: string; end_date: string } | null> {
  const ids = (await rows(conn, 'SELECT DISTINCT scenario_id FROM fct_yearly_events')).map((r) =>
    String(r.scenario_id),
  );
  if (ids.length !== 1 || isPendingScenarioId(ids[0])) return null;
  const [scenario] = ids;
  const [st] = await rows(conn, 'SELECT status FROM scenarios WHERE scenario_id = $s', { s: scenario });
  if (st !== undefined && !READABLE_STATUSES.has(String(st.status))) return null;
  const [b] = await rows(
    conn,
    `SELECT b.ledger_version, b.max_seq >= coalesce((SELECT max(seq) FROM fct_yearly_events
              WHERE scenario_id = $s AND ${PLAN_EVENT_FILTER}), -1) AS covers, b.end_date
       FROM ${BUILD_STATE_TABLE} b WHERE b.scenario_id = $s`,
    { s: scenario },
  );
  if (b === undefined || b.ledger_version !== LEDGER_VERSION || b.covers !== true || b.end_date === null)
    return null;
  return { scenario, end_date: isoDate(b.end_date) };
}

/**
 * participants.bin from rows.txt: each participant's block starts with a `#` line (the first
 * line of the file, or one after a newline); records sorted by the employee's hash, then by
 * offset (the participant order).
 */
function participantOffsets(rowsPath: string): { records: Buffer; participants: number; bytes: number } {
  const fd = openSync(rowsPath, 'r');
  const starts: number[] = [];
  let bytes = 0;
  try {
    const buf = Buffer.alloc(1 << 24);
    let lastByte = 10; // a virtual newline before the file
    for (let n = readSync(fd, buf, 0, buf.length, 0); n > 0; n = readSync(fd, buf, 0, buf.length, bytes)) {
      if (lastByte === 10 && buf[0] === 35) starts.push(bytes);
      const chunk = buf.subarray(0, n);
      for (let at = chunk.indexOf('\n#'); at >= 0; at = chunk.indexOf('\n#', at + 1))
        starts.push(bytes + at + 1);
      lastByte = buf[n - 1];
      bytes += n;
    }
    const records = Buffer.alloc(starts.length * PARTICIPANT_RECORD);
    const head = Buffer.alloc(4096);
    const keyed = starts.map((offset, i) => {
      const n = readSync(fd, head, 0, head.length, offset);
      const eol = head.indexOf(10);
      if (eol < 0 || eol >= n)
        throw new Error(`balance index: a header line longer than ${head.length} bytes`);
      const employee = Buffer.from(head.toString('latin1', 1, eol).split(':')[0], 'hex').toString('utf8');
      return { hash: employeeHash(employee), offset, length: (starts[i + 1] ?? bytes) - offset };
    });
    keyed.sort((a, b) => Buffer.compare(a.hash, b.hash) || a.offset - b.offset);
    keyed.forEach((k, i) => {
      const at = i * PARTICIPANT_RECORD;
      k.hash.copy(records, at);
      records.writeBigUInt64LE(BigInt(k.offset), at + 8);
      records.writeUInt32LE(k.length, at + 16);
    });
    return { records, participants: starts.length, bytes };
  } finally {
    closeSync(fd);
  }
}
