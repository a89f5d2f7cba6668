/**
 * The embedded DuckDB store (docs/store.md): opening it (one writing process per file), the
 * scenarios and participants in it, reading events back, an employee's history, and the
 * Parquet lake export the reports and checks can read instead.
 */
export { type ExportOptions, ExportRefused, type ExportResult, exportToLake } from './export.js';
export {
  AmbiguousScenarioError,
  type HistoryOptions,
  type HistoryResult,
  history,
  UnknownEmployeeError,
} from './history.js';
export { openLake, openQueryStore, type QueryStore } from './lake.js';
export {
  DEFAULT_DB_PATH,
  DEFAULT_MEMORY_LIMIT,
  type OpenStoreOptions,
  openStore,
  openStoreReadOnly,
  type Store,
  StoreLockedError,
  StoreMissingError,
} from './open.js';
export { readEvents, readEventsCanonical, type StoredEvent } from './read.js';
export { deleteScenario, listScenarios, type ScenarioSummary } from './scenarios.js';
export { inTransaction } from './transaction.js';
