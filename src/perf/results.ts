/**
 * The benchmark results file, written once here: its TypeScript types, its JSON Schema
 * (docs/bench-results.schema.json is emitted from `ResultsFileSchema`; a test keeps them in
 * sync) and the reader that checks a file against it. docs/benchmarks.md documents it.
 *
 * schema_version 1. A change that older readers cannot ignore bumps the version.
 */
import Type, { type Static } from 'typebox';
import Schema from 'typebox/schema';
import { mad, median } from './stats.js';
import type { MetricSamples } from './types.js';

export const RESULTS_SCHEMA_VERSION = 1;

const Num = Type.Number();
const Samples = Type.Array(Num, { description: 'every measured sample, in the order measured' });

export const CalibrationSchema = Type.Object(
  {
    score: Type.Number({ exclusiveMinimum: 0, description: 'median of the samples: higher = faster CPU' }),
    unit: Type.String(),
    samples: Samples,
    mad: Num,
    workload: Type.String({ description: 'name and version of the fixed CPU workload' }),
  },
  { additionalProperties: false },
);

export const EnvironmentSchema = Type.Object(
  {
    cpu_model: Type.String(),
    cores: Type.Integer({ minimum: 1 }),
    memory_mb: Type.Number({ description: 'total physical memory' }),
    platform: Type.String({ description: 'os platform, release and architecture' }),
    node: Type.String(),
    duckdb: Type.Union([Type.String(), Type.Null()], {
      description: 'DuckDB library version, null if unavailable',
    }),
    planledger: Type.String(),
    git_commit: Type.Union([Type.String(), Type.Null()], {
      description: 'HEAD commit, "+dirty" when modified',
    }),
    date: Type.String({ description: 'start of the run, ISO 8601 UTC' }),
    calibration: CalibrationSchema,
  },
  { additionalProperties: false },
);

export const MetricSchema = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    unit: Type.String({ minLength: 1 }),
    direction: Type.Union([Type.Literal('higher'), Type.Literal('lower')]),
    samples: Type.Array(Num, { minItems: 1 }),
    median: Num,
    mad: Num,
    cpu_bound: Type.Boolean({ description: 'normalised by the calibration score across machines' }),
    gated: Type.Optional(
      Type.Boolean({ description: 'false: reported, never judged a regression or an improvement' }),
    ),
    benchmark: Type.String({ description: 'the benchmark module that measured it' }),
  },
  { additionalProperties: false },
);

export const BenchmarkStatusSchema = Type.Object(
  {
    name: Type.String(),
    status: Type.Union([Type.Literal('ok'), Type.Literal('skipped'), Type.Literal('failed')]),
    seconds: Num,
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const ResultsFileSchema = Type.Object(
  {
    schema_version: Type.Literal(RESULTS_SCHEMA_VERSION),
    environment: EnvironmentSchema,
    suite: Type.Object(
      {
        quick: Type.Boolean(),
        repetitions: Type.Integer({ minimum: 1 }),
        only: Type.Union([Type.Array(Type.String()), Type.Null()]),
        seconds: Num,
        benchmarks: Type.Array(BenchmarkStatusSchema),
      },
      { additionalProperties: false },
    ),
    metrics: Type.Array(MetricSchema),
  },
  {
    $id: 'https://planledger.dev/schemas/bench-results.schema.json',
    title: 'planledger benchmark results',
    additionalProperties: false,
  },
);

export type Calibration = Static<typeof CalibrationSchema>;
export type Environment = Static<typeof EnvironmentSchema>;
export type Metric = Static<typeof MetricSchema>;
export type BenchmarkStatus = Static<typeof BenchmarkStatusSchema>;
export type ResultsFile = Static<typeof ResultsFileSchema>;

/** The JSON Schema (draft 2020-12) of the results file. */
export function resultsJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    ...JSON.parse(JSON.stringify(ResultsFileSchema)),
  };
}

/** Adds median and MAD to a benchmark's samples. */
export function summarize(m: MetricSamples, benchmark: string): Metric {
  return {
    name: m.name,
    unit: m.unit,
    direction: m.direction,
    samples: m.samples,
    median: median(m.samples),
    mad: mad(m.samples),
    cpu_bound: m.cpuBound ?? false,
    ...(m.gated === false ? { gated: false } : {}),
    benchmark,
  };
}

let compiled: ReturnType<typeof Schema.Compile<typeof ResultsFileSchema>> | undefined;

/**
 * Parses and checks a results file. Throws an Error naming the source and every problem
 * (JSON path and reason) when the text is not a valid results file.
 */
export function parseResults(text: string, source: string): ResultsFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source}: not JSON (${(err as Error).message})`);
  }
  const version = (value as { schema_version?: unknown } | null)?.schema_version;
  if (version !== RESULTS_SCHEMA_VERSION) {
    throw new Error(
      `${source}: schema_version ${JSON.stringify(version)} is not supported (expected ${RESULTS_SCHEMA_VERSION})`,
    );
  }
  compiled ??= Schema.Compile(ResultsFileSchema);
  const [ok, errors] = compiled.Errors(value);
  if (!ok) {
    const list = errors
      .slice(0, 10)
      .map((e) => `${e.instancePath || '/'}: ${e.message}`)
      .join('; ');
    throw new Error(`${source}: not a valid results file: ${list}`);
  }
  return value as ResultsFile;
}
