/**
 * Parse and validate one chunk of NDJSON (whole lines) into rows and rejections. Runs in the
 * ingest workers (never touching the database) or inline. Blank lines (empty or only spaces,
 * tabs and a trailing CR) are not events: they are counted as lines but not as read.
 */
import type { CanonicalEvent, Contract, EventProblem } from '../store/contract-adapter.js';
import { type RowBatch, RowBatchBuilder } from '../store/row-batch.js';
import type { Rejection } from '../store/writer.js';

export interface ChunkResult {
  batch: RowBatch;
  /** Rejected lines; `line` counts from 1 within the chunk. */
  rejections: Rejection[];
  /** Lines in the chunk, blank ones included. */
  lines: number;
  /** Non-blank lines: each is accepted, rejected or (later) a duplicate. */
  read: number;
}

const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

export function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

/** Split bytes into decoded lines; a line that is not UTF-8 is decoded leniently and flagged. */
export function decodeLines(bytes: Uint8Array): { lines: string[]; badUtf8: Set<number> | null } {
  try {
    const text = strictDecoder.decode(bytes);
    const lines = text.split('\n');
    if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    return { lines, badUtf8: null };
  } catch {
    const lines: string[] = [];
    const bad = new Set<number>();
    let start = 0;
    while (start < bytes.length) {
      let end = bytes.indexOf(10, start);
      if (end < 0) end = bytes.length;
      const part = bytes.subarray(start, end);
      try {
        lines.push(strictDecoder.decode(part));
      } catch {
        bad.add(lines.length);
        lines.push(lenientDecoder.decode(part));
      }
      start = end + 1;
    }
    return { lines, badUtf8: bad };
  }
}

/**
 * One line (without its newline) into the builder or the rejections: 'blank', 'rejected', or
 * the accepted event. A trailing CR is dropped (CRLF files); `line` is what a rejection records.
 */
export function takeLine(
  text: string,
  line: number,
  contract: Contract,
  builder: RowBatchBuilder,
  rejections: Rejection[],
  badUtf8 = false,
): 'blank' | 'rejected' | CanonicalEvent {
  if (text.length > 0 && text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
  if (isBlank(text)) return 'blank';
  let problems: EventProblem[];
  if (badUtf8) {
    problems = [{ path: '', expected: 'UTF-8 text', found: 'invalid UTF-8 byte sequence' }];
  } else {
    const v = contract.validateLine(text);
    if (v.ok) {
      builder.add(v.event, JSON.stringify(v.event.payload));
      return v.event;
    }
    problems = v.problems;
  }
  rejections.push({ line, rawText: text, problems });
  return 'rejected';
}

export function parseChunk(bytes: Uint8Array, contract: Contract, stripBom: boolean): ChunkResult {
  const { lines, badUtf8 } = decodeLines(bytes);
  if (stripBom && lines.length > 0 && lines[0].charCodeAt(0) === 0xfeff) lines[0] = lines[0].slice(1);
  const builder = new RowBatchBuilder(Math.max(16, lines.length));
  const rejections: Rejection[] = [];
  let read = 0;
  for (let i = 0; i < lines.length; i++) {
    if (takeLine(lines[i], i + 1, contract, builder, rejections, badUtf8?.has(i)) !== 'blank') read++;
  }
  return { batch: builder.finish(), rejections, lines: lines.length, read };
}
