// Says whether the native recogniser is built and loads as ingest loads it (dist/ingest/native.js,
// after `npm ci` or `npm run build`), and that it recognises the first line of an events file
// written by `simulate --out` when one is given. Exit 0: loaded; 1: absent or wrong (for CI, where
// a C compiler is present and the addon must be there).
//   node scripts/native-loaded.mjs [events.ndjson]
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { nativeRecogniser } from '../dist/ingest/native.js';

const path = resolve('build/Release/planledger_native.node');
const native = nativeRecogniser();
if (native === null) {
  console.error(
    `native addon: NOT loaded (${path}${process.env.PLANLEDGER_NATIVE === '0' ? ', PLANLEDGER_NATIVE=0' : ''}); npm ci builds it with node-gyp and a C compiler`,
  );
  process.exit(1);
}
let checked = '';
const events = process.argv[2];
if (events !== undefined) {
  const text = readFileSync(events, 'latin1');
  const line = text.slice(0, text.indexOf('\n'));
  const n = native.recognise(Buffer.from(line, 'latin1'));
  if (n < 0) {
    console.error(`native addon: loaded (${path}) but does not recognise the first line of ${events}`);
    process.exit(1);
  }
  checked = `; recognises the first event of ${events}`;
}
console.log(`native addon: built and loaded (${path})${checked}`);
