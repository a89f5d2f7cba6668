/**
 * Ingest, then leave the weekly balance snapshots current (docs/snapshots.md): what
 * `planledger ingest` runs. Snapshots of another ledger version are stale: reported through
 * `log`, never mixed or silently rebuilt.
 */
import { userMemoryLimit } from '../store/memory-limit.js';
import type { Store } from '../store/open.js';
import { type IngestCounts, type IngestOptions, ingestFiles } from './ingest.js';

/**
 * DuckDB memory_limit of `planledger ingest` (docs/store.md, "Ingest at scale"): one segment's
 * parallel `read_csv` and insert run as fast at 512 MB as at the default 1GB (4,000,000 events:
 * 21.8 s against 20.5–21.6 s) with about 250 MB less RSS; at 384 MB they took 35–36 s.
 */
export const INGEST_MEMORY_LIMIT = '512MB';

/** The limit `ingest` opens the store at: `PLANLEDGER_MEMORY_LIMIT`, else INGEST_MEMORY_LIMIT. */
export function ingestMemoryLimit(): string {
  return userMemoryLimit() ?? INGEST_MEMORY_LIMIT;
}

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

/**
 * Bring every scenario's snapshots up to date; stale ones (another ledger version) are only
 * reported. The build follows the ingest in this process: at the follow-on limit, then the
 * standalone build's after an out-of-memory error (`buildAfterOtherWork`, as `simulate` builds).
 */
export async function refreshSnapshots(store: Store, log: (message: string) => void): Promise<void> {
  const { buildAfterOtherWork } = await import('../snapshots/build.js');
  const { SnapshotsStale } = await import('../snapshots/state.js');
  const r = await buildAfterOtherWork(store.connection, { log });
  for (const s of r.scenarios) {
    if (s.status === 'stale') log(new SnapshotsStale(s.scenario_id, s.stored_version ?? '?').message);
  }
}
