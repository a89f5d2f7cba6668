/**
 * A batch's NDJSON lines as UTF-8 bytes, written as each event is serialized and handed to the
 * main thread by transfer, not copied (docs/simulate.md, "Threads and memory"). The lines as one
 * joined string cost more than their serialization: at 3,000 employees on one worker, the join
 * 3.7 s, posting the string 2.2 s and its copy on the main thread 0.9 s, against JSON.stringify's
 * 3 s (CPU profile of `simulate --out`).
 */
const encoder = new TextEncoder();

/** Starting size of a batch's buffer: a batch of 8,192 events is about 4.3 MB of lines. */
const INITIAL_BYTES = 1 << 22;

export class LineBytes {
  private buf: Uint8Array | null = null;
  private n = 0;

  constructor(private capacity = INITIAL_BYTES) {}

  /** Append `text` (one line's text, without its end) and a newline. */
  add(text: string): void {
    // A UTF-16 code unit is at most 3 bytes of UTF-8 (a surrogate pair, 2 units, is 4).
    const need = this.n + text.length * 3 + 1;
    let buf = this.buf ?? new Uint8Array(Math.max(this.capacity, need));
    if (need > buf.length) {
      const bigger = new Uint8Array(Math.max(need, buf.length * 2));
      bigger.set(buf.subarray(0, this.n));
      buf = bigger;
    }
    this.buf = buf;
    this.n += encoder.encodeInto(text, buf.subarray(this.n)).written;
    buf[this.n++] = 0x0a;
  }

  /** The lines so far, a view of a buffer the caller may transfer; the next lines go to a new one. */
  take(): Uint8Array {
    const buf = this.buf ?? new Uint8Array(0);
    const out = buf.subarray(0, this.n);
    this.capacity = Math.max(this.capacity, buf.length);
    this.buf = null;
    this.n = 0;
    return out;
  }
}
