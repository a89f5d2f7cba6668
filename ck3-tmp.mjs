import { DuckDBInstance } from '@duckdb/node-api';
const inst = await DuckDBInstance.create(process.argv[2], { access_mode: 'READ_ONLY' });
const c = await inst.connect();
const r = await c.runAndReadAll("SELECT row_group_id, max(count) n, count(DISTINCT block_id) blocks, string_agg(DISTINCT compression, ',') comp, sum(CASE WHEN persistent THEN 0 ELSE 1 END) nonpersist FROM pragma_storage_info('fct_yearly_events') WHERE segment_type <> 'VALIDITY' GROUP BY ALL ORDER BY 1");
console.log(r.getRows().map(x=>x.join(' ')).join('\n'));
const r2 = await c.runAndReadAll("SELECT column_name, string_agg(DISTINCT compression, ',') comp, count(DISTINCT block_id) FROM pragma_storage_info('fct_yearly_events') WHERE segment_type <> 'VALIDITY' GROUP BY ALL ORDER BY 1");
console.log(r2.getRows().map(x=>x.join(' ')).join('\n'));
