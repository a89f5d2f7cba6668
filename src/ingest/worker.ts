/**
 * An ingest worker thread: parses and validates NDJSON chunks sent by the main thread and
 * sends back rows in transferable form. It never opens the database (only the main thread
 * writes: docs/store.md, "Ingest path").
 */
import { parentPort } from 'node:worker_threads';
import { type Contract, loadContract } from '../store/contract-adapter.js';
import { transferList } from '../store/row-batch.js';
import { parseChunk } from './parse-chunk.js';
import { readRange, recogniseChunk } from './recognise-chunk.js';

export interface ChunkJob {
  id: number;
  bytes: Uint8Array;
  stripBom: boolean;
  /**
   * Only recognise canonical lines (recognise-chunk.ts), for the read_json path: of the bytes
   * at this place in a file, which the worker reads itself (`bytes` is then empty).
   */
  recognise?: { path: string; offset: number; length: number };
}

const port = parentPort;
if (port !== null) {
  // Loaded at the first chunk to parse: a worker that only recognises never needs it (0.45 s).
  let contract: Contract | undefined;
  const handle = async (job: ChunkJob) => {
    try {
      if (job.recognise) {
        port.postMessage({ id: job.id, result: recogniseChunk(readRange(job.recognise)) });
        return;
      }
      contract ??= await loadContract();
      const result = parseChunk(job.bytes, contract, job.stripBom);
      port.postMessage({ id: job.id, result }, transferList(result.batch));
    } catch (err) {
      port.postMessage({ id: job.id, error: (err as Error).stack ?? String(err) });
    }
  };
  let queue = Promise.resolve();
  port.on('message', (job: ChunkJob) => {
    queue = queue.then(() => handle(job));
  });
  port.postMessage({ ready: true });
}
