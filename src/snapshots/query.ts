/**
 * One participant's balances as of a date, two ways that must agree:
 *  - `snapshot`: the latest usable snapshot on or before the date, then the ledger fold of the
 *    events after it;
 *  - `events`: the ledger fold of every event up to the date (the audit path).
 * A snapshot is usable when it is of the current ledger version (else SnapshotsStale) and no
 * event stored after the last build is dated on or before it (a back-dated event the snapshots
 * do not reflect yet): then an earlier snapshot is used, so the answer is right even before the
 * next `snapshots build`.
 */
import { createHash } from 'node:crypto';
import type { DuckDBConnection, DuckDBPreparedStatement, DuckDBValue } from '@duckdb/node-api';
import { fromDay, toDay } from '../schema/dates.js';
import { RANGES_HAVE_FIRST_PLAN_DATE_SQL } from '../store/ddl.js';
import {
  type BalanceResult,
  BUCKETS,
  type Bucket,
  EMPLOYER_BUCKETS,
  foldEvents,
  LEDGER_VERSION,
  type LedgerEvent,
  LedgerState,
  type Participant,
  resultOf,
  stateOfFigures,
} from './ledger.js';
import {
  BUILD_STATE_TABLE,
  fridayOnOrBeforeDay,
  grossColumn,
  KEY_DAY_FACTOR,
  LEDGER_EVENT_TYPES,
  SNAPSHOT_TABLE,
} from './sql.js';
import { lastPlanSeqSinceBuildSql, readBuildState, SnapshotsStale, usableState } from './state.js';
import { isoDate, microOrZero, rows, toBigInt } from './values.js';

export { type BalanceResult, type Participant, resultOf } from './ledger.js';

const LEDGER_TYPES_SQL = LEDGER_EVENT_TYPES.map((t) => `'${t}'`).join(', ');

/**
 * The employee's rows of participant_event_ranges, through its employee_id index (ddl.ts); used
 * as a MATERIALIZED CTE so that the scenario filter stays outside the indexed scan.
 */
export const RANGES_OF_EMPLOYEE = rangesOfEmployee('');

/** RANGES_OF_EMPLOYEE with more columns (`extra`: a leading comma and the column list). */
function rangesOfEmployee(extra: string): string {
  return `SELECT scenario_id, first_seq, last_seq${extra} FROM participant_event_ranges WHERE employee_id = $e`;
}

/**
 * Where the participant's events sit in the sequence (the store's participant_event_ranges):
 * a constant seq range lets DuckDB's zonemaps skip every other row group (docs/store.md, "Layout").
 */
export async function seqRange(
  conn: DuckDBConnection,
  p: Pick<Participant, 'scenario_id' | 'employee_id'>,
): Promise<{ from: bigint; to: bigint } | null> {
  try {
    const r = await conn.runAndReadAll(
      `WITH r AS MATERIALIZED (${RANGES_OF_EMPLOYEE}) SELECT first_seq, last_seq FROM r WHERE scenario_id = $s`,
      { s: p.scenario_id, e: p.employee_id },
    );
    const row = r.getRows()[0];
    return row === undefined ? null : { from: toBigInt(row[0]), to: toBigInt(row[1]) };
  } catch {
    return null; // a database without the table: no seq bounds
  }
}

/** The participant's ledger events with from < effective_date ≤ to, in history order (effective date, seq). */
export async function ledgerEvents(
  conn: DuckDBConnection,
  p: Participant,
  from: string | null,
  to: string | null,
  known?: { from: bigint; to: bigint } | null,
): Promise<LedgerEvent[]> {
  const range = known === undefined ? await seqRange(conn, p) : known;
  const r = await conn.runAndReadAll(
    `SELECT effective_date, payload
       FROM fct_yearly_events
      WHERE scenario_id = $s AND employee_id = $e AND plan_id = $p AND event_type IN (${LEDGER_TYPES_SQL})
        ${range === null ? '' : `AND seq BETWEEN ${range.from} AND ${range.to}`}
        ${from === null ? '' : 'AND effective_date > CAST($from AS DATE)'}
        ${to === null ? '' : 'AND effective_date <= CAST($to AS DATE)'}
      ORDER BY effective_date, seq`,
    {
      s: p.scenario_id,
      e: p.employee_id,
      p: p.plan_id,
      ...(from === null ? {} : { from }),
      ...(to === null ? {} : { to }),
    },
  );
  return r.getRows().map(toLedgerEvent);
}

/** A row (effective_date, payload) of fct_yearly_events as the ledger reads it. */
export function toLedgerEvent(v: DuckDBValue[]): LedgerEvent {
  return { effective_date: isoDate(v[0]), payload: JSON.parse(String(v[1])) };
}

/** The ledger state a stored snapshot row stands for. */
export function stateOfSnapshot(r: Record<string, DuckDBValue>): LedgerState {
  const balances = {} as Record<Bucket, bigint>;
  for (const b of BUCKETS) balances[b] = microOrZero(r[b]);
  const gross = {} as Record<(typeof EMPLOYER_BUCKETS)[number], bigint>;
  for (const b of EMPLOYER_BUCKETS) gross[b] = microOrZero(r[grossColumn(b)]);
  return stateOfFigures({
    balances,
    gross,
    vestedFraction: microOrZero(r.vested_percentage),
    date: isoDate(r.snapshot_date),
  });
}

/** Balances as of `asOf` by replaying every event (the audit path). */
export async function balanceFromEvents(
  conn: DuckDBConnection,
  p: Participant,
  asOf: string,
): Promise<BalanceResult> {
  return replayed(conn, p, asOf);
}

/** The Friday on or before `day` (a day number), as a date. */
function fridayOnOrBefore(day: number): string {
  return fromDay(fridayOnOrBeforeDay(day));
}

/** The snapshot figures a query resumes from (calculations.md, The ledger). */
const FIGURES = [...BUCKETS, ...EMPLOYER_BUCKETS.map(grossColumn), 'vested_percentage'];

/**
 * The first query of a participant's balance (docs/snapshots.md, "One participant: the query
 * plan"): three parts, each a scan with constant filters only, so that each reads an index entry
 * or a row group and the plan has no join:
 *  0. the participant's seq ranges (one per scenario), through the employee_id index of
 *     participant_event_ranges (DuckDB uses it only when no other filter is pushed into the scan);
 *  1. the scenario's build state;
 *  2. the snapshot row by its key `$k` (participantKey): one integer compared in the one row
 *     group whose zonemap holds it (rows are stored in key order); the participant columns are
 *     returned, not filtered, and checked by the caller (a hash collision returns two rows).
 */
const snapshotLookupSql = (rowFilter: string) => `
SELECT 0 AS part, scenario_id AS k, NULL AS e, NULL AS pl, first_seq AS a, last_seq AS b, NULL::DATE AS d, NULL::DATE AS n, NULL::BOOLEAN AS keyed,
       ${FIGURES.map((c) => `NULL::DECIMAL(18,6) AS ${c}`).join(', ')}
  FROM participant_event_ranges WHERE employee_id = $e
UNION ALL
SELECT 1, ledger_version, NULL, NULL, max_seq, NULL, end_date, NULL, keyed, ${FIGURES.map(() => 'NULL').join(', ')}
  FROM ${BUILD_STATE_TABLE} WHERE scenario_id = $s
UNION ALL
SELECT 2, scenario_id, employee_id, plan_id, NULL, NULL, snapshot_date, next_ledger_date, NULL, ${FIGURES.join(', ')}
  FROM ${SNAPSHOT_TABLE} WHERE ${rowFilter}`;

export const SNAPSHOT_LOOKUP_SQL = snapshotLookupSql('snapshot_key = $k');

/** A participant's snapshot row of the Friday `$f`, by its columns (the rows of any store or lake). */
const ROW_OF_PARTICIPANT =
  'snapshot_date = CAST($f AS DATE) AND scenario_id = $s AND employee_id = $e AND plan_id = $p';

/**
 * The same lookup with the snapshot row found by its Friday and participant: for rows that are
 * not stored in key order, a lake's (its files are sorted by participant, whose row-group
 * statistics then narrow the scan; a key's do not: docs/report.md, "Querying a lake").
 */
export const SNAPSHOT_LOOKUP_BY_PARTICIPANT_SQL = snapshotLookupSql(ROW_OF_PARTICIPANT);

const keyOrdered = new WeakMap<DuckDBConnection, Promise<boolean>>();

/** Whether the snapshot rows are a store's table, stored in key order (a lake's are a view). */
export function snapshotRowsInKeyOrder(conn: DuckDBConnection): Promise<boolean> {
  let found = keyOrdered.get(conn);
  if (found === undefined) {
    found = rows(
      conn,
      `SELECT table_type FROM information_schema.tables WHERE table_name = '${SNAPSHOT_TABLE}' AND table_schema = current_schema()`,
    ).then((r) => r.length === 0 || r[0].table_type === 'BASE TABLE');
    keyOrdered.set(conn, found);
  }
  return found;
}

/**
 * The snapshot row of one Friday, by its participant columns: for a date after the last Friday
 * built, and for a store whose rows lack their keys (built before them: `keyed` false).
 */
const SNAPSHOT_ROW_SQL = `SELECT 2 AS part, snapshot_date AS d, next_ledger_date AS n, ${FIGURES.join(', ')} FROM ${SNAPSHOT_TABLE}
 WHERE ${ROW_OF_PARTICIPANT}`;

/** The lookup key of a participant's row of a Friday (sql.ts, snapshotKeyExpression), computed here. */
export function participantKey(p: Participant, friday: string): bigint {
  return keyOf(toDay(friday), participantHash(p));
}

/** The participant's part of its rows' keys: the first 40 bits of md5(employee_id ␟ plan_id). */
export function participantHash(p: Pick<Participant, 'employee_id' | 'plan_id'>): bigint {
  const hex = createHash('md5').update(`${p.employee_id}\u001f${p.plan_id}`).digest('hex').slice(0, 10);
  return BigInt(`0x${hex}`);
}

/** The key of a participant's row on the Friday `day` (days since 1970-01-01). */
export function keyOf(day: number, hash: bigint): bigint {
  return BigInt(day) * KEY_DAY_FACTOR + hash;
}

/** Statements prepared once per connection (DuckDB parses and plans each once), and whether each is running. */
const prepared = new WeakMap<
  DuckDBConnection,
  Map<string, { stmt: DuckDBPreparedStatement; busy: boolean }>
>();

/**
 * Run a statement with the connection's prepared copy of it; a call made while that copy is
 * running (concurrent questions on one connection) runs its own, as parameters are bound to the
 * statement.
 */
export async function runPrepared(
  conn: DuckDBConnection,
  sql: string,
  params: Record<string, string | bigint | null>,
): Promise<Record<string, DuckDBValue>[]> {
  let byText = prepared.get(conn);
  if (byText === undefined) {
    byText = new Map();
    prepared.set(conn, byText);
  }
  let cached = byText.get(sql);
  if (cached === undefined) {
    cached = { stmt: await conn.prepare(sql), busy: false };
    byText.set(sql, cached);
  }
  if (cached.busy) return rows(conn, sql, params);
  cached.busy = true;
  try {
    cached.stmt.bind(params);
    return (await cached.stmt.runAndReadAll()).getRowObjects();
  } finally {
    cached.busy = false;
  }
}

/**
 * Balances as of `asOf` from the latest usable snapshot plus the events after it. When the
 * participant has no snapshot on or before the date, the answer is the replay (path `events`).
 * In the common case, where the last build covers every stored event of the participant, two
 * queries: SNAPSHOT_LOOKUP_SQL, then the events after the Friday (none when the date is that
 * Friday), read by the participant's seq range. Otherwise the general path decides which snapshot
 * is still right.
 */
export async function balanceFromSnapshots(
  conn: DuckDBConnection,
  p: Participant,
  asOf: string,
): Promise<BalanceResult> {
  const settled = await settledBuild(conn, p.scenario_id);
  if (settled !== null) {
    const r = await balanceFromSettledSnapshots(conn, p, asOf, settled);
    if (r !== undefined) return r;
  }
  const params = { e: p.employee_id, s: p.scenario_id, p: p.plan_id };
  let found: Record<string, DuckDBValue>[];
  let friday = fridayOnOrBefore(toDay(asOf));
  try {
    found = (await snapshotRowsInKeyOrder(conn))
      ? await runPrepared(conn, SNAPSHOT_LOOKUP_SQL, {
          e: p.employee_id,
          s: p.scenario_id,
          k: participantKey(p, friday),
        })
      : await runPrepared(conn, SNAPSHOT_LOOKUP_BY_PARTICIPANT_SQL, { ...params, f: friday });
  } catch {
    return balanceFromSnapshotsInGeneral(conn, p, asOf); // a store without the tables
  }
  const ranges = found.filter((r) => r.part === 0 && r.k === p.scenario_id);
  const build = found.find((r) => r.part === 1);
  let snapshot = found.find(
    (r) => r.part === 2 && r.k === p.scenario_id && r.e === p.employee_id && r.pl === p.plan_id,
  );
  const range = ranges.length === 0 ? null : { from: toBigInt(ranges[0].a), to: toBigInt(ranges[0].b) };
  if (build === undefined || build.d === null) return replayed(conn, p, asOf, range);
  if (build.k !== LEDGER_VERSION) throw new SnapshotsStale(p.scenario_id, String(build.k));
  // Events stored after the last build: the general path decides which snapshot is still right.
  if (range === null || range.to > toBigInt(build.a)) return balanceFromSnapshotsInGeneral(conn, p, asOf);
  const endDate = isoDate(build.d);
  if (friday > endDate || build.keyed !== true) {
    // A date after the last Friday built: its snapshot, then the events after it. Rows without keys: by date.
    if (friday > endDate) friday = endDate;
    snapshot = (await runPrepared(conn, SNAPSHOT_ROW_SQL, { ...params, f: friday }))[0];
  }
  // No snapshot on that Friday: the participant's first plan event is after it (rows run without
  // gaps from the first one), so their events up to the date are those after the Friday: the
  // replay of those alone (path `events`).
  if (snapshot === undefined) return replayed(conn, p, asOf, range, friday);
  // Rows without keys lack next_ledger_date too (undefined: the events are read).
  const events = eventsAfterIn(friday, build.keyed === true ? snapshot.n : undefined, asOf)
    ? await ledgerEvents(conn, p, friday, asOf, range)
    : [];
  return resultOf(
    p,
    asOf,
    foldEvents(stateOfSnapshot({ ...snapshot, snapshot_date: snapshot.d }), events),
    'snapshot',
    friday,
  );
}

/**
 * Whether ledger events may lie after the snapshot of `friday`, up to `asOf`: not when the date is
 * that Friday, nor when it is in the week after it and before the week's first ledger event
 * (`next_ledger_date`, NULL when the week has none).
 */
function eventsAfterIn(friday: string, nextLedgerDate: DuckDBValue | undefined, asOf: string): boolean {
  if (asOf === friday) return false;
  if (toDay(asOf) >= toDay(friday) + 7 || nextLedgerDate === undefined) return true;
  return nextLedgerDate !== null && isoDate(nextLedgerDate) <= asOf;
}

/**
 * The replay's answer (path `events`), with the seq range when it is known; `after`: a date
 * before every ledger event of the participant (the Friday before their first snapshot), so that
 * only the events after it are read.
 */
async function replayed(
  conn: DuckDBConnection,
  p: Participant,
  asOf: string,
  range?: { from: bigint; to: bigint } | null,
  after: string | null = null,
): Promise<BalanceResult> {
  const events = await ledgerEvents(conn, p, after, asOf, range);
  return resultOf(p, asOf, foldEvents(new LedgerState(), events), 'events', null);
}

/**
 * The general snapshot path, also right when events were stored after the last build: a
 * back-dated one makes later snapshots stale, so it starts from an earlier Friday.
 */
async function balanceFromSnapshotsInGeneral(
  conn: DuckDBConnection,
  p: Participant,
  asOf: string,
): Promise<BalanceResult> {
  const state = await usableState(conn, p.scenario_id);
  if (state === undefined || state.end_date === null) return balanceFromEvents(conn, p, asOf);
  // Events stored after the last build (seq > max_seq) that are dated on or before a Friday make
  // that Friday's snapshot stale: start from an earlier one. Most participants have none (their
  // last seq is covered by the build), which saves the query.
  const range = await seqRange(conn, p);
  const unbuilt =
    range !== null && range.to <= state.max_seq
      ? [{ d: null }]
      : await rows(
          conn,
          `SELECT min(effective_date) AS d FROM fct_yearly_events
            WHERE seq > $seq AND scenario_id = $s AND employee_id = $e AND plan_id = $p`,
          { s: p.scenario_id, e: p.employee_id, p: p.plan_id, seq: state.max_seq },
        );
  // The Friday to start from: rows run without gaps from a participant's first Friday to the
  // last one built, so this one exists unless the participant starts later (then: replay).
  let day = Math.min(toDay(asOf), toDay(state.end_date));
  if (unbuilt[0].d !== null) day = Math.min(day, toDay(isoDate(unbuilt[0].d)) - 1);
  const friday = fridayOnOrBefore(day);
  const snap = await rows(
    conn,
    `SELECT * FROM ${SNAPSHOT_TABLE}
      WHERE ${ROW_OF_PARTICIPANT}`,
    { s: p.scenario_id, e: p.employee_id, p: p.plan_id, f: friday },
  );
  if (snap.length === 0) return balanceFromEvents(conn, p, asOf);
  const events = await ledgerEvents(conn, p, friday, asOf, range);
  return resultOf(p, asOf, foldEvents(stateOfSnapshot(snap[0]), events), 'snapshot', friday);
}

/**
 * A scenario's snapshots as a read-only store holds them (docs/snapshots.md, "On a read-only
 * store"): built with this ledger version, every row keyed, and no event of the scenario stored
 * after the build. Nobody can write while a process holds the store read-only (DuckDB's file
 * lock), so that is read once per connection and scenario.
 */
interface SettledBuild {
  end_date: string;
  /** participant_event_ranges has `first_plan_date` (a store written before it may lack it, read-only). */
  firstPlanDate: boolean;
}

const settledBuilds = new WeakMap<DuckDBConnection, Map<string, Promise<SettledBuild | null>>>();

/** The scenario's settled build on a read-only connection, else null (the lookup of balanceFromSnapshots). */
export function settledBuild(conn: DuckDBConnection, scenario: string): Promise<SettledBuild | null> {
  let byScenario = settledBuilds.get(conn);
  if (byScenario === undefined) {
    byScenario = new Map();
    settledBuilds.set(conn, byScenario);
  }
  let found = byScenario.get(scenario);
  if (found === undefined) {
    found = readSettledBuild(conn, scenario);
    byScenario.set(scenario, found);
  }
  return found;
}

async function readSettledBuild(conn: DuckDBConnection, scenario: string): Promise<SettledBuild | null> {
  try {
    return await settledBuildOf(conn, scenario);
  } catch {
    return null; // a store without the tables: the lookup's own path answers or reports it
  }
}

async function settledBuildOf(conn: DuckDBConnection, scenario: string): Promise<SettledBuild | null> {
  const [store] = await rows(
    conn,
    `SELECT current_setting('access_mode') AS mode, ${RANGES_HAVE_FIRST_PLAN_DATE_SQL} AS first_plan_date`,
  );
  if (String(store.mode).toLowerCase() !== 'read_only') return null;
  const state = await readBuildState(conn, scenario);
  if (
    state === undefined ||
    state.end_date === null ||
    !state.keyed ||
    state.ledger_version !== LEDGER_VERSION
  )
    return null;
  const [last] = await rows(conn, `SELECT ${lastPlanSeqSinceBuildSql(state)} AS max_seq`, { s: scenario });
  if (last.max_seq === null || toBigInt(last.max_seq) !== state.max_seq) return null; // stored after the build
  return { end_date: state.end_date, firstPlanDate: toBigInt(store.first_plan_date) > 0n };
}

/** The snapshot row of one participant's Friday by its key alone (a settled build: no build state or range needed). */
const SETTLED_ROW_SQL = `SELECT scenario_id AS k, employee_id AS e, plan_id AS pl, snapshot_date AS d, next_ledger_date AS n, ${FIGURES.join(', ')}
  FROM ${SNAPSHOT_TABLE} WHERE snapshot_key = $k`;

/** The employee's seq ranges and first plan dates, through the employee_id index. */
const rangesSql = (firstPlanDate: boolean) =>
  rangesOfEmployee(`, ${firstPlanDate ? 'first_plan_date' : 'NULL::DATE AS first_plan_date'}`);

/**
 * balanceFromSnapshots on a settled build (docs/snapshots.md, "On a read-only store"): one
 * statement, the snapshot row by its key, for most dates. Then, only when needed: the
 * participant's range and the ledger events after the Friday; or, with no row on that Friday (the
 * participant's first plan event is after it), their first plan date: before it the balances are
 * all zero (no plan event on or before the date; path `events`), else the replay of the events
 * after the Friday. Undefined for a date after the last Friday built (the general lookup).
 */
async function balanceFromSettledSnapshots(
  conn: DuckDBConnection,
  p: Participant,
  asOf: string,
  settled: SettledBuild,
): Promise<BalanceResult | undefined> {
  const friday = fridayOnOrBefore(toDay(asOf));
  if (friday > settled.end_date) return undefined;
  const found = await runPrepared(conn, SETTLED_ROW_SQL, { k: participantKey(p, friday) });
  const snapshot = found.find((r) => r.k === p.scenario_id && r.e === p.employee_id && r.pl === p.plan_id);
  const rangeOf = async () => {
    const r = (await runPrepared(conn, rangesSql(settled.firstPlanDate), { e: p.employee_id })).find(
      (x) => x.scenario_id === p.scenario_id,
    );
    return r === undefined
      ? undefined
      : {
          range: { from: toBigInt(r.first_seq), to: toBigInt(r.last_seq) },
          firstPlanDate: r.first_plan_date === null ? null : isoDate(r.first_plan_date),
        };
  };
  if (snapshot !== undefined) {
    const state = stateOfSnapshot({ ...snapshot, snapshot_date: snapshot.d });
    if (!eventsAfterIn(friday, snapshot.n, asOf)) return resultOf(p, asOf, state, 'snapshot', friday);
    const known = await rangeOf();
    const events = await ledgerEvents(conn, p, friday, asOf, known?.range ?? null);
    return resultOf(p, asOf, foldEvents(state, events), 'snapshot', friday);
  }
  const known = await rangeOf();
  if (known === undefined) return undefined; // no event of the employee in the scenario: the general lookup
  if (known.firstPlanDate !== null && asOf < known.firstPlanDate)
    return resultOf(p, asOf, new LedgerState(), 'events', null);
  return replayed(conn, p, asOf, known.range, friday);
}
