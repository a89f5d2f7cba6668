/**
 * The balance index: one participant's snapshots read from plain files next to the store, without
 * DuckDB (docs/snapshots.md, "The balance index"). It is a copy of the snapshot rows where a
 * participant's figures may change, grouped by participant, written at the end of `simulate` and
 * of `snapshots build` (balance-index-write.ts), and used only while the store file is exactly as
 * it was when the index was sealed; anything else is answered by the store (`null` here).
 *
 * Files, in `<store>.balance-index/`:
 *  - `manifest.json`: the format, scenario, ledger version, last Friday built, and the store
 *    file's identity (device, inode, size, modification time in ns) after it was closed;
 *  - `rows.txt`: per participant a line `#<hex employee_id>:<hex plan_id>`, then one line per
 *    snapshot Friday whose week has plan events (`day:figures…:vp`), after its week's line
 *    `w<lo>:<hi>` when the week has ledger events and, for a week with ledger events on two or
 *    more dates, those events (`e…` lines); last, the partial week after the last Friday built
 *    (balance-index-write.ts, rowLineSql);
 *  - `participants.bin`: 20-byte records sorted by hash: the first 8 bytes of
 *    md5(employee_id), the participant's byte offset in rows.txt (u64 LE) and length (u32 LE).
 *
 * The decoding and the week logic (`decodeBlock`, `stateAsOf`) are pure; the figures are the
 * snapshot rows' own, turned into a ledger state by `stateOfFigures` (as the store's lookup does)
 * and folded on by the ledger where a week's events are needed.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fromDay, toDay } from '../schema/dates.js';
import { type Decimal, formatDecimal } from '../schema/decimal.js';
import {
  type BalanceResult,
  BUCKETS,
  type Bucket,
  EMPLOYER_BUCKETS,
  foldEvents,
  LEDGER_VERSION,
  type LedgerEvent,
  LedgerState,
  resultOf,
  stateOfFigures,
} from './ledger.js';
import { fridayOnOrBeforeDay } from './sql.js';

/** The index's folder of a store file. */
export const balanceIndexDir = (db: string): string => `${db}.balance-index`;

export const BALANCE_INDEX_FORMAT = 1;
/** Bytes of one record of participants.bin. */
export const PARTICIPANT_RECORD = 20;

/** The store file's identity: any write to it (or a new file at the path) changes one of these. */
export interface FileIdentity {
  dev: string;
  ino: string;
  size: string;
  mtime_ns: string;
}

export interface BalanceIndexManifest {
  format: number;
  scenario_id: string;
  ledger_version: string;
  /** The last Friday built. */
  end_date: string;
  participants: number;
  rows: number;
  db: FileIdentity;
}

/** What a balance question asks, as `planledger balance` takes it. */
export interface IndexQuestion {
  employee_id: string;
  as_of: string;
  plan?: string;
  scenario?: string;
}

export function fileIdentity(path: string): FileIdentity | null {
  try {
    const s = statSync(path, { bigint: true });
    return { dev: String(s.dev), ino: String(s.ino), size: String(s.size), mtime_ns: String(s.mtimeNs) };
  } catch {
    return null;
  }
}

/** The first 8 bytes of md5(employee_id): the key of participants.bin. */
export function employeeHash(employee: string): Buffer {
  return createHash('md5').update(employee).digest().subarray(0, 8);
}

/** One decoded row of rows.txt: the figures at the end of `day` (a Friday). */
export interface IndexRow {
  day: number;
  /** The first and last ledger event dates of the week ending on `day` (day numbers), if any. */
  lo: number | null;
  hi: number | null;
  /** The week's ledger events when they fall on two or more dates. */
  events?: LedgerEvent[];
  balances: Record<Bucket, Decimal>;
  gross: Record<(typeof EMPLOYER_BUCKETS)[number], Decimal>;
  vestedFraction: Decimal;
}

/** A figure of rows.txt: empty for zero, cents, or `u` and micro-units (balance-index-write.ts). */
function figure(text: string): Decimal {
  if (text === '') return 0n;
  return text.charCodeAt(0) === 117 /* u */ ? BigInt(text.slice(1)) : BigInt(text) * 10_000n;
}

/**
 * Decode a row line (balance-index-write.ts, rowLineSql): the Friday's day number, nine figures,
 * the vested fraction; `week` is its week's line (`w<lo>:<hi>`, days before the Friday), if any,
 * and `events` the week's event lines after it.
 */
export function decodeRow(line: string, week?: string, events: string[] = []): IndexRow {
  const f = line.split(':');
  const day = Number(f[0]);
  const balances = {} as Record<Bucket, Decimal>;
  let i = 1;
  for (const b of BUCKETS) balances[b] = figure(f[i++]);
  const gross = {} as Record<(typeof EMPLOYER_BUCKETS)[number], Decimal>;
  for (const b of EMPLOYER_BUCKETS) gross[b] = figure(f[i++]);
  const dates = week === undefined ? null : weekDates(week, day, events);
  return {
    day,
    lo: dates?.lo ?? null,
    hi: dates?.hi ?? null,
    ...(dates?.events === undefined ? {} : { events: dates.events }),
    balances,
    gross,
    vestedFraction: f[i] === '' ? 0n : BigInt(f[i]) * 100n,
  };
}

/** A week's first and last ledger dates (day numbers), and its events when they differ. */
export interface WeekDates {
  lo: number;
  hi: number;
  events?: LedgerEvent[];
}

/**
 * A participant's block of rows.txt (after its header line): its rows, and the partial week after
 * the last Friday built (`end`), whose week line has no row after it.
 */
export function decodeBlock(text: string, end: number): { rows: IndexRow[]; tail: WeekDates | null } {
  const rows: IndexRow[] = [];
  let week: string | undefined;
  let events: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const c = line.charCodeAt(0);
    if (c === 119 /* w */) week = line;
    else if (c === 101 /* e */) events.push(line.slice(1));
    else {
      rows.push(decodeRow(line, week, events));
      week = undefined;
      events = [];
    }
  }
  return { rows, tail: week === undefined ? null : weekDates(week, end + 7, events) };
}

/**
 * A week line `w<lo>:<hi>` of the week ending on `friday` (balance-index-write.ts) and its event
 * lines, if any: its first and last ledger dates and its ledger events (`weekEvents`).
 */
function weekDates(week: string, friday: number, events: string[]): WeekDates {
  const [lo, hi] = week.slice(1).split(':');
  const out: WeekDates = { lo: friday - Number(lo), hi: friday - Number(hi) };
  if (events.length > 0) out.events = weekEvents(events, friday);
  return out;
}

const EVENT_TYPES = { c: 'contribution', f: 'forfeiture', v: 'vesting' } as const;

/**
 * A week's event lines (`days,type,source,micro-units`, without their `e`) as the ledger reads
 * events: the typed columns the build sums, as the payload fields `LedgerState.apply` reads.
 */
export function weekEvents(lines: string[], friday: number): LedgerEvent[] {
  return lines.map((e) => {
    const [days, t, source, micro] = e.split(',');
    const event_type = EVENT_TYPES[t as keyof typeof EVENT_TYPES];
    const value = formatDecimal(BigInt(micro));
    const payload =
      event_type === 'vesting'
        ? { event_type, vested_percentage: value }
        : event_type === 'forfeiture'
          ? { event_type, forfeited_from_source: source, amount: value }
          : { event_type, source, amount: value };
    return { effective_date: fromDay(friday - Number(days)), payload } as unknown as LedgerEvent;
  });
}

/**
 * A participant's figures as of the end of `asOf` from their index rows (in Friday order; rows
 * run from their first Friday to `end`, one per Friday whose week has plan events, and the
 * figures of a Friday without a row are those of the row before it):
 *  - the Friday F on or before the date (the last Friday built, `end`, for a later date) holds
 *    the figures up to F (no row yet: zero);
 *  - the week after F (up to F + 7) may hold ledger events: a date before the first of them keeps
 *    F's figures, a date on or after the last of them has the next Friday's, and a date between
 *    two of them folds the week's events up to it onto F's figures;
 *  - after `end`, the partial week (`tail`): a date before its first ledger event keeps `end`'s
 *    figures, a later one folds the partial week's events up to it onto them.
 * `path` says, as the store's lookup does, whether a snapshot row was on or before the date.
 */
export function stateAsOf(
  rows: IndexRow[],
  asOf: number,
  end: number,
  tail: WeekDates | null = null,
): { state: LedgerState; path: 'snapshot' | 'events'; friday: number } | null {
  const friday = Math.min(fridayOnOrBeforeDay(asOf), end);
  let i = -1;
  while (i + 1 < rows.length && rows[i + 1].day <= friday) i++;
  const path = i < 0 ? 'events' : 'snapshot';
  // The week after the Friday: the next row's week, or the partial week after the last Friday built.
  const next = friday === end ? (tail === null ? undefined : { day: end + 7, ...tail }) : rows[i + 1];
  if (next?.day === friday + 7 && next.lo !== null && next.hi !== null && asOf >= next.lo) {
    if (asOf >= next.hi && friday !== end) return { state: stateOfRow(rows[i + 1]), path, friday };
    // Between two ledger dates of the week, or in the partial week after the last Friday built:
    // fold its events up to the date.
    if (next.events === undefined) return null;
    const date = fromDay(asOf);
    const state = foldEvents(
      stateOfRow(rows[i] ?? null),
      next.events.filter((e) => e.effective_date <= date),
    );
    return { state, path, friday };
  }
  return { state: stateOfRow(rows[i] ?? null), path, friday };
}

/** The ledger state of a row's figures (no row: zero). */
function stateOfRow(row: IndexRow | null): LedgerState {
  return row === null ? new LedgerState() : stateOfFigures({ ...row, date: fromDay(row.day) });
}

/**
 * The index of a store, when it is there and the store file is exactly as when it was sealed
 * (same device, inode, size and modification time, no write-ahead log) and of this ledger
 * version; else null.
 */
export function readManifest(db: string): BalanceIndexManifest | null {
  const dir = balanceIndexDir(db);
  let m: BalanceIndexManifest;
  try {
    m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as BalanceIndexManifest;
  } catch {
    return null;
  }
  if (m.format !== BALANCE_INDEX_FORMAT || m.ledger_version !== LEDGER_VERSION) return null;
  const now = fileIdentity(db);
  if (now === null || now.dev !== m.db.dev || now.ino !== m.db.ino) return null;
  if (now.size !== m.db.size || now.mtime_ns !== m.db.mtime_ns) return null;
  const wal = fileIdentity(`${db}.wal`);
  if (wal !== null && wal.size !== '0') return null;
  return m;
}

/** The participant blocks of an employee: [plan_id, rows text] for each of their plans. */
function blocksOf(dir: string, employee: string, participants: number): Array<[string, string]> {
  const key = employeeHash(employee);
  const idx = openSync(join(dir, 'participants.bin'), 'r');
  const rec = Buffer.alloc(PARTICIPANT_RECORD);
  const at = (i: number) => {
    readSync(idx, rec, 0, PARTICIPANT_RECORD, i * PARTICIPANT_RECORD);
    return Buffer.compare(rec.subarray(0, 8), key);
  };
  const found: Array<{ offset: number; length: number }> = [];
  try {
    let lo = 0;
    let hi = participants;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (at(mid) < 0) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < participants && at(i) === 0; i++)
      found.push({ offset: Number(rec.readBigUInt64LE(8)), length: rec.readUInt32LE(16) });
  } finally {
    closeSync(idx);
  }
  if (found.length === 0) return [];
  const out: Array<[string, string]> = [];
  const data = openSync(join(dir, 'rows.txt'), 'r');
  try {
    for (const { offset, length } of found) {
      const buf = Buffer.alloc(length);
      readSync(data, buf, 0, length, offset);
      const text = buf.toString('latin1');
      const eol = text.indexOf('\n');
      const [e, p] = text.slice(1, eol).split(':');
      if (Buffer.from(e, 'hex').toString('utf8') !== employee) continue; // another employee's hash
      out.push([Buffer.from(p, 'hex').toString('utf8'), text.slice(eol + 1)]);
    }
  } finally {
    closeSync(data);
  }
  return out;
}

/**
 * `planledger balance`'s answer from the index, or null when the index cannot give the store's
 * answer: no fresh index, another scenario asked, an employee it does not hold (the store then
 * names the error), several plans and no `--plan`, a date that needs a week's events the index
 * does not hold.
 */
export function balanceFromIndex(db: string, q: IndexQuestion): BalanceResult | null {
  const m = readManifest(db);
  if (m === null || (q.scenario !== undefined && q.scenario !== m.scenario_id)) return null;
  const blocks = blocksOf(balanceIndexDir(db), q.employee_id, m.participants);
  const mine = q.plan === undefined ? blocks : blocks.filter(([plan]) => plan === q.plan);
  if (mine.length !== 1) return null;
  const [plan_id, text] = mine[0];
  const end = toDay(m.end_date);
  const { rows, tail } = decodeBlock(text, end);
  const found = stateAsOf(rows, toDay(q.as_of), end, tail);
  if (found === null) return null;
  const p = { scenario_id: m.scenario_id, employee_id: q.employee_id, plan_id };
  return resultOf(
    p,
    q.as_of,
    found.state,
    found.path,
    found.path === 'snapshot' ? fromDay(found.friday) : null,
  );
}

export function hasBalanceIndex(db: string): boolean {
  return existsSync(join(balanceIndexDir(db), 'manifest.json'));
}
