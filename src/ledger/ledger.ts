/**
 * The ledger: what a participant's balances mean, from their events alone
 * (calculations.md, The ledger). One implementation for the golden runner, history,
 * snapshots and reports.
 *
 * - "As of D" = at the end of D, after all of that day's events.
 * - Balance of a bucket = contributions with effective_date ≤ D − forfeitures from it ≤ D.
 * - Vested fraction = vested_percentage of the latest vesting event on or before D, else 0.
 * - Vested balance = employee buckets + Σ employer min(balance, round(gross contributions × v)).
 */
import type { SimulationEvent } from '../schema/contract.js';
import { type Decimal, dec, mulRoundCents } from '../schema/decimal.js';
import { BUCKET_INDEX, BUCKETS, type Bucket, SOURCE_BUCKET } from './buckets.js';

/** Version of these rules: bump when any figure's meaning changes (snapshots carry it). */
export const LEDGER_VERSION = 'ledger-2';

/** An employer bucket's vested amount: min(balance, round(gross × v)). */
export function vestedAmount(balance: Decimal, gross: Decimal, v: Decimal): Decimal {
  const r = mulRoundCents(gross, v);
  return balance < r ? balance : r;
}

export type BucketAmounts = Record<Bucket, Decimal>;

/** Figures of one participant as of a date. */
export interface LedgerPosition {
  balances: BucketAmounts;
  /** Gross contributions per bucket (before forfeitures). */
  contributions: BucketAmounts;
  vestedFraction: Decimal;
  vestedBalance: Decimal;
}

function amounts(values: readonly bigint[]): BucketAmounts {
  const o = {} as BucketAmounts;
  BUCKETS.forEach((b, i) => {
    o[b] = values[i];
  });
  return o;
}

/**
 * Incremental ledger of one participant. Fold events in history order (effective date, then
 * sequence) and read the position at any point: after folding every event with
 * effective_date ≤ D, the position is the one "as of D".
 */
export class LedgerState {
  readonly contributions: bigint[] = [0n, 0n, 0n, 0n, 0n, 0n];
  readonly forfeitures: bigint[] = [0n, 0n, 0n, 0n, 0n, 0n];
  vestedFraction: Decimal = 0n;
  /** Date of the vesting event that set vestedFraction (null: none yet). */
  vestedDate: string | null = null;
  /** Number of events folded. */
  events = 0;

  apply(ev: SimulationEvent): void {
    this.events++;
    const p = ev.payload;
    if (p.event_type === 'contribution') {
      this.contributions[BUCKET_INDEX[SOURCE_BUCKET[p.source]]] += dec(p.amount);
    } else if (p.event_type === 'forfeiture') {
      this.forfeitures[BUCKET_INDEX[p.forfeited_from_source]] += dec(p.amount);
    } else if (p.event_type === 'vesting') {
      // The latest vesting event on or before D; on the same day, the later one in order.
      if (this.vestedDate === null || ev.effective_date >= this.vestedDate) {
        this.vestedDate = ev.effective_date;
        this.vestedFraction = dec(p.vested_percentage);
      }
    }
  }

  balance(bucket: Bucket): Decimal {
    const i = BUCKET_INDEX[bucket];
    return this.contributions[i] - this.forfeitures[i];
  }

  vestedBalance(): Decimal {
    let total = 0n;
    for (let i = 0; i < 6; i++) {
      const bal = this.contributions[i] - this.forfeitures[i];
      total += i < 3 ? bal : vestedAmount(bal, this.contributions[i], this.vestedFraction);
    }
    return total;
  }

  position(): LedgerPosition {
    return {
      balances: amounts(this.contributions.map((c, i) => c - this.forfeitures[i])),
      contributions: amounts(this.contributions),
      vestedFraction: this.vestedFraction,
      vestedBalance: this.vestedBalance(),
    };
  }

  clone(): LedgerState {
    const c = new LedgerState();
    c.contributions.splice(0, 6, ...this.contributions);
    c.forfeitures.splice(0, 6, ...this.forfeitures);
    c.vestedFraction = this.vestedFraction;
    c.vestedDate = this.vestedDate;
    c.events = this.events;
    return c;
  }
}

/** Fold a participant's events with effective_date ≤ asOf (in the order given). */
export function ledgerAsOf(events: Iterable<SimulationEvent>, asOf: string): LedgerState {
  const s = new LedgerState();
  for (const ev of events) if (ev.effective_date <= asOf) s.apply(ev);
  return s;
}

export function balancesAsOf(events: Iterable<SimulationEvent>, asOf: string): BucketAmounts {
  return ledgerAsOf(events, asOf).position().balances;
}

export function grossContributionsAsOf(events: Iterable<SimulationEvent>, asOf: string): BucketAmounts {
  return ledgerAsOf(events, asOf).position().contributions;
}

export function vestedFractionAsOf(events: Iterable<SimulationEvent>, asOf: string): Decimal {
  return ledgerAsOf(events, asOf).vestedFraction;
}

export function vestedBalanceAsOf(events: Iterable<SimulationEvent>, asOf: string): Decimal {
  return ledgerAsOf(events, asOf).vestedBalance();
}
