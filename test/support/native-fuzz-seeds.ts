/**
 * Writes the native fuzzer's inputs (scripts/fuzz-native.sh, native/fuzz/fuzz-canonical.c):
 * `SPEC_FILE` gets the recogniser's tables exactly as ingest hands them to `configure`
 * (src/ingest/native-spec.ts), `SEED_FILE` the canonical line of every event kind, a mixed
 * corpus of canonical lines and the lines no recogniser may accept (test/schema/canonical-corpus.ts),
 * one a line. Run with tsx: `tsx test/support/native-fuzz-seeds.ts SPEC_FILE SEED_FILE`.
 */
import { writeFileSync } from 'node:fs';
import { nativeSpec } from '../../src/ingest/native-spec.js';
import { canonicalLines, notCanonicalLines } from '../schema/canonical-corpus.js';

const [specFile, seedFile] = process.argv.slice(2);
if (specFile === undefined || seedFile === undefined) {
  process.stderr.write('usage: tsx test/support/native-fuzz-seeds.ts SPEC_FILE SEED_FILE\n');
  process.exit(2);
}
writeFileSync(specFile, nativeSpec());
const lines = [...canonicalLines(200), ...notCanonicalLines()].filter((l) => !l.includes('\n'));
writeFileSync(seedFile, `${lines.join('\n')}\n`);
