import { DuckDBInstance } from '@duckdb/node-api';
const inst = await DuckDBInstance.create(process.argv[2], { access_mode: 'READ_ONLY' });
const c = await inst.connect();
for (const q of ["SELECT table_name, estimated_size, index_count FROM duckdb_tables()", "SELECT index_name, table_name, sql FROM duckdb_indexes()", "SELECT table_name, count(DISTINCT row_group_id) rg, count(*) segs, sum(count) FILTER (WHERE column_id=0) FROM pragma_storage_info('fct_yearly_events') , (SELECT 'fct_yearly_events' table_name) GROUP BY ALL"]) {
  try { const r = await c.runAndReadAll(q); console.log(JSON.stringify(r.getRowObjectsJson())); } catch (e) { console.log(String(e).slice(0,200)); }
}
