import { DuckDBInstance } from '@duckdb/node-api';
const t0 = performance.now();
const inst = await DuckDBInstance.create(process.argv[2]);
const c = await inst.connect();
const t1 = performance.now();
await c.run(process.argv[3] ?? 'CHECKPOINT');
const t2 = performance.now();
c.closeSync(); inst.closeSync();
console.log(`open ${(t1-t0).toFixed(0)} ms, stmt ${(t2-t1).toFixed(0)} ms, close ${(performance.now()-t2).toFixed(0)} ms`);
