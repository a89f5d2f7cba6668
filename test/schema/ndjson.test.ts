import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type NdjsonLine, readNdjsonLines } from '../../src/schema/ndjson.js';

const dir = mkdtempSync(join(tmpdir(), 'planledger-ndjson-'));
let n = 0;
const file = (content: string | Buffer): string => {
  const p = join(dir, `f${n++}.ndjson`);
  writeFileSync(p, content);
  return p;
};
const read = async (path: string, chunkBytes?: number, maxLineBytes?: number): Promise<NdjsonLine[]> => {
  const out: NdjsonLine[] = [];
  for await (const l of readNdjsonLines(path, { chunkBytes, maxLineBytes })) out.push(l);
  return out;
};

describe('readNdjsonLines', () => {
  it('BOM, \\r\\n, blank lines skipped with exact line numbers, no final newline', async () => {
    const p = file('\ufeff{"a":1}\r\n\r\n   \n{"b":"é"}\n\t\r\n{"c":3}');
    for (const chunk of [undefined, 1, 2, 3, 5, 7]) {
      expect(await read(p, chunk), String(chunk)).toEqual([
        { line: 1, text: '{"a":1}' },
        { line: 4, text: '{"b":"é"}' },
        { line: 6, text: '{"c":3}' },
      ]);
    }
  });

  it('empty files and files of blank lines give nothing', async () => {
    expect(await read(file(''))).toEqual([]);
    expect(await read(file('\ufeff'))).toEqual([]);
    expect(await read(file('\n\n\r\n'))).toEqual([]);
    expect(await read(file('x'), 1)).toEqual([{ line: 1, text: 'x' }]);
    expect(await read(file('\ufeffx'), 1)).toEqual([{ line: 1, text: 'x' }]);
  });

  it('multi-byte characters split across chunks stay whole', async () => {
    const text = '{"name":"😀 Ünïcödé 中文"}\n'.repeat(50);
    const lines = await read(file(text), 3);
    expect(lines).toHaveLength(50);
    expect(lines.every((l) => l.text === '{"name":"😀 Ünïcödé 中文"}')).toBe(true);
  });

  it('reports invalid UTF-8 and over-long lines without losing the count', async () => {
    const bad = Buffer.concat([
      Buffer.from('{"a":1}\n{"b":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}\n{"c":2}\n'),
    ]);
    const lines = await read(file(bad));
    expect(lines.map((l) => [l.line, l.error])).toEqual([
      [1, undefined],
      [2, 'invalid UTF-8'],
      [3, undefined],
    ]);
    const long = `{"a":1}\n${'x'.repeat(100)}\n{"b":2}\n${'y'.repeat(100)}`;
    for (const chunk of [8, 16, 1000]) {
      const got = await read(file(long), chunk, 50);
      expect(
        got.map((l) => [l.line, l.error ?? l.text]),
        String(chunk),
      ).toEqual([
        [1, '{"a":1}'],
        [2, 'line longer than 50 bytes'],
        [3, '{"b":2}'],
        [4, 'line longer than 50 bytes'],
      ]);
    }
    const lastBad = await read(file(Buffer.concat([Buffer.from('{"a":1}\n'), Buffer.from([0xc3])])));
    expect(lastBad[1]).toMatchObject({ line: 2, error: 'invalid UTF-8' });
  });

  it('fails with the file system error for a missing file', async () => {
    await expect(read(join(dir, 'missing.ndjson'))).rejects.toThrow(/ENOENT/);
  });
});
