/** The ledger core: buckets, balances, vesting, and a participant's state as of a date. */
export * from './buckets.js';
export * from './ledger.js';
export * from './participant.js';
