/**
 * The metrics of golden.md, each computed from a participant's events through the ledger
 * (src/ledger): the same functions history and snapshots use.
 */

import { BUCKETS, type Bucket, VESTING_BUCKETS } from '../../ledger/buckets.js';
import { type CensusBase, participantStateAsOf } from '../../ledger/participant.js';
import { CONTRIBUTION_SOURCES, EVENT_TYPES, type SimulationEvent } from '../../schema/contract.js';
import { type Decimal, dec, ONE } from '../../schema/decimal.js';
import { type NdtFigure, parseNdtMetric } from './ndt.js';

export type Metric =
  | { kind: 'contribution' | 'ytd'; source: string }
  | { kind: 'balance' | 'forfeiture'; bucket: Bucket }
  | { kind: 'event_count'; eventType: string }
  | { kind: 'ndt'; test: 'adp' | 'acp'; figure: NdtFigure }
  | {
      kind:
        | 'vested_percentage'
        | 'vested_balance'
        | 'hce'
        | 'eligible'
        | 'deferral_rate.pre_tax'
        | 'compensation';
    };

const SIMPLE = new Set([
  'vested_percentage',
  'vested_balance',
  'hce',
  'eligible',
  'deferral_rate.pre_tax',
  'compensation',
]);

/** Parse a metric name of golden.md; null when unknown. */
export function parseMetric(name: string): Metric | null {
  if (SIMPLE.has(name)) return { kind: name } as Metric;
  const dot = name.indexOf('.');
  if (dot < 0) return null;
  const head = name.slice(0, dot);
  const tail = name.slice(dot + 1);
  if (
    (head === 'contribution' || head === 'ytd') &&
    (CONTRIBUTION_SOURCES as readonly string[]).includes(tail)
  )
    return { kind: head, source: tail };
  if (head === 'balance' && (BUCKETS as readonly string[]).includes(tail))
    return { kind: 'balance', bucket: tail as Bucket };
  if (head === 'forfeiture' && (VESTING_BUCKETS as readonly string[]).includes(tail))
    return { kind: 'forfeiture', bucket: tail as Bucket };
  if (head === 'event_count' && (EVENT_TYPES as readonly string[]).includes(tail))
    return { kind: 'event_count', eventType: tail };
  return parseNdtMetric(head, tail);
}

const flag = (b: boolean): Decimal => (b ? ONE : 0n);

/**
 * The figure of one metric for one participant on one date; null when a lookup of one event's
 * figure finds no such event (reported as MISSING, never as zero).
 */
export function computeMetric(
  metric: Metric,
  events: readonly SimulationEvent[],
  date: string,
  census: CensusBase | null,
): Decimal | null {
  switch (metric.kind) {
    case 'contribution': {
      let total = 0n;
      for (const e of events)
        if (
          e.effective_date === date &&
          e.payload.event_type === 'contribution' &&
          e.payload.source === metric.source
        )
          total += dec(e.payload.amount);
      return total;
    }
    case 'ytd': {
      let found: Decimal | null = null;
      for (const e of events)
        if (
          e.effective_date === date &&
          e.payload.event_type === 'contribution' &&
          e.payload.source === metric.source
        )
          found = dec(e.payload.ytd_amount);
      return found;
    }
    case 'forfeiture': {
      let total = 0n;
      for (const e of events)
        if (
          e.effective_date === date &&
          e.payload.event_type === 'forfeiture' &&
          e.payload.forfeited_from_source === metric.bucket
        )
          total += dec(e.payload.amount);
      return total;
    }
    case 'hce': {
      let found: Decimal | null = null;
      for (const e of events)
        if (e.effective_date === date && e.payload.event_type === 'hce_status')
          found = flag(e.payload.is_hce);
      return found;
    }
    case 'event_count': {
      let n = 0n;
      for (const e of events) if (e.effective_date <= date && e.payload.event_type === metric.eventType) n++;
      return n * ONE;
    }
    case 'ndt':
      return null; // plan-level: ndt.ts
    default:
      break;
  }
  const state = participantStateAsOf(events, date, census);
  switch (metric.kind) {
    case 'balance':
      return state.ledger.balance(metric.bucket);
    case 'vested_percentage':
      return state.ledger.vestedFraction;
    case 'vested_balance':
      return state.ledger.vestedBalance();
    case 'eligible':
      return flag(state.eligibleSince !== null);
    case 'deferral_rate.pre_tax':
      return state.election === null ? null : state.election.preTax;
    case 'compensation':
      return state.compensation;
  }
}
