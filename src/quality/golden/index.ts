/**
 * Golden cases (golden.md): hand-checked inputs and expected rows, projected by the engine and
 * compared to the cent; results recorded in the store for the report and for drift.
 */
export {
  type GoldenCase,
  GoldenCaseError,
  type GoldenInput,
  loadGoldenCase,
} from './case.js';
export { recordGoldenRun } from './record.js';
export {
  checkCase,
  formatGoldenReport,
  GOLDEN_SCENARIO_ID,
  type GoldenCaseReport,
  type GoldenCaseRun,
  type GoldenDiscrepancy,
  type GoldenReport,
  projectCase,
  runGolden,
  runGoldenCase,
} from './run.js';
export { contractValidator, type EventValidator, loadEventValidator } from './validate.js';
