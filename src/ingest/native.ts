/**
 * The optional native part of ingest (native/canonical.c, native/binding.c), built by `npm ci`
 * through node-gyp (scripts/build-native.mjs). Without it (no compiler, or PLANLEDGER_NATIVE=0)
 * ingest recognises canonical lines in JavaScript and loads them with read_json instead of
 * read_csv: the same rows, more slowly (docs/store.md, "Ingest path").
 */
import { createRequire } from 'node:module';
import { nativeSpec } from './native-spec.js';

export interface NativeRecogniser {
  /**
   * Recognise (normalising a line spelled otherwise) and split the whole lines of `src` into
   * tab-separated rows in `out`, numbering them from `first`: [bytes of src consumed, bytes
   * written, lines, offset of the first line that is not stored or -1, payload characters of the
   * lines split, lines left in `rest`]. With `rest` (an Int32Array of (line index, start, end)
   * triples), a line it cannot store is written there, while it has room, and not split.
   * Stops early (consumed < src.length, no failure) when `out` has no room for the next row
   * (2 × its line + 64 bytes).
   */
  split(
    src: Uint8Array,
    out: Uint8Array,
    first: number,
    rest?: Int32Array,
  ): [number, number, number, number, number, number];
  /** `split` on a thread of libuv's pool; `src`, `out` and `rest` must not be touched until it settles. */
  splitAsync(
    src: Uint8Array,
    out: Uint8Array,
    first: number,
    rest?: Int32Array,
  ): Promise<[number, number, number, number, number, number]>;
  /** The number of newline bytes in `src`. */
  countLines(src: Uint8Array): number;
  /** The payload's length when `line` is the canonical text of a valid event, else -1. */
  recognise(line: Uint8Array): number;
  /**
   * The canonical text `split` stores for `line`: the line itself when it is canonical, else its
   * normalised spelling (key order, white space, absent optional keys, number, UUID and timestamp
   * spellings), or null when the line is left to the validator.
   */
  canonicalise(line: Uint8Array): string | null;
}

let loaded: NativeRecogniser | null | undefined;

/** The native recogniser, or null when it is not built or turned off (PLANLEDGER_NATIVE=0). */
export function nativeRecogniser(): NativeRecogniser | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  if (process.env.PLANLEDGER_NATIVE === '0') return loaded;
  let m: NativeRecogniser & { configure(spec: string): void };
  try {
    // dist/ingest/native.js and src/ingest/native.ts both sit two folders below build/.
    m = createRequire(import.meta.url)('../../build/Release/planledger_native.node');
  } catch {
    return loaded; // not built: the JavaScript paths
  }
  m.configure(nativeSpec()); // a spec it cannot read is a bug: thrown
  loaded = m;
  return loaded;
}
