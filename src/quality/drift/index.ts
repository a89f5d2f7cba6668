/**
 * Drift (docs/quality.md): a scenario's profile (metrics and distributions) compared with a
 * baseline profile under thresholds, and golden results compared run to run.
 */
export { compareProfiles, type DriftReport } from './compare.js';
export { compareGolden, type GoldenDriftReport, parseGoldenResult } from './golden.js';
export {
  type Profile,
  type ProfileOptions,
  parseProfile,
  recordProfile,
  resolveScenario,
} from './profile.js';
export { driftAlert, formatDriftReport, formatGoldenDrift, recordDriftRun } from './report.js';
export { chiSquare, ksTest, psi, wasserstein } from './stats.js';
export { DEFAULT_THRESHOLDS, loadThresholds, parseThresholds, type Thresholds } from './thresholds.js';
