/** The canonical text of events.md pinned byte for byte, and the shared golden inputs. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNdjsonLines, serializeEvent, validateLine } from '../../src/schema/index.js';

const GOLDEN = join(import.meta.dirname, '../../../shared/golden');

describe('canonical text', () => {
  it('is pinned for a wire event with every kind of non-canonical spelling', () => {
    const wire =
      '{ "payload": {"roth_contribution_rate": "0.0200", "event_type": "enrollment", "enrollment_date": "2024-02-29",' +
      ' "pre_tax_contribution_rate": "+00.06", "plan_id": "P401K"}, "source_system": "hr", "plan_design_id": "d1",' +
      ' "scenario_id": "s1", "created_at": "2024-02-29t23:30:00.250000-01:00", "effective_date": "2024-02-29",' +
      ' "employee_id": "E 1", "event_id": "3F2504E0-4F89-11D3-9A0C-0305E82C3301"}';
    const r = validateLine(wire, 'x', 1);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(serializeEvent(r.event)).toBe(
      '{"event_id":"3f2504e0-4f89-11d3-9a0c-0305e82c3301","employee_id":"E 1","effective_date":"2024-02-29",' +
        '"created_at":"2024-03-01T00:30:00.25Z","scenario_id":"s1","plan_design_id":"d1","source_system":"hr",' +
        '"payload":{"event_type":"enrollment","plan_id":"P401K","enrollment_date":"2024-02-29",' +
        '"pre_tax_contribution_rate":"0.06","roth_contribution_rate":"0.02","after_tax_contribution_rate":"0",' +
        '"auto_enrollment":false,"opt_out_window_expires":null},"correlation_id":null}',
    );
  });
});

describe.skipIf(!existsSync(GOLDEN))('shared golden inputs', () => {
  it('every event of every case is valid and round-trips', async () => {
    let n = 0;
    for (const c of readdirSync(GOLDEN)) {
      const file = join(GOLDEN, c, 'inputs.ndjson');
      if (!existsSync(file)) continue;
      for await (const l of readNdjsonLines(file)) {
        const r = validateLine(l.text, file, l.line);
        expect(r.ok, `${file}:${l.line} ${JSON.stringify(r.ok ? '' : r.problems)}`).toBe(true);
        if (r.ok)
          expect(serializeEvent((validateLine(serializeEvent(r.event), file, 0) as typeof r).event)).toBe(
            serializeEvent(r.event),
          );
        n++;
      }
    }
    expect(n).toBeGreaterThan(0);
  });
});
