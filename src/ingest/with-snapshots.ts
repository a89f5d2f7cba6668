/**
 * Ingest, then leave the weekly balance snapshots current (docs/snapshots.md): what
 * `planledger ingest` runs. Snapshots of another ledger version are stale: reported through
 * `log`, never mixed or silently rebuilt.
 */
import type { Store } from '../store/open.js';
import { type IngestCounts, type IngestOptions, ingestFiles } from './ingest.js';

export interface IngestThenSnapshotsOptions extends IngestOptions {
  /** Bring the snapshots up to date after an ingest that accepted events (default true). */
  snapshots?: boolean;
  log?: (message: string) => void;
}

export async function ingestThenSnapshots(
  store: Store,
  files: readonly string[],
  opts: IngestThenSnapshotsOptions = {},
): Promise<IngestCounts> {
  const { snapshots, log = () => {}, ...ingestOpts } = opts;
  const counts = await ingestFiles(store, [...files], ingestOpts);
  if (snapshots !== false && counts.accepted > 0) await refreshSnapshots(store, log);
  return counts;
}

/** Bring every scenario's snapshots up to date; stale ones (another ledger version) are only reported. */
export async function refreshSnapshots(store: Store, log: (message: string) => void): Promise<void> {
  const { buildSnapshots } = await import('../snapshots/build.js');
  const { SnapshotsStale } = await import('../snapshots/state.js');
  const r = await buildSnapshots(store.connection, { log });
  for (const s of r.scenarios) {
    if (s.status === 'stale') log(new SnapshotsStale(s.scenario_id, s.stored_version ?? '?').message);
  }
}
