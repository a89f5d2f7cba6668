/**
 * Streaming NDJSON reader (events.md, Wire format): UTF-8, `\n` or `\r\n` line ends, blank
 * lines ignored (their numbers still count), a leading BOM ignored. Reads big chunks and
 * splits on `\n` itself (faster than node:readline, docs/schema.md); memory stays constant
 * whatever the file size: one chunk plus at most one line being assembled.
 */
import { isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';

export interface NdjsonLine {
  /** 1-based line number in the file. */
  line: number;
  /** The line without its line end (empty when `error` is set and nothing can be shown). */
  text: string;
  /** Set when the line cannot be read as text: not UTF-8, or longer than the limit. */
  error?: string;
}

export interface ReadOptions {
  /** Bytes read at a time (default 4 MiB). */
  chunkBytes?: number;
  /** Longest line kept (default 64 MiB); a longer one is reported, not kept. */
  maxLineBytes?: number;
}

const LF = 10;
const CR = 13;

/** What the reader needs of an open file: FileHandle's sequential `read`, and `close`. */
interface Input {
  read(buf: Buffer, offset: number, length: number, position: null): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}

/**
 * Standard input as an Input: each read fills the buffer (as a file's read does) unless the
 * input ends. (Opening /dev/stdin fails when it is a socket, as a child process's often is.)
 */
function stdinInput(): Input {
  const chunks = process.stdin[Symbol.asyncIterator]();
  let pending = Buffer.alloc(0);
  return {
    async read(buf, offset, length) {
      let n = 0;
      while (n < length) {
        if (pending.length === 0) {
          const next = await chunks.next();
          if (next.done) break;
          pending = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
        }
        const k = pending.copy(buf, offset + n, 0, Math.min(length - n, pending.length));
        pending = pending.subarray(k);
        n += k;
      }
      return { bytesRead: n };
    },
    async close() {},
  };
}

/** The non-blank lines of an NDJSON file (`-`: standard input), one batch per chunk read. */
export async function* readNdjsonBatches(
  path: string,
  options: ReadOptions = {},
): AsyncGenerator<NdjsonLine[]> {
  const chunkBytes = options.chunkBytes ?? 4 << 20;
  const maxLineBytes = options.maxLineBytes ?? 64 << 20;
  const file: Input = path === '-' ? stdinInput() : await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(chunkBytes);
    let carry: Buffer | undefined; // start of a line continued in the next chunk
    let tooLong = false; // the current line passed maxLineBytes: skip to its end
    let lineNo = 0;
    let atStart = true;
    for (;;) {
      const { bytesRead } = await file.read(buf, 0, chunkBytes, null);
      if (bytesRead === 0) break;
      let data = buf.subarray(0, bytesRead);
      if (carry !== undefined) {
        data = Buffer.concat([carry, data]);
        carry = undefined;
      }
      let start = 0;
      if (atStart) {
        if (data.length < 3 && bytesRead === chunkBytes) {
          carry = Buffer.from(data);
          continue;
        }
        if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) start = 3;
        atStart = false;
      }
      const batch: NdjsonLine[] = [];
      const lastLf = data.lastIndexOf(LF);
      const allUtf8 = lastLf < start || isUtf8(data.subarray(start, lastLf));
      for (let nl = data.indexOf(LF, start); nl !== -1; nl = data.indexOf(LF, start)) {
        lineNo++;
        if (tooLong) {
          batch.push({ line: lineNo, text: '', error: `line longer than ${maxLineBytes} bytes` });
          tooLong = false;
        } else {
          pushLine(batch, data, start, nl, lineNo, allUtf8, maxLineBytes);
        }
        start = nl + 1;
      }
      if (start < data.length && !tooLong) {
        if (data.length - start > maxLineBytes) tooLong = true;
        else carry = Buffer.from(data.subarray(start));
      }
      if (batch.length > 0) yield batch;
    }
    if (carry !== undefined || tooLong) {
      const batch: NdjsonLine[] = [];
      lineNo++;
      if (tooLong) batch.push({ line: lineNo, text: '', error: `line longer than ${maxLineBytes} bytes` });
      else
        pushLine(batch, carry!, atStart ? bomLength(carry!) : 0, carry!.length, lineNo, false, maxLineBytes);
      if (batch.length > 0) yield batch;
    }
  } finally {
    await file.close();
  }
}

function bomLength(b: Buffer): number {
  return b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
}

function pushLine(
  batch: NdjsonLine[],
  data: Buffer,
  start: number,
  end: number,
  line: number,
  knownUtf8: boolean,
  maxLineBytes: number,
): void {
  if (end > start && data[end - 1] === CR) end--;
  if (end === start) return;
  if (end - start > maxLineBytes) {
    batch.push({ line, text: '', error: `line longer than ${maxLineBytes} bytes` });
    return;
  }
  if (!knownUtf8 && !isUtf8(data.subarray(start, end))) {
    batch.push({
      line,
      text: data.toString('utf8', start, Math.min(end, start + 80)),
      error: 'invalid UTF-8',
    });
    return;
  }
  const text = data.toString('utf8', start, end);
  const c = data[start];
  // Blank: only white space (cheap test first: JSON objects start with '{').
  if ((c === 32 || c === 9 || c === CR) && text.trim() === '') return;
  batch.push({ line, text });
}

/** The non-blank lines of an NDJSON file, one at a time. */
export async function* readNdjsonLines(path: string, options: ReadOptions = {}): AsyncGenerator<NdjsonLine> {
  for await (const batch of readNdjsonBatches(path, options)) yield* batch;
}
