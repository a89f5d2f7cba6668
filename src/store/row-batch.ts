/**
 * Events as rows of fct_yearly_events, in a compact columnar form that a worker thread can
 * build and transfer without copying, and that the writer copies into DuckDB data chunks
 * with a few bulk copies (docs/store.md, "Ingest path").
 *
 * Column values follow DuckDB's in-memory layouts: UUID as a 128-bit integer with the top
 * bit flipped, DATE as int32 days, TIMESTAMP as int64 microseconds, DECIMAL(18,6) as int64
 * and DECIMAL(5,4) as int32 of scaled units, VARCHAR as 16-byte `string_t` entries (strings
 * of at most 12 bytes inline; longer ones are assigned through the C API).
 */
import { COMPACT_TYPED_COLUMNS, isCompactContribution, isDefaultPayrollId } from './compact-payload.js';
import type { CanonicalEvent } from './contract-adapter.js';
import { FACT_COLUMNS, type FactType } from './fact-columns.js';

/** The string columns of fct_yearly_events, in table order. */
export const STRING_COLUMNS = [
  'scenario_id',
  'plan_design_id',
  'employee_id',
  'source_system',
  'correlation_id',
  'event_type',
  'plan_id',
  'source',
  'payload_text',
  'payload_payroll_id',
] as const;
export type StringColumn = (typeof STRING_COLUMNS)[number];
const S = Object.fromEntries(STRING_COLUMNS.map((c, i) => [c, i])) as Record<StringColumn, number>;

/** A transferable batch of rows (everything but `seq`, which the writer assigns). */
export interface RowBatch {
  count: number;
  eventId: Uint8Array; // 16 bytes a row
  effectiveDate: Int32Array;
  simulationYear: Int32Array;
  createdAt: BigInt64Array;
  amount: BigInt64Array;
  amountValid: Uint8Array;
  ytdAmount: BigInt64Array;
  ytdValid: Uint8Array;
  vested: Int32Array;
  vestedValid: Uint8Array;
  /**
   * Per fixed-width typed column (ROW_FACT_COLUMNS, in its order): BOOLEAN one byte, DATE int32
   * days, DECIMAL(18,6) int64 micro-units a row; and 1 = valid (not NULL).
   */
  facts: FactValues[];
  factValid: Uint8Array[];
  /** Per string column: 16 bytes a row (string_t images; inline strings complete). */
  strImages: Uint8Array[];
  /** Per string column: 1 = valid (not NULL). */
  strValid: Uint8Array[];
  /** Long strings: triples (column, row, end offset into `blob`) with start = previous end. */
  longs: Int32Array;
  longCount: number;
  blob: Uint8Array;
}

type FactValues = Uint8Array | Int32Array | BigInt64Array;

/**
 * The fixed-width typed columns of a batch, in table order: the fact columns, then the compact
 * payload's (compact-payload.ts; filled on a contribution stored compact). `facts` follows this list.
 */
export const ROW_FACT_COLUMNS: readonly { name: string; type: FactType; keys: Record<string, string> }[] = [
  ...FACT_COLUMNS.map((c) => ({ name: c.name, type: c.type, keys: c.keys as Record<string, string> })),
  ...COMPACT_TYPED_COLUMNS.map((c) => ({ name: c.name, type: c.type, keys: { contribution: c.key } })),
];

/** Bytes a row of a fact column's values. */
export function factWidth(t: FactType): 1 | 4 | 8 {
  return t === 'BOOLEAN' ? 1 : t === 'DATE' ? 4 : 8;
}

function factArray(t: FactType, cap: number): FactValues {
  return t === 'BOOLEAN' ? new Uint8Array(cap) : t === 'DATE' ? new Int32Array(cap) : new BigInt64Array(cap);
}

/** The compact payload's fixed-width columns (index into ROW_FACT_COLUMNS) and their payload keys. */
const COMPACT_FIXED = ROW_FACT_COLUMNS.flatMap((c, i) =>
  i < FACT_COLUMNS.length ? [] : [{ i, key: c.keys.contribution, type: c.type }],
);

/** Per event kind: the fact columns it fills (index into ROW_FACT_COLUMNS) and their payload keys. */
const FACTS_OF_KIND = new Map<string, { i: number; key: string; type: FactType }[]>();
FACT_COLUMNS.forEach((c, i) => {
  for (const [kind, key] of Object.entries(c.keys)) {
    const list = FACTS_OF_KIND.get(kind) ?? [];
    list.push({ i, key: key as string, type: c.type });
    FACTS_OF_KIND.set(kind, list);
  }
});

export function transferList(b: RowBatch): ArrayBuffer[] {
  const list = [
    b.eventId,
    b.effectiveDate,
    b.simulationYear,
    b.createdAt,
    b.amount,
    b.amountValid,
    b.ytdAmount,
    b.ytdValid,
    b.vested,
    b.vestedValid,
    ...b.facts,
    ...b.factValid,
    ...b.strImages,
    ...b.strValid,
    b.longs,
    b.blob,
  ];
  return [...new Set(list.map((a) => a.buffer as ArrayBuffer))];
}

const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX[97 + i] = 10 + i;
  HEX[65 + i] = 10 + i;
}

/** Days since 1970-01-01 of a valid `YYYY-MM-DD` (days_from_civil). */
export function daysOf(s: string): number {
  const y0 = digits(s, 0, 4);
  const m = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) v = v * 10 + (s.charCodeAt(i) - 48);
  return v;
}

/** Microseconds since the epoch of a canonical timestamp (`YYYY-MM-DDTHH:MM:SS[.f]Z`). */
export function microsOf(ts: string): bigint {
  const secs = daysOf(ts) * 86400 + digits(ts, 11, 2) * 3600 + digits(ts, 14, 2) * 60 + digits(ts, 17, 2);
  let frac = 0;
  if (ts.charCodeAt(19) === 46) {
    const f = ts.slice(20, ts.length - 1);
    frac = Number(f.padEnd(6, '0'));
  }
  return BigInt(secs) * 1_000_000n + BigInt(frac);
}

const POW10 = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];

/** Scaled integer of a canonical non-negative decimal text with `scale` places (scale ≤ 8). */
export function scaledOf(text: string, scale: number): bigint {
  // Up to 15 significant digits the value is exact as a double: digits are summed as a number
  // and converted once (BigInt of a digit string costs several times more).
  if (text.length <= 15) {
    let v = 0;
    let places = -1;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 46) places = 0;
      else {
        v = v * 10 + (c - 48);
        if (places >= 0) places++;
      }
    }
    const scaled = v * POW10[scale - Math.max(places, 0)];
    if (Number.isSafeInteger(scaled)) return BigInt(scaled);
  }
  const dot = text.indexOf('.');
  if (dot < 0) return BigInt(text) * 10n ** BigInt(scale);
  return BigInt(text.slice(0, dot) + text.slice(dot + 1).padEnd(scale, '0'));
}

const encoder = new TextEncoder();

export class RowBatchBuilder {
  private cap: number;
  private b: RowBatch;
  private blobLen = 0;
  private lastCreated = '';
  private lastCreatedMicros = 0n;

  /**
   * @param storeScenarioId the scenario_id column's value for every row, when it differs from
   * the events' (a simulation writes under its pending id: src/store/scenario-runs.ts).
   * @param compact store contributions in the compact form (compact-payload.ts): the simulation's
   * writer does; ingest stores every payload's text on all its paths, so they store the same rows.
   */
  constructor(
    capacity = 4096,
    private readonly storeScenarioId?: string,
    reuse?: RowBatch,
    private readonly compact = false,
  ) {
    if (reuse !== undefined && reuse.effectiveDate.length >= capacity) {
      this.cap = reuse.effectiveDate.length;
      this.b = RowBatchBuilder.cleared(reuse);
      return;
    }
    this.cap = capacity;
    this.b = RowBatchBuilder.alloc(capacity, capacity * 256);
  }

  /**
   * A finished batch's buffers made ready to be filled again (recycled by the simulation's
   * workers: fresh multi-megabyte buffers for every batch cost page faults and zeroing, about
   * a fifth of a worker's time). Validity flags and string images are zeroed, as `alloc` gives
   * them; the other columns are overwritten row by row.
   */
  private static cleared(b: RowBatch): RowBatch {
    b.count = 0;
    b.longCount = 0;
    b.amount.fill(0n);
    b.ytdAmount.fill(0n);
    b.vested.fill(0);
    for (const a of b.facts) {
      if (a instanceof BigInt64Array) a.fill(0n);
      else a.fill(0);
    }
    for (const a of [b.amountValid, b.ytdValid, b.vestedValid, ...b.factValid]) a.fill(0);
    for (const a of b.strImages) a.fill(0);
    for (const a of b.strValid) a.fill(0);
    return b;
  }

  get count(): number {
    return this.b.count;
  }

  private static alloc(cap: number, blobBytes: number): RowBatch {
    return {
      count: 0,
      eventId: new Uint8Array(cap * 16),
      effectiveDate: new Int32Array(cap),
      simulationYear: new Int32Array(cap),
      createdAt: new BigInt64Array(cap),
      amount: new BigInt64Array(cap),
      amountValid: new Uint8Array(cap),
      ytdAmount: new BigInt64Array(cap),
      ytdValid: new Uint8Array(cap),
      vested: new Int32Array(cap),
      vestedValid: new Uint8Array(cap),
      facts: ROW_FACT_COLUMNS.map((c) => factArray(c.type, cap)),
      factValid: ROW_FACT_COLUMNS.map(() => new Uint8Array(cap)),
      strImages: STRING_COLUMNS.map(() => new Uint8Array(cap * 16)),
      strValid: STRING_COLUMNS.map(() => new Uint8Array(cap)),
      longs: new Int32Array(cap * 3 * 3),
      longCount: 0,
      blob: new Uint8Array(blobBytes),
    };
  }

  private grow(): void {
    const old = this.b;
    const cap = this.cap * 2;
    const n = RowBatchBuilder.alloc(cap, 0);
    n.count = old.count;
    n.eventId.set(old.eventId);
    n.effectiveDate.set(old.effectiveDate);
    n.simulationYear.set(old.simulationYear);
    n.createdAt.set(old.createdAt);
    n.amount.set(old.amount);
    n.amountValid.set(old.amountValid);
    n.ytdAmount.set(old.ytdAmount);
    n.ytdValid.set(old.ytdValid);
    n.vested.set(old.vested);
    n.vestedValid.set(old.vestedValid);
    ROW_FACT_COLUMNS.forEach((_, i) => {
      (n.facts[i] as Uint8Array).set(old.facts[i] as Uint8Array);
      n.factValid[i].set(old.factValid[i]);
    });
    STRING_COLUMNS.forEach((_, i) => {
      n.strImages[i].set(old.strImages[i]);
      n.strValid[i].set(old.strValid[i]);
    });
    n.longs.set(old.longs);
    n.longCount = old.longCount;
    n.blob = old.blob;
    this.b = n;
    this.cap = cap;
  }

  private ensureBlob(extra: number): void {
    if (this.blobLen + extra <= this.b.blob.length) return;
    const next = new Uint8Array(Math.max(this.b.blob.length * 2, this.blobLen + extra));
    next.set(this.b.blob.subarray(0, this.blobLen));
    this.b.blob = next;
  }

  private putString(col: number, row: number, s: string | null): void {
    const b = this.b;
    if (s === null) return; // valid stays 0, image stays zero
    b.strValid[col][row] = 1;
    const n = s.length;
    if (n <= 12) {
      const img = b.strImages[col];
      const base = row * 16;
      let ascii = true;
      for (let i = 0; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c > 0x7f) {
          ascii = false;
          break;
        }
        img[base + 4 + i] = c;
      }
      if (ascii) {
        img[base] = n; // little-endian length (n ≤ 12)
        return;
      }
      const bytes = encoder.encode(s);
      if (bytes.length <= 12) {
        img.fill(0, base + 4, base + 16);
        img[base] = bytes.length;
        img.set(bytes, base + 4);
        return;
      }
    }
    // Longer than 12 bytes: UTF-8 into the blob, assigned through the C API by the writer.
    this.ensureBlob(n * 3);
    const { written } = encoder.encodeInto(s, this.b.blob.subarray(this.blobLen));
    this.blobLen += written;
    if ((b.longCount + 1) * 3 > b.longs.length) {
      const l = new Int32Array(b.longs.length * 2);
      l.set(b.longs);
      b.longs = l;
    }
    const k = b.longCount * 3;
    b.longs[k] = col;
    b.longs[k + 1] = row;
    b.longs[k + 2] = this.blobLen;
    b.longCount++;
  }

  /**
   * Add one canonical event. `payloadText` is the canonical JSON of its payload when the caller
   * has it (else JSON.stringify of the canonical payload, which is in contract key order); a
   * contribution stored compact (the constructor's `compact`) has none.
   */
  add(e: CanonicalEvent, payloadText?: string): void {
    if (this.b.count === this.cap) this.grow();
    const b = this.b;
    const row = b.count;
    const id = e.event_id;
    const o = row * 16;
    // UUID → hugeint: upper 64 bits (first 16 hex digits, top bit flipped) and lower 64 bits,
    // each stored little-endian: lower at bytes 0–7, upper at 8–15.
    let h = 0;
    for (let i = 0, nib = 0; i < 36; i++) {
      const c = id.charCodeAt(i);
      if (c === 45) continue;
      const v = HEX[c];
      const byteIndex = nib >> 1; // 0..15, big-endian order
      if ((nib & 1) === 0) h = v << 4;
      else {
        const value = h | v;
        // Big-endian byte k of the 128-bit value sits at offset 15 - k in both halves.
        b.eventId[o + 15 - byteIndex] = byteIndex === 0 ? value ^ 0x80 : value;
      }
      nib++;
    }
    const days = daysOf(e.effective_date);
    b.effectiveDate[row] = days;
    b.simulationYear[row] = digits(e.effective_date, 0, 4);
    if (e.created_at !== this.lastCreated) {
      this.lastCreated = e.created_at;
      this.lastCreatedMicros = microsOf(e.created_at);
    }
    b.createdAt[row] = this.lastCreatedMicros;
    const p = e.payload as Record<string, unknown>;
    const type = p.event_type as string;
    let source: string | null = null;
    if (type === 'contribution') {
      source = p.source as string;
      b.amount[row] = scaledOf(p.amount as string, 6);
      b.amountValid[row] = 1;
      b.ytdAmount[row] = scaledOf(p.ytd_amount as string, 6);
      b.ytdValid[row] = 1;
    } else if (type === 'forfeiture') {
      source = p.forfeited_from_source as string;
      b.amount[row] = scaledOf(p.amount as string, 6);
      b.amountValid[row] = 1;
      b.vested[row] = Number(scaledOf(p.vested_percentage as string, 4));
      b.vestedValid[row] = 1;
    } else if (type === 'vesting') {
      b.vested[row] = Number(scaledOf(p.vested_percentage as string, 4));
      b.vestedValid[row] = 1;
    }
    const facts = FACTS_OF_KIND.get(type);
    if (facts !== undefined) this.putFacts(row, p, facts);
    this.putString(S.scenario_id, row, this.storeScenarioId ?? e.scenario_id);
    this.putString(S.plan_design_id, row, e.plan_design_id);
    this.putString(S.employee_id, row, e.employee_id);
    this.putString(S.source_system, row, e.source_system);
    this.putString(S.correlation_id, row, e.correlation_id ?? null);
    this.putString(S.event_type, row, type);
    this.putString(S.plan_id, row, (p.plan_id as string | null | undefined) ?? null);
    this.putString(S.source, row, source);
    if (this.compact && type === 'contribution' && isCompactContribution(p)) {
      this.putFacts(row, p, COMPACT_FIXED);
      if (!isDefaultPayrollId(p)) this.putString(S.payload_payroll_id, row, p.payroll_id as string);
    } else this.putString(S.payload_text, row, payloadText ?? JSON.stringify(e.payload));
    b.count++;
  }

  /** The fact columns of a row of a kind that has some (fact-columns.ts); a null value stays NULL. */
  private putFacts(
    row: number,
    p: Record<string, unknown>,
    facts: { i: number; key: string; type: FactType }[],
  ) {
    const b = this.b;
    for (const f of facts) {
      const v = p[f.key];
      if (v === null || v === undefined) continue;
      if (f.type === 'BOOLEAN') (b.facts[f.i] as Uint8Array)[row] = v === true ? 1 : 0;
      else if (f.type === 'DATE') (b.facts[f.i] as Int32Array)[row] = daysOf(v as string);
      else (b.facts[f.i] as BigInt64Array)[row] = scaledOf(v as string, 6);
      b.factValid[f.i][row] = 1;
    }
  }

  /** The finished batch; the builder must not be used afterwards. */
  finish(): RowBatch {
    return this.b;
  }
}
