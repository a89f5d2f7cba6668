/**
 * The statements of ingest's read_csv and read_json paths (docs/store.md, "Ingest path"): one
 * `INSERT … SELECT` per segment from DuckDB's own reader.
 */
import { quotedString } from '@duckdb/node-api';
import { INSERT_EVENTS } from '../store/ddl.js';
import { factsSql } from '../store/fact-columns.js';

/** Scenario ids among the rows stored from `$base` on. */
export const SCENARIOS_SQL = 'SELECT DISTINCT scenario_id FROM fct_yearly_events WHERE seq >= $base';

// ---- the read_json path (file-json.ts) ----

/** The envelope as DuckDB's typed JSON reader reads it: values typed, the payload as its JSON text. */
const READ_JSON_COLUMNS =
  "{event_id: 'UUID', employee_id: 'VARCHAR', effective_date: 'DATE', created_at: 'TIMESTAMP', " +
  "scenario_id: 'VARCHAR', plan_design_id: 'VARCHAR', source_system: 'VARCHAR', payload: 'JSON', correlation_id: 'VARCHAR'}";

/** The payload fields fct_yearly_events keeps as columns (ddl.ts), typed. */
const PAYLOAD_COLUMNS = quotedString(
  JSON.stringify({
    event_type: 'VARCHAR',
    plan_id: 'VARCHAR',
    source: 'VARCHAR',
    forfeited_from_source: 'VARCHAR',
    amount: 'DECIMAL(18,6)',
    ytd_amount: 'DECIMAL(18,6)',
    vested_percentage: 'DECIMAL(5,4)',
  }),
);

/**
 * Stores every line of a file whose lines were all recognised as canonical text of valid
 * events (recognise-chunk.ts), numbered $base, $base + 1, … in file order (WITH ORDINALITY).
 * Columns as FAST_INSERT_SQL writes them. `auto_detect = false`: values are cast by DuckDB's
 * standard casts, which read canonical text exactly. The payload column is the reader's JSON
 * text of the payload: for a recognised line (ASCII, no escapes, integers only) that is the
 * line's own payload text, which the caller confirms by its length (PAYLOAD_CHARS_SQL). The
 * fact columns are read from the payload's text (src/store/fact-columns.ts).
 */
export function jsonInsertSql(file: string): string {
  return `
${INSERT_EVENTS}
SELECT $base + ordinality - 1, event_id, scenario_id, plan_design_id, employee_id, effective_date, year(effective_date),
       created_at, source_system, correlation_id, p.event_type, p.plan_id,
       CASE p.event_type WHEN 'contribution' THEN p.source WHEN 'forfeiture' THEN p.forfeited_from_source END,
       CASE WHEN p.event_type IN ('contribution', 'forfeiture') THEN p.amount END,
       CASE WHEN p.event_type = 'contribution' THEN p.ytd_amount END,
       CASE WHEN p.event_type IN ('forfeiture', 'vesting') THEN p.vested_percentage END,
       payload, ${factsSql('p.event_type')}
  FROM (SELECT *, json_transform(payload, ${PAYLOAD_COLUMNS}) AS p
          FROM read_json(${quotedString(file)}, format = 'newline_delimited', auto_detect = false,
                         columns = ${READ_JSON_COLUMNS}) WITH ORDINALITY)`;
}

/** Bytes of the payload texts stored from `$base` on. */
export const PAYLOAD_CHARS_SQL =
  'SELECT coalesce(sum(strlen(payload)), 0) FROM fct_yearly_events WHERE seq >= $base';

// ---- the read_csv path (file-json.ts with the native splitter) ----

/**
 * The columns of the splitter's rows (native/tsv_split.c), in its order: the line's number in
 * the segment, the seven envelope strings in canonical key order, correlation_id, event_type,
 * plan_id, the payload columns (payload-columns.ts) and the payload's text, typed as
 * fct_yearly_events stores them.
 */
const CSV_COLUMNS =
  "{n: 'BIGINT', event_id: 'UUID', employee_id: 'VARCHAR', effective_date: 'DATE', created_at: 'TIMESTAMP', " +
  "scenario_id: 'VARCHAR', plan_design_id: 'VARCHAR', source_system: 'VARCHAR', correlation_id: 'VARCHAR', " +
  "event_type: 'VARCHAR', plan_id: 'VARCHAR', source: 'VARCHAR', amount: 'DECIMAL(18,6)', " +
  "ytd_amount: 'DECIMAL(18,6)', vested_percentage: 'DECIMAL(5,4)', payload: 'VARCHAR'}";

/**
 * Stores the split rows of a segment whose lines the recogniser confirms (file-json.ts),
 * seq = $base + the line's number in the segment. DuckDB's CSV reader loads in parallel and,
 * with insertion order preserved, stores the rows in file order. The rows are tab-separated
 * with quoting, escaping and auto-detection off, and `\N` for NULL: a canonical value is
 * printable ASCII without `"` or `\`, so it never holds a tab, a newline or `\N`, and every
 * value is read as exactly its text, cast by DuckDB's standard casts (as on the read_json path).
 * The fact columns are read from the payload's text (src/store/fact-columns.ts), on the few rows
 * of the kinds that have them.
 */
export function csvInsertSql(file: string): string {
  return `
${INSERT_EVENTS}
SELECT $base + n, event_id, scenario_id, plan_design_id, employee_id, effective_date, year(effective_date),
       created_at, source_system, correlation_id, event_type, plan_id, source, amount, ytd_amount,
       vested_percentage, payload, ${factsSql()}
  FROM read_csv(${quotedString(file)}, delim = '\\t', quote = '', escape = '', new_line = '\\n', header = false,
                nullstr = '\\N', auto_detect = false, columns = ${CSV_COLUMNS})`;
}
