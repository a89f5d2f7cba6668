// Builds the optional native recogniser (native/) with node-gyp, which npm bundles.
// Run by `npm ci` (the install script). A machine without a C compiler gets a warning, not a
// failed install: ingest then takes its read_json path (docs/store.md, "Ingest path").
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

const bundled = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
const gyp = process.env.npm_config_node_gyp ?? (existsSync(bundled) ? bundled : undefined);
if (gyp === undefined) {
  console.warn('planledger: node-gyp not found; the native recogniser is not built (ingest uses its read_json path: same rows, slower).');
  process.exit(0);
}
const args = [gyp, 'rebuild', '--loglevel=warn'];
if (process.env.npm_config_nodedir === undefined && existsSync('/usr/include/node/node_api.h')) args.push('--nodedir=/usr');
const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
if (r.status !== 0) {
  console.warn('planledger: building the native recogniser failed; ingest uses its read_json path (same rows, slower).');
}
