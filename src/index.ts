/**
 * planledger as a library (`import { engine, contract, … } from 'planledger'`): one namespace per
 * concept folder, each that folder's index.ts. The CLI is `planledger/cli` (src/cli/main.ts);
 * nothing here imports it.
 */

export * as engine from './engine/index.js';
export { InputError } from './errors/index.js';
export * as ingest from './ingest/index.js';
export * as ledger from './ledger/index.js';
export * as perf from './perf/index.js';
export * as quality from './quality/index.js';
export * as report from './report/index.js';
export * as contract from './schema/index.js';
export * as simulate from './simulate/index.js';
export * as snapshots from './snapshots/index.js';
export * as store from './store/index.js';
export { VERSION } from './version.js';
