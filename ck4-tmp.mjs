import { DuckDBInstance } from '@duckdb/node-api';
const f = process.argv[2]; const mode = process.argv[3];
const layout = async (c) => (await c.runAndReadAll("SELECT list(n ORDER BY rg) FROM (SELECT row_group_id rg, max(count) n FROM pragma_storage_info('t') WHERE column_id=0 AND segment_type <> 'VALIDITY' GROUP BY ALL)")).getRows()[0][0].toString();
let inst = await DuckDBInstance.create(f); let c = await inst.connect();
if (mode === 'create') {
  await c.run('CREATE TABLE t(a BIGINT, s VARCHAR)');
  for (let i = 0; i < 4; i++) { await c.run('BEGIN'); await c.run(`INSERT INTO t SELECT range, 'x' || range FROM range(${250000 + i * 1000})`); await c.run('COMMIT'); }
  console.log('after inserts', await layout(c));
  await c.run('CREATE TABLE z(a INT)'); await c.run('CHECKPOINT');
  console.log('same process, change + checkpoint', await layout(c));
} else {
  console.log('reopen', await layout(c));
  await c.run('CREATE TABLE IF NOT EXISTS y(a INT)'); await c.run('CHECKPOINT');
  console.log('new process, change + checkpoint', await layout(c));
}
c.closeSync(); inst.closeSync();
