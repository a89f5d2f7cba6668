/**
 * The writer appends every batch through one reused DuckDB data chunk (writer.ts): a slice's
 * NULLs, long strings and values must not leak into the next slice. Real DuckDB, in memory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeEvent } from '../../src/schema/index.js';
import type { CanonicalEvent } from '../../src/store/contract-adapter.js';
import { openStore, type Store } from '../../src/store/open.js';
import { RowBatchBuilder } from '../../src/store/row-batch.js';
import { EventWriter } from '../../src/store/writer.js';
import { commitBatch, numberedEvent } from './helpers.js';

let store: Store;
beforeAll(async () => {
  store = await openStore({ path: ':memory:' });
});
afterAll(() => store.close());

const event = numberedEvent;

describe('EventWriter', () => {
  it('stores slices of 2,048 rows with NULLs in one and none in the next, exactly', async () => {
    const b = new RowBatchBuilder(16);
    const events: CanonicalEvent[] = [];
    // Slice 1: merits (amount, source NULL); slice 2: contributions (all set); slice 3: mixed.
    for (let i = 0; i < 2048; i++) events.push(event('merit', i));
    for (let i = 2048; i < 4096; i++) events.push(event('contribution', i));
    for (let i = 4096; i < 5000; i++) events.push(event(i % 3 === 0 ? 'merit' : 'contribution', i));
    for (const e of events) b.add(e, JSON.stringify(e.payload));
    const res = await commitBatch(store, b.finish(), events.length);
    expect(res.accepted).toBe(events.length);
    const rows = (
      await store.connection.runAndReadAll(
        'SELECT event_id::VARCHAR, correlation_id, amount::VARCHAR, source, payload FROM fct_yearly_events ORDER BY seq',
      )
    ).getRows();
    expect(rows).toHaveLength(events.length);
    rows.forEach(([id, corr, amount, source, payload], i) => {
      const e = events[i];
      const p = e.payload as Record<string, unknown>;
      expect(id).toBe(e.event_id);
      expect(corr).toBe(e.correlation_id ?? null);
      expect(amount === null ? null : Number(amount)).toBe(p.amount === undefined ? null : Number(p.amount));
      expect(source).toBe((p.source as string | undefined) ?? null);
      expect(payload).toBe(JSON.stringify(e.payload));
      expect(JSON.parse(serializeEvent(e)).payload).toEqual(JSON.parse(payload as string));
    });
  });

  it('records when the batch finished, not when its transaction started (DuckDB’s now())', async () => {
    const w = await EventWriter.create(store);
    const startedAt = new Date();
    const b = new RowBatchBuilder(4);
    const events = [10_001, 10_002].map((i) => event('merit', i));
    for (const e of events) b.add(e, JSON.stringify(e.payload));
    await w.stage(b.finish()); // the transaction is open from here
    await new Promise((r) => setTimeout(r, 20));
    const beforeCommit = Date.now();
    const res = await w.commit({
      runId: 'r',
      source: 'timed',
      sha256: null,
      firstLine: null,
      lastLine: null,
      read: 2,
      startedAt,
    });
    await w.close();
    const [started, finished] = (
      await store.connection.runAndReadAll(
        'SELECT epoch_ms(started_at), epoch_ms(finished_at) FROM ingest_batches WHERE batch_id = $b',
        { b: res.batchId },
      )
    )
      .getRows()[0]
      .map(Number);
    expect(started).toBe(startedAt.getTime());
    expect(finished).toBeGreaterThanOrEqual(beforeCommit);
  });
});
