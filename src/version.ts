/** The package version, the engine's rules version and the ledger's rules version. */
export const VERSION = '0.1.0';
