import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { boundedLines } from '../../src/topology/bounded-lines.ts';

/** Feeds `chunks` through boundedLines and returns the lines it produced. */
async function linesOf(chunks: readonly (string | Buffer)[], maxLineBytes: number): Promise<string[]> {
  const stream = new PassThrough();
  const lines: string[] = [];
  boundedLines(stream, (line) => lines.push(line), maxLineBytes);
  const ended = new Promise((resolve) => stream.on('end', resolve));
  for (const chunk of chunks) stream.write(chunk);
  stream.end();
  await ended;
  return lines;
}

describe('bounded lines of a service output', () => {
  it('splits lines across chunk boundaries, drops CR of CRLF, and keeps a last line without newline', async () => {
    expect(await linesOf(['a', 'b\nc', 'd\r\n', '\n', 'tail'], 100)).toEqual(['ab', 'cd', '', 'tail']);
  });

  it('cuts a long line at the limit and says how much of it was dropped', async () => {
    expect(await linesOf(['x'.repeat(7), 'y'.repeat(5), '\nnext\n'], 10)).toEqual(['xxxxxxxyyy… [2 more bytes of this line dropped]', 'next']);
  });

  it('keeps a character split between chunks whole', async () => {
    const bytes = Buffer.from('é\n');
    expect(await linesOf([bytes.subarray(0, 1), bytes.subarray(1)], 100)).toEqual(['é']);
  });
});
