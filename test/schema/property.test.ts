import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../src/schema/contract.js';
import { detailProblems } from '../../src/schema/detail.js';
import { fastCanonical } from '../../src/schema/fast.js';
import { serializeEvent, validateEvent, validateLine } from '../../src/schema/index.js';
import { validEvent } from './arbitraries.js';
import { mutationsFor } from './mutations.js';

const RUNS = { numRuns: 300, seed: 20250314 };

describe('valid events (fast-check)', () => {
  for (const kind of EVENT_TYPES) {
    it(`${kind}: validates and round-trips byte for byte`, () => {
      fc.assert(
        fc.property(validEvent(kind), (ev) => {
          const r = validateEvent(ev);
          if (!r.ok) throw new Error(JSON.stringify(r.problems));
          const text = serializeEvent(r.event);
          const again = validateLine(text, 'mem', 1);
          expect(again.ok).toBe(true);
          if (again.ok) expect(serializeEvent(again.event)).toBe(text);
          // The canonical object serializes as it is: keys already in order, nothing missing.
          expect(JSON.stringify(r.event)).toBe(text);
          // The detailed validator agrees.
          expect(detailProblems(ev)).toEqual([]);
        }),
        RUNS,
      );
    });
  }
});

describe('single mutations (fast-check)', () => {
  it('every single rule-breaking mutation is rejected at its path, alone', () => {
    fc.assert(
      fc.property(validEvent(), fc.nat(), (ev, pick) => {
        const all = mutationsFor(ev);
        const m = all[pick % all.length];
        const bad = structuredClone(ev);
        m.apply(bad);
        const r = validateEvent(bad);
        if (r.ok) throw new Error(`accepted after ${m.name}`);
        expect(
          r.problems.map((p) => p.path),
          m.name,
        ).toEqual([m.path]);
        expect(fastCanonical(bad)).toBeUndefined();
        const line = validateLine(JSON.stringify(bad), 'f.ndjson', 9);
        expect(line.ok).toBe(false);
      }),
      { ...RUNS, numRuns: 1000 },
    );
  });

  it('each mutation of a fixed event of every kind is rejected at its path', () => {
    for (const kind of EVENT_TYPES) {
      const ev = fc.sample(validEvent(kind), { numRuns: 1, seed: 7 })[0];
      for (const m of mutationsFor(ev)) {
        const bad = structuredClone(ev);
        m.apply(bad);
        const r = validateEvent(bad);
        expect(r.ok, `${kind}: ${m.name}`).toBe(false);
        if (!r.ok)
          expect(
            r.problems.map((p) => p.path),
            `${kind}: ${m.name}`,
          ).toEqual([m.path]);
      }
    }
  });
});

describe('robustness', () => {
  it('never throws on any value, and the fast and detailed validators agree', () => {
    fc.assert(
      fc.property(
        fc.anything({ withBigInt: true, withDate: true, withMap: true, withNullPrototype: true }),
        (v) => {
          const r = validateEvent(v);
          expect(typeof r.ok).toBe('boolean');
          if (!r.ok) expect(r.problems.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 2000, seed: 1 },
    );
  });

  it('never throws on mangled events (random values at random places)', () => {
    fc.assert(
      fc.property(validEvent(), fc.jsonValue(), fc.nat(), fc.boolean(), (valid, junk, pick, inPayload) => {
        const ev = structuredClone(valid);
        const target = (inPayload ? ev.payload : ev) as Record<string, unknown>;
        const keys = Object.keys(target);
        target[keys[pick % keys.length]] = junk;
        const json = JSON.parse(JSON.stringify(ev));
        const fast = fastCanonical(json) !== undefined;
        const problems = detailProblems(json);
        expect(fast).toBe(problems.length === 0);
        for (const p of problems) expect(p.found.length).toBeLessThanOrEqual(80);
      }),
      { numRuns: 1000, seed: 2 },
    );
  });

  it('never throws on arbitrary text lines', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        const r = validateLine(text, 'x', 1);
        expect(r.file).toBe('x');
      }),
      { numRuns: 500, seed: 3 },
    );
  });
});
