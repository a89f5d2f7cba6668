/**
 * The closing summary of a simulation, for people (a few aligned tables on stdout) and for
 * machines (`--json`). Money is shown in dollars with cents and thousands separators.
 */

import { planYearJson } from '../figures/index.js';
import { CONTRIBUTION_SOURCES } from '../schema/contract.js';
import type { Decimal } from '../schema/decimal.js';
import type { SimulateResult } from './simulate.js';
import { employerContributions, statsJson } from './stats.js';

/** `1234567.5` micro-units → `1,234,567.50` (cents, truncation-free: amounts are whole cents). */
export function dollars(v: Decimal): string {
  const neg = v < 0n;
  const cents = (neg ? -v : v) / 10_000n;
  const whole = (cents / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '-' : ''}${whole}.${(cents % 100n).toString().padStart(2, '0')}`;
}

/** Aligned columns: the first left-aligned, the rest right-aligned. */
export function table(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

export function summaryText(r: SimulateResult): string {
  const s = r.stats;
  const years = s.years;
  const out: string[] = [];
  const shard = r.shard ? `, shard ${r.shard.index}/${r.shard.count}` : '';
  out.push(
    `scenario ${r.scenarioId}: plan design ${r.planDesignId}, ${r.years[0]}–${r.years[1]}, seed ${r.seed}, ` +
      `created_at ${r.createdAt}; ${r.partitions} partitions on ${r.workers} worker(s)${shard}`,
  );
  out.push('');
  out.push(
    ...table(
      ['year', 'headcount', 'hires', 'terminations', 'eligible', 'participating', 'participation', 'HCEs'],
      (r.figures ?? years).map((y) => [
        String(y.year),
        String(y.headcount),
        String(y.hires),
        String(y.terminations),
        String(y.eligible),
        String(y.participating),
        Number(y.eligible) === 0
          ? '-'
          : `${((100 * Number(y.participating)) / Number(y.eligible)).toFixed(1)}%`,
        String(y.hce),
      ]),
    ),
  );
  out.push('');
  out.push('contributions by source and year ($):');
  const used = CONTRIBUTION_SOURCES.filter((c) => years.some((y) => y.contributions[c] !== 0n));
  const rows = used.map((c) => [c, ...years.map((y) => dollars(y.contributions[c]))]);
  rows.push(['employer contributions', ...years.map((y) => dollars(employerContributions(y)))]);
  rows.push(['forfeitures', ...years.map((y) => dollars(y.forfeitures))]);
  rows.push(['employer cost (net)', ...years.map((y) => dollars(employerContributions(y) - y.forfeitures))]);
  out.push(...table(['source', ...years.map((y) => String(y.year))], rows));
  out.push('');
  const kinds = Object.entries(s.byKind)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  out.push(`people: ${s.people}; events written: ${r.events} (${kinds})`);
  if (r.store) {
    const replaced = r.store.replaced ? ' (replaced the previous run of this scenario)' : '';
    const state =
      (r.status === 'staged' || r.status === 'partial') && r.shards
        ? `; scenario ${r.scenarioId} not complete yet (${r.status}): ${r.shards.in} of ${r.shards.of} shards in, waiting for ${r.shards.missing.join(', ')}`
        : `; snapshots ${r.snapshots}`;
    out.push(
      `store: ${r.db}: ${r.store.accepted} events in ${r.store.batches} batch(es), ${r.store.participants} participants${replaced}${state}`,
    );
  }
  if (r.out) out.push(`NDJSON: ${r.out}`);
  out.push(
    `time: ${r.seconds.toFixed(1)} s, ${Math.round(r.eventsPerSecond)} events/s; peak memory (maxRSS) ${Math.round(r.peakRssMb)} MB`,
  );
  return `${out.join('\n')}\n`;
}

export function summaryJson(r: SimulateResult) {
  return {
    scenario_id: r.scenarioId,
    plan_design_id: r.planDesignId,
    years: r.years,
    seed: r.seed,
    created_at: r.createdAt,
    workers: r.workers,
    shard: r.shard ? `${r.shard.index}/${r.shard.count}` : null,
    partitions: r.partitions,
    db: r.db,
    out: r.out,
    events: r.events,
    store: r.store,
    status: r.status,
    shards: r.shards,
    snapshots: r.snapshots,
    seconds: Number(r.seconds.toFixed(3)),
    events_per_second: Math.round(r.eventsPerSecond),
    peak_rss_mb: Math.round(r.peakRssMb),
    cpu_seconds: Number(r.cpuSeconds.toFixed(3)),
    cpu_us_per_event: r.events > 0 ? Number(((r.cpuSeconds * 1e6) / r.events).toFixed(2)) : null,
    /** Seconds per step: workers' steps summed over the workers, the main thread's own (src/simulate/phases.ts). */
    phases: Object.fromEntries(Object.entries(r.phases).map(([k, v]) => [k, Number(v.toFixed(3))])),
    summary: statsJson(r.stats),
    /** The same figures read back from the store by the report's function (src/figures). */
    figures: r.figures?.map(planYearJson) ?? null,
  };
}
