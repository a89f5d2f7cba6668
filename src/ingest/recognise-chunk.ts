/**
 * Whether every line of a chunk of NDJSON is already the canonical text of a valid event
 * (src/schema/canonical-match.ts): the check that lets ingest hand the bytes to DuckDB's own
 * `read_json` (docs/store.md, "Ingest path: read_json"). Runs in the ingest workers or inline;
 * never touches the database. Stops at the first line that is not recognised: the caller then
 * takes the other paths, which decide and explain line by line.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { recogniseCanonicalLine } from '../schema/canonical-match.js';

export interface Recognition {
  /** True when every line of the chunk is recognised (a blank line, a BOM or a CR is not). */
  ok: boolean;
  /** Lines in the chunk (meaningful when ok). */
  lines: number;
  /** Bytes (= characters: recognised lines are ASCII) of the lines' payload texts, summed. */
  payloadChars: number;
}

export function recogniseChunk(bytes: Uint8Array): Recognition {
  // Read as Latin-1 (one byte, one character; faster than UTF-8 decoding): a recognised line is
  // printable ASCII, so any other byte (a BOM, a UTF-8 sequence, invalid UTF-8) only makes its
  // line not recognised, which sends it to the paths that decode and explain.
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  let lines = 0;
  let payloadChars = 0;
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const payload = recogniseCanonicalLine(text, start, end);
    if (payload < 0) return { ok: false, lines, payloadChars };
    lines++;
    payloadChars += payload;
    start = end + 1;
  }
  return { ok: true, lines, payloadChars };
}

/** The bytes at a place in a file (fewer when the file is shorter: the check then fails). */
export function readRange(r: { path: string; offset: number; length: number }): Uint8Array {
  const bytes = new Uint8Array(r.length);
  const fd = openSync(r.path, 'r');
  try {
    for (let at = 0; at < r.length; ) {
      const n = readSync(fd, bytes, at, r.length - at, r.offset + at);
      if (n === 0) return bytes.subarray(0, at);
      at += n;
    }
  } finally {
    closeSync(fd);
  }
  return bytes;
}
