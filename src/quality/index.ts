/**
 * Verification beyond the contract (docs/quality.md): data-quality rules run inside DuckDB, golden
 * cases (./golden) and drift (./drift), and the alerts they raise.
 */

export { loadAlertConfig } from './alert-config.js';
export { type AlertConfig, sendAlerts } from './alerts.js';
export * as drift from './drift/index.js';
export * as golden from './golden/index.js';
export { dqAlert, formatDqReport } from './report.js';
export { loadRules, type Rule } from './rules.js';
export { type DqOptions, type DqReport, type RuleResult, recordDqRun, runDataQuality } from './run.js';
