/**
 * The snapshot tables (docs/snapshots.md documents every column for users of any DuckDB client).
 *
 * `fct_participant_balance_snapshots`: one row per participant (scenario, employee, plan) per
 * Friday, from the Friday on or after their first plan event to the last Friday of the data. The
 * figures are the ledger's as of the end of that Friday (calculations.md, The ledger).
 *
 * `snapshot_builds`: one row per scenario: which events the snapshots cover (every event with
 * `seq` ≤ `max_seq`), up to which Friday, and with which ledger version; `keyed`: every row has
 * its lookup columns (SNAPSHOT_LOOKUP_COLUMNS), i.e. the scenario was fully built with them.
 */
import { BUCKETS, EMPLOYER_BUCKETS } from './ledger.js';
import { BUILD_STATE_TABLE, grossColumn, SNAPSHOT_TABLE } from './sql.js';

/**
 * The columns a participant's lookup relies on (docs/snapshots.md, "One participant"), last in
 * the table and nullable, so that a store built before them gains them by ALTER TABLE (their
 * rows answer through the slower lookup by date until a `--rebuild`):
 *  - `snapshot_key`: the row's lookup key (sql.ts, snapshotKeyExpression);
 *  - `next_ledger_date`: the date of the participant's first ledger event (contribution,
 *    forfeiture or vesting) in the week after the Friday (after it, up to the next Friday); NULL
 *    when that week has none. A date before it needs no event after the snapshot.
 */
export const SNAPSHOT_LOOKUP_COLUMNS = [
  { name: 'snapshot_key', type: 'BIGINT' },
  { name: 'next_ledger_date', type: 'DATE' },
] as const;

export function snapshotDdl(): string[] {
  const money = (c: string) => `    ${c} DECIMAL(18,6) NOT NULL`;
  return [
    `CREATE TABLE IF NOT EXISTS ${SNAPSHOT_TABLE} (
    snapshot_id UUID NOT NULL,
    employee_id VARCHAR NOT NULL,
    plan_id VARCHAR NOT NULL,
    scenario_id VARCHAR NOT NULL,
    snapshot_date DATE NOT NULL,
${BUCKETS.map(money).join(',\n')},
    vested_percentage DECIMAL(5,4) NOT NULL,
    vested_balance DECIMAL(18,6) NOT NULL,
    outstanding_loan_balance DECIMAL(18,6) NOT NULL,
    event_count_since_last_snapshot INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
${EMPLOYER_BUCKETS.map((b) => money(grossColumn(b))).join(',\n')},
    ledger_version VARCHAR NOT NULL,
${SNAPSHOT_LOOKUP_COLUMNS.map((c) => `    ${c.name} ${c.type}`).join(',\n')}
  )`,
    `CREATE TABLE IF NOT EXISTS ${BUILD_STATE_TABLE} (
    scenario_id VARCHAR PRIMARY KEY,
    ledger_version VARCHAR NOT NULL,
    max_seq BIGINT NOT NULL,
    end_date DATE,
    row_count BIGINT NOT NULL,
    built_at TIMESTAMP NOT NULL,
    keyed BOOLEAN
  )`,
  ];
}
