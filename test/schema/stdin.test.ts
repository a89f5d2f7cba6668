/**
 * `-` reads standard input (`validate -`, src/schema/ndjson.ts): in process, with a stream in
 * place of process.stdin, so that the reader's own branches are exercised (chunks split across
 * reads, string and Buffer chunks, the end of input) and problems are named `stdin`.
 */
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { type NdjsonLine, readNdjsonLines } from '../../src/schema/ndjson.js';
import { validateFiles } from '../../src/schema/validate-files.js';

const original = Object.getOwnPropertyDescriptor(process, 'stdin');

function stdinOf(chunks: (string | Buffer)[]): void {
  Object.defineProperty(process, 'stdin', {
    value: Readable.from(chunks, { objectMode: true }),
    configurable: true,
  });
}

afterEach(() => {
  if (original !== undefined) Object.defineProperty(process, 'stdin', original);
});

describe('standard input as `-`', () => {
  it('reads lines split across chunks of both kinds, with exact line numbers', async () => {
    stdinOf([Buffer.from('{"a":1}\n{"b'), '":2}\n\n', Buffer.from('{"c":3}')]);
    const out: NdjsonLine[] = [];
    for await (const l of readNdjsonLines('-', { chunkBytes: 4 })) out.push(l);
    expect(out).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 2, text: '{"b":2}' },
      { line: 4, text: '{"c":3}' },
    ]);
  });

  it('validate names its problems `stdin`', async () => {
    stdinOf(['{oops\n']);
    const r = await validateFiles(['-'], { maxErrors: 10 });
    expect(r.total).toBe(1);
    expect(r.invalid).toBe(1);
    expect(r.errors[0]).toMatchObject({ file: 'stdin', line: 1 });
  });

  it('empty input: no line', async () => {
    stdinOf([]);
    const out: NdjsonLine[] = [];
    for await (const l of readNdjsonLines('-')) out.push(l);
    expect(out).toEqual([]);
  });
});
