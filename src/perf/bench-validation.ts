/**
 * Validation benchmark (docs/schema.md, Performance): µs per event over a mixed corpus of all
 * eleven kinds,
 *  - from parsed objects (`validateEvent`: check + canonical object),
 *  - from NDJSON text (`validateLine`: JSON.parse + the same),
 * next to baselines measured in the same run, interleaved sample by sample so that a busy
 * machine weighs on all alike: JSON.parse alone over the same lines, Ajv compiled from the
 * emitted JSON Schema (structure only), and TypeBox's compiled Check (structure only).
 * Quick: 11,000 events; full: 110,000. One sample = the fastest 110-event slice (10 of each
 * kind) among ≥ 1 s (quick) or 2.5 s (full) of passes (all runs taking turns) over the corpus.
 */
import { schemaFiles } from '../schema/emit.js';
import { mixedCorpus } from '../schema/examples.js';
import { serializeEvent, validateEvent, validateLine } from '../schema/index.js';
import type { BenchContext, Benchmark, MetricSamples } from './types.js';

type Run = (i: number) => unknown;

/** Events per timed slice: 10 of each of the eleven kinds (short enough to run uninterrupted). */
const SLICE = 110;

/**
 * One sample of each run: µs per item of its fastest slice of `SLICE` consecutive items. The
 * runs take turns slice by slice over repeated passes through the `n` items until at least
 * `minMs` elapsed, so that all of them see the same machine (the `timeit` convention: on a
 * shared machine the fastest slice is the one the scheduler did not interrupt).
 */
function usPerItem(runs: Run[], n: number, minMs: number): number[] {
  const best = runs.map(() => Number.POSITIVE_INFINITY);
  let sink = 0;
  const start = process.hrtime.bigint();
  const limit = BigInt(minMs) * 1_000_000n;
  while (process.hrtime.bigint() - start < limit) {
    for (let from = 0, turn = 0; from + SLICE <= n; from += SLICE, turn++) {
      // Each slice starts with another run: the first one to touch a slice pays its cache misses.
      for (let j = 0; j < runs.length; j++) {
        const r = (turn + j) % runs.length;
        const run = runs[r];
        const t = process.hrtime.bigint();
        for (let i = from; i < from + SLICE; i++) if (run(i) === undefined) sink++;
        const us = Number(process.hrtime.bigint() - t) / 1e3 / SLICE;
        if (us < best[r]) best[r] = us;
      }
    }
  }
  if (sink < 0) throw new Error('unreachable');
  return best;
}

async function loadAjv(): Promise<((v: unknown) => boolean) | undefined> {
  try {
    const mod = (await import('ajv/dist/2020.js')) as unknown as {
      default: new (o: object) => { compile(s: object): (v: unknown) => boolean };
    };
    const ajv = new mod.default({ allErrors: false, strict: false });
    return ajv.compile(JSON.parse(schemaFiles().get('simulation-event.schema.json')!));
  } catch {
    return undefined; // ajv is a development dependency: absent from a production install
  }
}

export const validationBenchmark: Benchmark = {
  name: 'validation',
  description:
    'validation µs/event over a mixed corpus of the eleven kinds (quick 11,000 events, full 110,000): ' +
    'parsed objects and NDJSON text, next to JSON.parse alone, Ajv and TypeBox Check on the emitted schema',
  async run(ctx: BenchContext): Promise<MetricSamples[]> {
    const n = ctx.quick ? 11_000 : 110_000;
    const minMs = ctx.quick ? 1000 : 2500;
    // Events as a producer writes them (canonical text), then parsed once: the object corpus.
    const lines = mixedCorpus(n).map((e) => {
      const r = validateEvent(e);
      if (!r.ok) throw new Error(`example event invalid: ${JSON.stringify(r.problems)}`);
      return serializeEvent(r.event);
    });
    const objects = lines.map((l) => JSON.parse(l) as unknown);
    const ajv = await loadAjv();
    const { default: Schema } = await import('typebox/schema');
    const { SimulationEvent } = await import('../schema/contract.js');
    const typebox = Schema.Compile(SimulationEvent);
    for (const o of objects)
      if (!validateEvent(o).ok || (ajv && !ajv(o))) throw new Error('corpus not valid');

    const runs: { name: string; run: Run }[] = [
      { name: 'validation.json_parse_us_per_event', run: (i) => JSON.parse(lines[i]) },
      {
        name: 'validation.ndjson_us_per_event',
        run: (i) => (validateLine(lines[i], 'bench', i).ok ? 1 : undefined),
      },
      { name: 'validation.object_us_per_event', run: (i) => (validateEvent(objects[i]).ok ? 1 : undefined) },
      {
        name: 'validation.typebox_check_us_per_event',
        run: (i) => (typebox.Check(objects[i]) ? 1 : undefined),
      },
    ];
    if (ajv)
      runs.push({
        name: 'validation.ajv_object_us_per_event',
        run: (i) => (ajv(objects[i]) ? 1 : undefined),
      });
    else ctx.log('validation: ajv not installed, its baseline is skipped');

    const fns = runs.map((r) => r.run);
    usPerItem(fns, n, minMs); // warm-up: JIT
    const samples = new Map<string, number[]>(runs.map((r) => [r.name, []]));
    for (let rep = 0; rep < ctx.repetitions; rep++) {
      const us = usPerItem(fns, n, minMs);
      for (let i = 0; i < runs.length; i++) samples.get(runs[i].name)!.push(us[i]);
    }
    const metrics: MetricSamples[] = runs.map((r) => ({
      name: r.name,
      unit: 'us/event',
      direction: 'lower',
      samples: samples.get(r.name)!,
      cpuBound: true,
    }));
    const parse = samples.get('validation.json_parse_us_per_event')!;
    metrics.push({
      name: 'validation.ndjson_to_json_parse_ratio',
      unit: 'ratio',
      direction: 'lower',
      samples: samples.get('validation.ndjson_us_per_event')!.map((v, i) => v / parse[i]),
    });
    return metrics;
  },
};
