/**
 * Benchmarks (docs/benchmarks.md): the suite, its results file, the comparison of two runs
 * (a ratio against a baseline measured the same way), the targets and the history of runs.
 */
export { type CompareOptions, type Comparison, compareResults, DEFAULT_COMPARE } from './compare.js';
export { describeEnvironment } from './environment.js';
export { formatComparison, formatResults } from './format.js';
export { appendBenchHistory, DEFAULT_HISTORY_DIR, readBenchHistory } from './history.js';
export type { ResultsFile } from './results.js';
export { QUICK_BUDGET_SECONDS, type RunOptions, runSuite } from './runner.js';
export { checkTargets, TARGETS } from './targets.js';
