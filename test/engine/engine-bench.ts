// Engine benchmark on its own (not a test): `npx tsx test/engine/engine-bench.ts [--quick]`.
import { engineBenchmark } from '../../src/perf/bench-engine.js';

const quick = process.argv.includes('--quick');
const metrics = await engineBenchmark.run({
  quick,
  repetitions: 3,
  tmpDir: '/tmp',
  log: (m) => process.stderr.write(m + '\n'),
});
for (const m of metrics) {
  const sorted = [...m.samples].sort((a, b) => a - b);
  console.log(
    `${m.name}: median ${sorted[Math.floor(sorted.length / 2)].toFixed(3)} ${m.unit} (${m.samples.map((s) => s.toFixed(3)).join(', ')})`,
  );
}
