/**
 * The snapshots' view of the ledger core (buckets.ts, ledger.ts): every figure is the ledger's.
 * A snapshot row is a LedgerState frozen at the end of a Friday; a query resumes the ledger's
 * fold from that state with the events after it (calculations.md, The ledger).
 */

import {
  BUCKET_INDEX,
  BUCKETS,
  type Bucket,
  EMPLOYEE_BUCKETS,
  SOURCE_BUCKET,
  VESTING_BUCKETS,
} from '../ledger/buckets.js';
import { LEDGER_VERSION, LedgerState } from '../ledger/ledger.js';
import type { SimulationEvent } from '../schema/contract.js';
import { type Decimal, formatDecimal } from '../schema/decimal.js';

export { BUCKETS, type Bucket, EMPLOYEE_BUCKETS, LEDGER_VERSION, LedgerState };

/** The buckets subject to vesting and forfeiture, in column order. */
export const EMPLOYER_BUCKETS = VESTING_BUCKETS;

/** The contribution sources of each bucket, in column order (from the one mapping, SOURCE_BUCKET). */
export function sourcesByBucket(): Array<{ bucket: Bucket; sources: string[] }> {
  const all = Object.keys(SOURCE_BUCKET) as Array<keyof typeof SOURCE_BUCKET>;
  return BUCKETS.map((bucket) => ({ bucket, sources: all.filter((s) => SOURCE_BUCKET[s] === bucket) }));
}

/** What the ledger reads of a stored event: its date and its canonical payload. */
export type LedgerEvent = Pick<SimulationEvent, 'effective_date' | 'payload'>;

/** Fold events (in history order) into a state. */
export function foldEvents(state: LedgerState, events: Iterable<LedgerEvent>): LedgerState {
  // The ledger reads only effective_date and payload of an event.
  for (const e of events) state.apply(e as SimulationEvent);
  return state;
}

/** Snapshot figures: the six balances, gross contributions per employer bucket, the vested fraction. */
export interface SnapshotFigures {
  balances: Record<Bucket, Decimal>;
  gross: Record<(typeof EMPLOYER_BUCKETS)[number], Decimal>;
  vestedFraction: Decimal;
  /** The snapshot's date: the vested fraction held on it (no later event has been folded). */
  date: string;
}

/** The ledger state a snapshot row stands for. */
export function stateOfFigures(f: SnapshotFigures): LedgerState {
  const s = new LedgerState();
  for (const b of BUCKETS) {
    const i = BUCKET_INDEX[b];
    s.contributions[i] = f.balances[b];
  }
  for (const b of EMPLOYER_BUCKETS) {
    const i = BUCKET_INDEX[b];
    s.contributions[i] = f.gross[b];
    s.forfeitures[i] = f.gross[b] - f.balances[b];
  }
  s.vestedFraction = f.vestedFraction;
  s.vestedDate = f.date;
  return s;
}

/** Who a balance question is about. */
export interface Participant {
  scenario_id: string;
  employee_id: string;
  plan_id: string;
}

export interface BalanceResult {
  employee_id: string;
  plan_id: string;
  scenario_id: string;
  as_of: string;
  balances: Record<Bucket, string>;
  vested_percentage: string;
  vested_balance: string;
  path: 'snapshot' | 'events';
  snapshot_date: string | null;
}

/** The answer to a balance question, from the ledger state as of the date, by either path. */
export function resultOf(
  p: Participant,
  asOf: string,
  state: LedgerState,
  path: 'snapshot' | 'events',
  snapshotDate: string | null,
): BalanceResult {
  const balances = {} as Record<Bucket, string>;
  for (const b of BUCKETS) balances[b] = formatDecimal(state.balance(b));
  return {
    employee_id: p.employee_id,
    plan_id: p.plan_id,
    scenario_id: p.scenario_id,
    as_of: asOf,
    balances,
    vested_percentage: formatDecimal(state.vestedFraction),
    vested_balance: formatDecimal(state.vestedBalance()),
    path,
    snapshot_date: snapshotDate,
  };
}
