import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RequestFramer, type FramerEvent } from '../../src/toxiproxy/http/request-framer.ts';

/** A request as a client would write it, with what the framer should find in it. */
interface Written {
  bytes: Buffer;
  method: string;
  target: string;
  bodyBytes: number;
}

const request = (method: string, target: string, headers: string[], body = ''): Written => {
  const head = `${method} ${target} HTTP/1.1\r\nhost: x\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`;
  return { bytes: Buffer.from(head + body, 'latin1'), method, target, bodyBytes: Buffer.byteLength(body, 'latin1') };
};

const chunked = (parts: string[], trailer = ''): string => parts.map((p) => `${p.length.toString(16)}\r\n${p}\r\n`).join('') + `0\r\n${trailer}\r\n`;

/** Pushes `input` cut at `cuts` and returns every event. */
function frame(input: Buffer, cuts: number[] = [], framer = new RequestFramer()): FramerEvent[] {
  // The first push must hold the first request line whole: a connection whose first push does not
  // passes untouched by design (see the test of that below).
  const points = [...new Set(cuts.map((c) => c % (input.length + 1)))].filter((c) => c >= 64).sort((a, b) => a - b);
  const events: FramerEvent[] = [];
  let from = 0;
  for (const point of [...points, input.length]) {
    if (point <= from) continue;
    events.push(...framer.push(input.subarray(from, point)));
    from = point;
  }
  return events;
}

const bytesOf = (events: FramerEvent[]): Buffer => Buffer.concat(events.flatMap((e) => (e.kind === 'end' ? [] : [e.bytes])));

const summary = (events: FramerEvent[]) => {
  const requests: { method: string; target: string; bodyBytes: number; ended: boolean }[] = [];
  for (const event of events) {
    if (event.kind === 'head') requests.push({ method: event.head.method, target: event.head.target, bodyBytes: 0, ended: false });
    if (event.kind === 'body') requests[requests.length - 1]!.bodyBytes += event.bytes.length;
    if (event.kind === 'end') requests[requests.length - 1]!.ended = true;
  }
  return requests;
};

const arbitraryRequest = fc.oneof(
  fc
    .record({ method: fc.constantFrom('GET', 'DELETE', 'HEAD'), path: fc.stringMatching(/^\/[a-z0-9/]{0,20}$/) })
    .map(({ method, path }) => request(method, path, [])),
  fc.record({ path: fc.stringMatching(/^\/[a-z]{1,8}$/), body: fc.string({ maxLength: 300 }) }).map(({ path, body }) => {
    const latin = Buffer.from(body, 'utf8').toString('latin1');
    return request('POST', path, [`content-length: ${Buffer.byteLength(latin, 'latin1')}`], latin);
  }),
  fc
    .record({ path: fc.stringMatching(/^\/[a-z]{1,8}$/), parts: fc.array(fc.stringMatching(/^[ -~]{1,40}$/), { maxLength: 5 }), trailer: fc.boolean() })
    .map(({ path, parts, trailer }) => {
      const body = chunked(parts, trailer ? 'x-checksum: 1\r\n' : '');
      return request('PUT', path, ['transfer-encoding: chunked'], body);
    }),
);

describe('the HTTP request framer', () => {
  it('finds every request of a keep-alive stream however it is cut, and passes on exactly the bytes it got', () => {
    fc.assert(
      fc.property(fc.array(arbitraryRequest, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 12 }), (requests, cuts) => {
        const input = Buffer.concat(requests.map((r) => r.bytes));
        const events = frame(input, cuts);
        expect(bytesOf(events).equals(input)).toBe(true);
        expect(summary(events)).toEqual(requests.map((r) => ({ method: r.method, target: r.target, bodyBytes: r.bodyBytes, ended: true })));
      }),
      { seed: 20261201, numRuns: 300 },
    );
  });

  it('reads a chunked body to its last chunk and trailer, not to the first zero in the data', () => {
    const written = request('POST', '/up', ['transfer-encoding: chunked'], chunked(['0\r\n\r\n', 'abc'], 'x-t: 1\r\n'));
    const next = request('GET', '/next', []);
    const events = frame(Buffer.concat([written.bytes, next.bytes]));
    expect(summary(events)).toEqual([
      { method: 'POST', target: '/up', bodyBytes: written.bodyBytes, ended: true },
      { method: 'GET', target: '/next', bodyBytes: 0, ended: true },
    ]);
  });

  it('tells a pipelined request (sent with the end of the one before) from one sent after it', () => {
    const a = request('GET', '/a', []);
    const b = request('GET', '/b', []);
    const together = frame(Buffer.concat([a.bytes, b.bytes])).filter((e) => e.kind === 'head');
    expect(together.map((e) => e.kind === 'head' && e.pipelined)).toEqual([false, true]);
    const framer = new RequestFramer();
    const apart = [...framer.push(a.bytes), ...framer.push(b.bytes)].filter((e) => e.kind === 'head');
    expect(apart.map((e) => e.kind === 'head' && e.pipelined)).toEqual([false, false]);
  });

  it('joins a connection mid-body: bytes pass until a push starts with a request', () => {
    const framer = new RequestFramer();
    const middle = framer.push(Buffer.from('rest of a body that began before the toxic\r\n'));
    expect(middle.map((e) => e.kind)).toEqual(['pass']);
    expect(framer.synced).toBe(false);
    const next = framer.push(request('GET', '/x', []).bytes);
    expect(next.map((e) => e.kind)).toEqual(['head', 'end']);
    expect(framer.synced).toBe(true);
  });

  it('never holds bytes it cannot yet tell from another protocol: a first push cut before the target passes', () => {
    const framer = new RequestFramer();
    expect(framer.push(Buffer.from('GE'))).toEqual([{ kind: 'pass', bytes: Buffer.from('GE') }]);
    expect(framer.synced).toBe(false);
    expect(framer.push(Buffer.from('*1\r\n$4\r\nPING\r\n')).map((e) => e.kind)).toEqual(['pass']);
    expect(framer.push(request('GET', '/next', []).bytes).map((e) => e.kind)).toEqual(['head', 'end']);
  });

  it('passes what is not HTTP/1.x untouched: TLS, HTTP/2, a Redis command', () => {
    for (const bytes of [
      Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]),
      Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
      Buffer.from('*1\r\n$4\r\nPING\r\n'),
    ]) {
      const events = frame(bytes);
      expect(events.every((e) => e.kind === 'pass')).toBe(true);
      expect(bytesOf(events).equals(bytes)).toBe(true);
    }
  });

  it('stops following requests after a protocol switch is forwarded, and not after one it answered', () => {
    const upgrade = request('GET', '/ws', ['connection: upgrade', 'upgrade: websocket']);
    const next = request('GET', '/after', []).bytes;
    const forwarded = new RequestFramer();
    expect(forwarded.push(upgrade.bytes).map((e) => e.kind)).toEqual(['head', 'end']);
    expect(forwarded.push(next).map((e) => e.kind)).toEqual(['pass']);
    const answered = new RequestFramer();
    for (const event of answered.push(upgrade.bytes)) if (event.kind === 'head') answered.answered();
    expect(answered.push(next).map((e) => e.kind)).toEqual(['head', 'end']);
  });

  it('gives up on a request it cannot frame (two lengths, a bad chunk size) and passes the bytes', () => {
    const twoLengths = request('POST', '/x', ['content-length: 3', 'content-length: 4'], 'abcd');
    const events = frame(twoLengths.bytes);
    expect(events.map((e) => e.kind)).toEqual(['pass']);
    const badChunk = request('POST', '/y', ['transfer-encoding: chunked'], 'zz\r\nabc\r\n0\r\n\r\n');
    const bad = frame(badChunk.bytes);
    expect(bytesOf(bad).equals(badChunk.bytes)).toBe(true);
    expect(bad.filter((e) => e.kind === 'end')).toEqual([]);
  });
});
