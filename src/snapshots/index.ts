/**
 * Weekly balance snapshots (docs/snapshots.md): built set-wise in DuckDB from the ledger core's
 * bucket mapping, queried for one participant or plan-wide, and verified against the ledger fold.
 */
export { type BuildOptions, type BuildResult, buildSnapshots, type ScenarioBuild } from './build.js';
export { snapshotDdl } from './ddl.js';
export { PLAN_WIDE_COLUMNS, type PlanWideQuery, planWideQuery } from './plan-wide.js';
export { type BalanceResult, balanceFromEvents, balanceFromSnapshots, type Participant } from './query.js';
export { AmbiguousQuery, resolvePlan, resolveScenario, UnknownParticipant } from './resolve.js';
export { type BuildState, readBuildState, SnapshotsStale, snapshotTablesExist } from './state.js';
export {
  type Mismatch,
  type VerifyOptions,
  type VerifyResult,
  VerifyUnavailable,
  verifySnapshots,
} from './verify.js';
