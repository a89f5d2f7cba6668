/**
 * An ingest worker thread: parses and validates NDJSON chunks sent by the main thread and
 * sends back rows in transferable form. It never opens the database (only the main thread
 * writes: docs/store.md, "Ingest path").
 */
import { parentPort } from 'node:worker_threads';
import { loadContract } from './contract-adapter.js';
import { parseChunk } from './parse-chunk.js';
import { transferList } from './row-batch.js';

export interface ChunkJob {
  id: number;
  bytes: Uint8Array;
  stripBom: boolean;
}

const port = parentPort;
if (port !== null) {
  const contract = await loadContract();
  port.on('message', (job: ChunkJob) => {
    try {
      const result = parseChunk(job.bytes, contract, job.stripBom);
      port.postMessage({ id: job.id, result }, transferList(result.batch));
    } catch (err) {
      port.postMessage({ id: job.id, error: (err as Error).stack ?? String(err) });
    }
  });
  port.postMessage({ ready: true });
}
