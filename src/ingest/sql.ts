/**
 * The statements of ingest's SQL path (docs/store.md, "Ingest path"). A group of whole-line
 * chunks goes into a temporary table as bytes; one statement splits them into numbered lines and
 * parses each with DuckDB's JSON reader; one `INSERT … SELECT` stores every line that is provably
 * the canonical text of a valid event (src/schema/canonical-sql.ts) with seq = base + line −
 * first line; the other lines (not canonical, not valid, blank, a BOM, a CR) are read back for
 * the JavaScript validator, which decides and explains exactly as on the worker path.
 */
import { quotedString } from '@duckdb/node-api';
import { CANONICAL_SQL, LINE_STRUCTURE } from '../schema/canonical-sql.js';

export const LINES_TABLE = 'ingest_lines';

/** The lines of a group, numbered in the file, each without its newline (file-sql.ts). */
export const CREATE_LINES_SQL = `CREATE OR REPLACE TEMP TABLE ${LINES_TABLE} (line_no BIGINT, line VARCHAR)`;

const S = CANONICAL_SQL;

/**
 * The lines proven canonical and valid, with their rebuilt payload text `pt`. Each line is
 * parsed once, inside `unnest([…])`: as a plain expression DuckDB would inline the parse into
 * every filter that reads it. A line with a backslash is not parsed (canonical-sql.ts). The
 * checks are nested filters, cheapest first: one conjunction of them all ran 2–3× slower.
 */
const PROVEN = `
SELECT line_no, j, k, pt FROM (
  SELECT line_no, j, k, pt FROM (
    SELECT line_no, j, k, pt FROM (
      SELECT line_no, line, j, k, unnest([${S.payloadText}]) AS pt FROM (
        SELECT line_no, line, j, j.payload.event_type AS k FROM (
          SELECT line_no, line,
                 unnest([CASE WHEN NOT contains(line, '\\') THEN try(json_transform(line, ${quotedString(LINE_STRUCTURE)})) END]) AS j
            FROM temp.main.${LINES_TABLE})
         WHERE j IS NOT NULL)
    ) WHERE line = ${S.lineText}
  ) WHERE ${S.envelopeValid}
) WHERE ${S.payloadValid}`;

/**
 * Stores the proven lines into fct_yearly_events (columns as ddl.ts, values as row-batch.ts).
 * Casts are TRY_CASTs although every value is proven by then: DuckDB may evaluate a projection
 * before the filters below it (a CAST of an unproven line's text would fail the statement).
 */
export const FAST_INSERT_SQL = `
INSERT INTO fct_yearly_events
SELECT $base + line_no - $first, TRY_CAST(j.event_id AS UUID), j.scenario_id, j.plan_design_id, j.employee_id,
       TRY_CAST(j.effective_date AS DATE), year(TRY_CAST(j.effective_date AS DATE)),
       TRY_CAST(j.created_at AS TIMESTAMP), j.source_system, j.correlation_id, k, j.payload.plan_id,
       CASE k WHEN 'contribution' THEN j.payload.source WHEN 'forfeiture' THEN j.payload.forfeited_from_source END,
       CASE WHEN k IN ('contribution', 'forfeiture') THEN TRY_CAST(j.payload.amount AS DECIMAL(18,6)) END,
       CASE WHEN k = 'contribution' THEN TRY_CAST(j.payload.ytd_amount AS DECIMAL(18,6)) END,
       CASE WHEN k IN ('forfeiture', 'vesting') THEN TRY_CAST(j.payload.vested_percentage AS DECIMAL(5,4)) END,
       pt
  FROM (${PROVEN})`;

/** The numbers of the lines the SQL path proves (tests: test/schema/canonical-sql.test.ts). */
export const PROVEN_LINES_SQL = `SELECT line_no FROM (${PROVEN}) ORDER BY line_no`;

/** The group's lines the SQL path did not store, in file order: for the JavaScript validator. */
export const REST_SQL = `
SELECT p.line_no, p.line FROM temp.main.${LINES_TABLE} p
 ANTI JOIN (SELECT seq FROM fct_yearly_events WHERE seq >= $base) f ON f.seq = $base + p.line_no - $first
 ORDER BY p.line_no`;

/** Scenario ids among the rows stored from `$base` on. */
export const SCENARIOS_SQL = 'SELECT DISTINCT scenario_id FROM fct_yearly_events WHERE seq >= $base';

export const DROP_SQL = [`DROP TABLE IF EXISTS temp.main.${LINES_TABLE}`];

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
 * line's own payload text, which the caller confirms by its length (PAYLOAD_CHARS_SQL).
 */
export function jsonInsertSql(file: string): string {
  return `
INSERT INTO fct_yearly_events
SELECT $base + ordinality - 1, event_id, scenario_id, plan_design_id, employee_id, effective_date, year(effective_date),
       created_at, source_system, correlation_id, p.event_type, p.plan_id,
       CASE p.event_type WHEN 'contribution' THEN p.source WHEN 'forfeiture' THEN p.forfeited_from_source END,
       CASE WHEN p.event_type IN ('contribution', 'forfeiture') THEN p.amount END,
       CASE WHEN p.event_type = 'contribution' THEN p.ytd_amount END,
       CASE WHEN p.event_type IN ('forfeiture', 'vesting') THEN p.vested_percentage END,
       payload
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
 */
export function csvInsertSql(file: string): string {
  return `
INSERT INTO fct_yearly_events
SELECT $base + n, event_id, scenario_id, plan_design_id, employee_id, effective_date, year(effective_date),
       created_at, source_system, correlation_id, event_type, plan_id, source, amount, ytd_amount,
       vested_percentage, payload
  FROM read_csv(${quotedString(file)}, delim = '\\t', quote = '', escape = '', new_line = '\\n', header = false,
                nullstr = '\\N', auto_detect = false, columns = ${CSV_COLUMNS})`;
}
