#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (run by `prepare` on `npm ci`).
import('../dist/cli/main.js').then((m) => m.main(process.argv, { endsProcess: true }));
