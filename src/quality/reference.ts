/**
 * The ledger's bucket of each contribution source (calculations.md, The ledger), as the rules
 * need it: re-exported from the ledger core, where the mapping lives.
 */
export { SOURCE_BUCKET as SOURCE_BUCKETS } from '../ledger/buckets.js';
