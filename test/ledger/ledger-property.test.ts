import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LedgerState, ledgerAsOf } from '../../src/ledger/ledger.js';
import type { SimulationEvent } from '../../src/schema/contract.js';
import { fromDay, toDay } from '../../src/schema/dates.js';
import { dec } from '../../src/schema/decimal.js';
import { election, person, plan, run, termination } from '../engine/helpers.js';

describe('ledger: incremental fold = replay (property)', () => {
  it('for engine streams of random people, at random dates', () => {
    const p = plan({
      payroll: { frequency: 'biweekly', anchor_pay_date: '2024-01-05' },
      auto_enrollment: { enabled: true, default_rate: '0.05', escalation: { step: '0.01', cap: '0.08' } },
      match: {
        tiers: [
          { rate: '1', up_to: '0.03' },
          { rate: '0.5', up_to: '0.05' },
        ],
        true_up: true,
      },
      nonelective: { rate: '0.03' },
      vesting: { schedule: 'graded', graded: ['0', '0.25', '0.5', '0.75', '1'] },
    });
    const start = toDay('2024-01-01');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 365 * 12 }), // hire: 2012–2024
        fc.integer({ min: 20_000, max: 400_000 }),
        fc.option(fc.integer({ min: 0, max: 730 })), // termination day in the period
        fc.integer({ min: 0, max: 10 }),
        fc.array(fc.integer({ min: 0, max: 730 }), { minLength: 1, maxLength: 8 }),
        (hireBack, pay, term, rate, dates) => {
          const who = person({
            hireDate: fromDay(start - hireBack + 180),
            annualCompensation: dec(String(pay)),
          });
          const decisions: SimulationEvent[] = [
            election('E1', fromDay(start + 100), `0.0${rate === 10 ? 9 : rate}`),
          ];
          if (term !== null && start + term >= toDay(who.hireDate))
            decisions.push(termination('E1', fromDay(start + term)));
          const evs = run(p, who, decisions, [2024, 2025]);
          for (const d of dates.map((x) => fromDay(start + x)).sort()) {
            const s = new LedgerState();
            for (const e of evs) if (e.effective_date <= d) s.apply(e);
            const replay = ledgerAsOf([...evs].reverse(), d);
            expect(s.position()).toEqual(replay.position());
            // balances never negative, vested balance never above the total
            const pos = s.position();
            const total = Object.values(pos.balances).reduce((a, b) => a + b, 0n);
            expect(Object.values(pos.balances).every((b) => b >= 0n)).toBe(true);
            expect(pos.vestedBalance <= total).toBe(true);
          }
        },
      ),
      { numRuns: 60, seed: 42 },
    );
  });
});
