/**
 * The `golden_runs` table: one row per case per run of `planledger golden --db PATH`, so that
 * reports and drift checks can show golden results over time. `discrepancies` holds the
 * case's discrepancy list exactly as in `--json` output (plus `error` for a malformed case).
 */
export const GOLDEN_DDL = [
  `CREATE TABLE IF NOT EXISTS golden_runs (
    run_id VARCHAR NOT NULL,
    run_at TIMESTAMP NOT NULL,
    case_name VARCHAR NOT NULL,
    rows_checked INTEGER NOT NULL,
    rows_matched INTEGER NOT NULL,
    max_variance DECIMAL(18,6) NOT NULL,
    all_matched BOOLEAN NOT NULL,
    discrepancies JSON NOT NULL
  )`,
];
