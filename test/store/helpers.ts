/** Shared fixtures of the store tests: temporary stores and NDJSON corpora. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { exampleEvent, mixedCorpus } from '../../src/schema/examples.js';
import { validateEvent } from '../../src/schema/index.js';
import type { CanonicalEvent } from '../../src/store/contract-adapter.js';
import { openStore, type Store } from '../../src/store/open.js';
import type { RowBatch } from '../../src/store/row-batch.js';
import { type BatchResult, EventWriter } from '../../src/store/writer.js';

const dirs: string[] = [];
const stores: Store[] = [];

afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'planledger-store-'));
  dirs.push(d);
  return d;
}

export async function newStore(dir = tempDir()): Promise<Store> {
  const s = await openStore({ path: join(dir, 'test.duckdb'), threads: 1, memoryLimit: '256MB' });
  stores.push(s);
  return s;
}

/** Track a store opened elsewhere so that it is closed after the test. */
export function track(s: Store): Store {
  stores.push(s);
  return s;
}

export function writeLines(path: string, lines: string[], end = '\n'): string {
  writeFileSync(path, lines.map((l) => l + end).join(''));
  return path;
}

/** Valid events of all eleven kinds as wire objects. */
export function validEvents(n: number, scenario?: string): Record<string, unknown>[] {
  const events = mixedCorpus(n);
  if (scenario !== undefined) for (const e of events) e.scenario_id = scenario;
  return events;
}

export async function count(store: Store, sql: string): Promise<number> {
  const r = await store.connection.runAndReadAll(sql);
  return Number(r.getRows()[0][0]);
}

/** Run the CLI in this process (test/support's one runner). */
export { cliInProcess as cli } from '../support/cli.js';

/** A canonical event of `kind` with a unique id and, for odd `i`, a correlation id. */
export function numberedEvent(kind: 'contribution' | 'merit' | 'vesting', i: number): CanonicalEvent {
  const e = exampleEvent(kind) as Record<string, unknown>;
  e.event_id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  e.correlation_id = i % 2 === 1 ? `11111111-0000-4000-8000-${String(i).padStart(12, '0')}` : null;
  const v = validateEvent(e);
  if (!v.ok) throw new Error(JSON.stringify(v.problems));
  return v.event;
}

/** Stages one row batch through a new EventWriter and commits it as one ingest batch. */
export async function commitBatch(store: Store, batch: RowBatch, read: number): Promise<BatchResult> {
  const w = await EventWriter.create(store);
  await w.stage(batch);
  const res = await w.commit({
    runId: 'r',
    source: 's',
    sha256: null,
    firstLine: null,
    lastLine: null,
    read,
    startedAt: new Date(),
  });
  await w.close();
  return res;
}
