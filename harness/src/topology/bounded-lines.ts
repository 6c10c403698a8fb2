import type { Readable } from 'node:stream';

/** Longest line kept from a service's output, bytes; the rest of a longer line is dropped. */
export const MAX_LINE_BYTES = 16 * 1024;

/**
 * Calls `onLine` for each line of `stream`, holding at most `maxLineBytes` of a line in memory.
 * A service may write gigabytes, with or without newlines (readline would hold a line without
 * one whole): a longer line is cut and marked with how much was dropped. The stream is always
 * read (never paused), so a flooding service cannot block on a full pipe either.
 */
export function boundedLines(stream: Readable, onLine: (line: string) => void, maxLineBytes = MAX_LINE_BYTES): void {
  let kept: Buffer[] = [];
  let keptBytes = 0;
  let dropped = 0;
  const take = (part: Buffer) => {
    const room = maxLineBytes - keptBytes;
    if (room > 0) {
      const piece = part.length <= room ? part : part.subarray(0, room);
      kept.push(piece);
      keptBytes += piece.length;
    }
    dropped += Math.max(0, part.length - Math.max(0, room));
  };
  const flush = () => {
    const text = Buffer.concat(kept).toString('utf8').replace(/\r$/, '');
    onLine(dropped > 0 ? `${text}… [${dropped} more bytes of this line dropped]` : text);
    kept = [];
    keptBytes = 0;
    dropped = 0;
  };
  stream.on('data', (chunk: Buffer) => {
    let start = 0;
    for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, start)) {
      take(chunk.subarray(start, at));
      flush();
      start = at + 1;
    }
    if (start < chunk.length) take(chunk.subarray(start));
  });
  stream.on('end', () => {
    if (keptBytes > 0 || dropped > 0) flush();
  });
}
