/**
 * `@duckdb/node-api`, loaded with `require`. The package is CommonJS: one index re-exporting
 * about 120 files. An ES `import` of it has Node parse every one of those files for its export
 * names (cjs-module-lexer) and resolve each re-export, on top of running them, which doubled the
 * package's load time and was the largest part of a short command such as `planledger balance`
 * (docs/snapshots.md, "The balance command"). Modules on the path of the short commands take it
 * from here; types still come from `import type`.
 */
import { createRequire } from 'node:module';

export type DuckDBApi = typeof import('@duckdb/node-api');

let api: DuckDBApi | undefined;

/** The package, loaded on first use. */
export function duckdb(): DuckDBApi {
  api ??= createRequire(import.meta.url)('@duckdb/node-api') as DuckDBApi;
  return api;
}
