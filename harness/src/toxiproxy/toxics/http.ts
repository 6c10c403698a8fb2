import { STATUS_CODES } from 'node:http';
import { RequestFramer, type FramerEvent, type RequestHead } from '../http/request-framer.ts';
import type { Attributes, StageIO, ToxicKind } from './toxic.ts';

/**
 * `http` — a faultline extension, not a Toxiproxy toxic (Toxiproxy is TCP-only and has declined
 * HTTP toxics: its issue #50). On the upstream stream it follows HTTP/1.x requests
 * (http/request-framer.ts) and, for a share `rate` of them drawn from the server's seeded
 * generator, after `delay` ms:
 * - `status` ≠ 0: answers the request itself with that status, and the server never sees it;
 *   the connection stays open unless the request asked to close it (or waits for
 *   `100 Continue`, whose body may or may not come);
 * - `abort` = 1: closes the connection without an answer, the request swallowed;
 * - neither: forwards the request, late (a delay on matching requests only, not on the link).
 * The answer travels back through the downstream toxics, as the server's would.
 *
 * It assumes requests are not pipelined — no mainstream client pipelines — because an answer of
 * its own must not overtake the server's answer to a request before it. A request it can see was
 * pipelined (sent with the end of the one before) turns it off for that connection. Bytes that
 * are not HTTP/1.x pass untouched. `toxicity` decides per connection, as for every toxic;
 * `rate` per request.
 */

interface HttpToxicState {
  readonly framer: RequestFramer;
  /** What becomes of the rest of the request in progress. */
  current: 'forward' | 'answer' | undefined;
  /** The answer sent once the request it answers is complete. */
  answer: { bytes: Buffer; close: boolean } | undefined;
  /** The client pipelines requests: nothing is touched on this connection any more. */
  pipelining: boolean;
  /** The toxic ended the connection (abort, an answer that closes): what else comes is dropped. */
  closing: boolean;
}

const body = (status: number) => `faultline http toxic: ${status} ${STATUS_CODES[status] ?? ''}`.trim() + '\n';

/** An answer as a server would write it: status line, framing, a short text body. */
export function answerBytes(status: number, request: RequestHead, close: boolean): Buffer {
  const bodiless = status === 204 || status === 304 || (status >= 100 && status < 200);
  const text = bodiless ? '' : body(status);
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}`, 'x-faultline-toxic: http'];
  if (!bodiless) lines.push('content-type: text/plain; charset=utf-8', `content-length: ${Buffer.byteLength(text)}`);
  if (close) lines.push('connection: close');
  // A HEAD request gets the fields, never the body.
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${request.method === 'HEAD' ? '' : text}`, 'latin1');
}

export const httpToxic: ToxicKind<HttpToxicState> = {
  type: 'http',
  goStruct: 'HttpToxic',
  attributes: [
    { name: 'status', goType: 'int' },
    { name: 'rate', goType: 'float64' },
    { name: 'delay', goType: 'int64' },
    { name: 'abort', goType: 'int' },
  ],
  streams: ['upstream'],
  extension: {
    description:
      'faultline extension: answers a share `rate` (0–1) of HTTP/1.x requests with `status`, or closes the connection (`abort` 1), or only delays them; after `delay` ms. Upstream only.',
  },
  validate({ status = 0, rate = 0, abort = 0 }) {
    if (!Number.isInteger(status) || (status !== 0 && (status < 200 || status > 599))) return `status ${status}: must be 0 (no answer of its own) or 200–599`;
    if (rate > 1) return `rate ${rate}: must be a share between 0 and 1`;
    if (abort !== 0 && abort !== 1) return `abort ${abort}: must be 0 or 1`;
    if (abort === 1 && status !== 0) return 'abort 1 closes the connection without an answer: give status 0 with it';
    return undefined;
  },
  newState: () => ({ framer: new RequestFramer(), current: undefined, answer: undefined, pipelining: false, closing: false }),
  closesOnRemoveIf: (state) => state.current === 'answer' || state.closing,
  async pipe(io, attributes) {
    for (;;) {
      const chunk = await io.read();
      if (chunk === undefined) return;
      if (chunk === null) return io.end();
      if (io.state.closing) continue;
      for (const event of io.state.framer.push(chunk.data)) {
        if (io.state.closing) break;
        await handle(event, io, attributes, chunk.atMs);
      }
    }
  },
};

async function handle(event: FramerEvent, io: StageIO<HttpToxicState>, attributes: Attributes, atMs: number): Promise<void> {
  const state = io.state;
  switch (event.kind) {
    case 'pass':
      return io.write({ data: event.bytes, atMs });
    case 'body':
      if (state.current !== 'answer') await io.write({ data: event.bytes, atMs });
      return;
    case 'end':
      if (state.current === 'answer' && state.answer) {
        io.reply(state.answer.bytes, { close: state.answer.close });
        state.closing = state.answer.close;
      }
      state.current = undefined;
      state.answer = undefined;
      return;
    case 'head':
      return handleHead(event.head, event.bytes, event.pipelined, io, attributes, atMs);
  }
}

async function handleHead(
  head: RequestHead,
  bytes: Buffer,
  pipelined: boolean,
  io: StageIO<HttpToxicState>,
  { status = 0, rate = 0, delay = 0, abort = 0 }: Attributes,
  atMs: number,
): Promise<void> {
  const state = io.state;
  if (pipelined) state.pipelining = true;
  // Drawn for every request it could touch, whatever the rate: the sequence of draws then does
  // not depend on the attributes, as with toxicity.
  const selected = !state.pipelining && io.random.float() < rate;
  if (!selected || (status === 0 && abort === 0 && delay === 0)) {
    state.current = 'forward';
    return io.write({ data: bytes, atMs });
  }
  // Interrupted (the toxic updated or removed), the wait ends at once and the request goes on.
  if (delay > 0) await io.sleepUntil(performance.now() + delay);
  if (abort === 1) {
    state.framer.answered();
    state.current = 'answer';
    state.closing = true;
    return io.closeLink();
  }
  if (status === 0) {
    state.current = 'forward';
    return io.write({ data: bytes, atMs });
  }
  state.framer.answered();
  state.current = 'answer';
  // A client waiting for 100 Continue may send the body or not: the answer goes now, and the
  // connection closes after it, as a server that refuses the request does.
  const close = head.closes || head.expectContinue;
  const answer = { bytes: answerBytes(status, head, close), close };
  if (head.expectContinue) {
    io.reply(answer.bytes, { close: true });
    state.closing = true;
    return;
  }
  state.answer = answer;
}
