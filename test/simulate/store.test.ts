import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { simulate } from '../../src/simulate/simulate.js';
import {
  BUILD_MEMORY_LIMIT,
  FOLLOW_ON_BUILD_MEMORY_LIMIT,
  followOnBuildMemoryLimits,
} from '../../src/snapshots/build.js';
import { openStore } from '../../src/store/open.js';

const dir = mkdtempSync(join(tmpdir(), 'planledger-simdb-'));

async function counts(db: string, scenario: string) {
  const store = await openStore({ path: db });
  try {
    const q = async (sql: string) =>
      Number((await store.connection.runAndReadAll(sql, { s: scenario })).getRows()[0][0]);
    return {
      events: await q('SELECT count(*) FROM fct_yearly_events WHERE scenario_id = $s'),
      distinctIds: await q('SELECT count(DISTINCT event_id) FROM fct_yearly_events WHERE scenario_id = $s'),
      participants: await q('SELECT count(*) FROM dim_participants WHERE scenario_id = $s'),
      status: String(
        (
          await store.connection.runAndReadAll('SELECT status FROM scenarios WHERE scenario_id = $s', {
            s: scenario,
          })
        ).getRows()[0]?.[0],
      ),
    };
  } finally {
    store.close();
  }
}

describe('simulate → store', () => {
  const db = join(dir, 'sim.duckdb');
  const base = {
    employees: 40,
    years: [2024, 2025] as [number, number],
    seed: 3,
    createdAt: '2026-01-15T09:00:00Z',
    db,
    out: null,
    workers: 2,
    snapshots: false,
  };

  it('writes the events, the census and a complete scenario row; a re-run replaces it', async () => {
    const first = await simulate({ ...base, scenarioId: 'a' });
    const c1 = await counts(db, 'a');
    expect(c1.events).toBe(first.events);
    expect(c1.distinctIds).toBe(first.events);
    expect(c1.participants).toBe(first.stats.people);
    expect(c1.status).toBe('complete');
    expect(first.store?.replaced).toBeNull();

    const again = await simulate({ ...base, scenarioId: 'a' });
    expect(again.store?.replaced).not.toBeNull();
    expect(await counts(db, 'a')).toEqual(c1);

    // A different scenario sits beside it, untouched by the re-run.
    const other = await simulate({ ...base, scenarioId: 'b', seed: 4 });
    const c2 = await counts(db, 'b');
    expect(c2.events).toBe(other.events);
    expect(await counts(db, 'a')).toEqual(c1);
  });

  it('commits exactly commitEvents rows a transaction, splitting the batch that crosses the mark; the events are the same', async () => {
    const small = join(dir, 'split.duckdb');
    const whole = join(dir, 'whole.duckdb');
    const r = await simulate({ ...base, db: small, scenarioId: 's', commitEvents: 1000 });
    await simulate({ ...base, db: whole, scenarioId: 's' });
    expect(r.events).toBeGreaterThan(3000);
    const read = async (path: string, sql: string) => {
      const store = await openStore({ path });
      try {
        return (await store.connection.runAndReadAll(sql)).getRows();
      } finally {
        store.close();
      }
    };
    const batches = await read(
      small,
      "SELECT accepted_count, last_seq - first_seq + 1 FROM ingest_batches WHERE source LIKE 'simulate:%' ORDER BY batch_id",
    );
    expect(batches.length).toBe(Math.ceil(r.events / 1000));
    for (const [accepted, seqs] of batches.slice(0, -1)) {
      expect(Number(accepted)).toBe(1000);
      expect(Number(seqs)).toBe(1000);
    }
    const events = 'SELECT seq, event_id::VARCHAR, payload FROM fct_yearly_events ORDER BY seq';
    expect(await read(small, events)).toEqual(await read(whole, events));
  });

  it('stores contributions compact and reads back every payload as the NDJSON output writes it', async () => {
    const path = join(dir, 'compact.duckdb');
    const out = join(dir, 'compact.ndjson');
    const r = await simulate({ ...base, db: path, out, scenarioId: 'c' });
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(r.events);
    const want = new Map(
      lines.map((l) => {
        const e = JSON.parse(l);
        return [e.event_id as string, JSON.stringify(e.payload)];
      }),
    );
    const store = await openStore({ path });
    try {
      const rows = (
        await store.connection.runAndReadAll(
          `SELECT v.event_id::VARCHAR, v.payload, s.payload_text IS NULL, v.event_type
             FROM fct_yearly_events v JOIN fct_yearly_events_stored s USING (seq)`,
        )
      ).getRows();
      expect(rows).toHaveLength(r.events);
      let compact = 0;
      for (const [id, payload, isCompact, kind] of rows) {
        expect(payload).toBe(want.get(id as string));
        // The default plan's ids need no escaping: every contribution is compact, nothing else is.
        expect(isCompact).toBe(kind === 'contribution');
        if (isCompact) compact++;
      }
      expect(compact).toBe(r.stats.byKind.contribution);
      // The engine's payroll ids (its pay dates') are left to the view.
      const [[defaulted]] = (
        await store.connection.runAndReadAll(
          'SELECT count(*) FROM fct_yearly_events_stored WHERE payload_text IS NULL AND payload_payroll_id IS NULL',
        )
      ).getRows();
      expect(Number(defaulted)).toBeGreaterThan(compact / 2);
    } finally {
      store.close();
    }
  });
});

describe("simulate's snapshot build after an out-of-memory error", () => {
  it("tries its own limit, then the standalone build's; a limit set by the user first", () => {
    vi.stubEnv('PLANLEDGER_BUILD_MEMORY_LIMIT', undefined);
    expect(followOnBuildMemoryLimits()).toEqual([FOLLOW_ON_BUILD_MEMORY_LIMIT, BUILD_MEMORY_LIMIT]);
    vi.stubEnv('PLANLEDGER_BUILD_MEMORY_LIMIT', BUILD_MEMORY_LIMIT);
    expect(followOnBuildMemoryLimits()).toEqual([BUILD_MEMORY_LIMIT]);
  });

  it('builds the snapshots again at the next limit, and says so', async () => {
    vi.stubEnv('PLANLEDGER_BUILD_MEMORY_LIMIT', '1MB'); // too little for any build
    const logs: string[] = [];
    const db = join(dir, 'oom.duckdb');
    const r = await simulate({
      scenarioId: 'oom',
      employees: 40,
      years: [2024, 2025],
      seed: 3,
      createdAt: '2026-01-15T09:00:00Z',
      db,
      out: null,
      workers: 1,
      log: (m) => {
        logs.push(m);
      },
    });
    expect(r.snapshots).toBe('built');
    expect(
      logs.some((m) => /^the snapshot build ran out of memory at 1MB .*building again at 512MB$/.test(m)),
    ).toBe(true);
    const store = await openStore({ path: db, readOnly: true });
    try {
      const n = await store.connection.runAndReadAll(
        'SELECT count(*) FROM fct_participant_balance_snapshots',
      );
      expect(Number(n.getRows()[0][0])).toBeGreaterThan(0);
    } finally {
      store.close();
    }
  });
});
