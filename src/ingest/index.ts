/**
 * Ingest (docs/store.md, "Ingest path"): NDJSON files and in-process event streams into the
 * store through the single EventWriter; every line accepted, rejected with its reasons, or a
 * duplicate, and the counts add up.
 */
export {
  DEFAULT_SEGMENT_BYTES,
  type IngestCounts,
  type IngestOptions,
  type IngestProgress,
  ingestEvents,
  ingestFiles,
  type StreamIngestOptions,
} from './ingest.js';
export { type NativeRecogniser, nativeRecogniser } from './native.js';
export {
  INGEST_MEMORY_LIMIT,
  type IngestThenSnapshotsOptions,
  ingestMemoryLimit,
  ingestThenSnapshots,
  refreshSnapshots,
} from './with-snapshots.js';
