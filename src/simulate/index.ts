/**
 * The simulator (docs/simulate.md): a seeded synthetic workforce projected by the engine on
 * worker threads, to the store and/or NDJSON; byte-identical for any worker count.
 */
export { ConfigError, loadWorkforceConfig } from './config.js';
export { type SimulateOptions, type SimulateResult, simulate } from './simulate.js';
export { summaryJson, summaryText } from './summary-text.js';
