/**
 * A store built from a golden case (the engine's real output): scenario row with the case's
 * plan design, its census as dim_participants, and its events ingested.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingestEvents } from '../../src/ingest/ingest.js';
import { loadGoldenCase } from '../../src/quality/golden/case.js';
import { participantRows } from '../../src/quality/golden/ndt.js';
import { projectCase } from '../../src/quality/golden/run.js';
import { loadEventValidator } from '../../src/quality/golden/validate.js';
import type { CanonicalEvent } from '../../src/schema/index.js';
import { openStore } from '../../src/store/open.js';
import { writeParticipants, writeScenario } from '../../src/store/scenarios.js';

export const GOLDEN_DIR = join(import.meta.dirname, '../../golden');

export async function storeFromCase(caseName: string, db: string, scenarioId: string): Promise<void> {
  const dir = join(GOLDEN_DIR, caseName);
  const c = await loadGoldenCase(dir, await loadEventValidator());
  const planJson = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')).plan;
  const events = [...projectCase(c).values()].flat().map((e) => ({ ...e, scenario_id: scenarioId }));
  const store = await openStore({ path: db, threads: 1 });
  try {
    await writeScenario(store.connection, {
      scenario_id: scenarioId,
      first_year: c.years[0],
      last_year: c.years[1],
      plan_design_id: c.name,
      plan_design: JSON.stringify(planJson),
      seed: null,
      created_at: '2026-01-01T00:00:00Z',
      engine_version: 'test',
      ledger_version: 'test',
      status: 'complete',
    });
    await writeParticipants(store.connection, participantRows(c.census, scenarioId));
    await ingestEvents(store, events as unknown as CanonicalEvent[], { source: 'test' });
  } finally {
    store.close();
  }
}
