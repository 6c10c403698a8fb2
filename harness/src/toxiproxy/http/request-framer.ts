/**
 * Finds where HTTP/1.x requests begin and end in the bytes a client sends, so that a toxic can
 * act on whole requests (answer one itself, hold it, drop it) while every other byte goes through
 * untouched. It never changes or invents a byte: the events of a push carry, in order, exactly
 * the bytes pushed (a property test checks it). Framing follows RFC 9112 §6: a chunked
 * Transfer-Encoding, else Content-Length, else no body.
 *
 * Hand-written rather than taken from a library: Node's own parser (llhttp) is not public API and
 * parses into objects, while this needs byte offsets of an unbounded stream it joins mid-way —
 * a toxic added to a live keep-alive connection starts between two requests, or mid-body.
 *
 * Until it has seen a request begin, the framer is *unsynced*: bytes pass as `pass` events, and
 * each later push is looked at again from its start (a client writes a new request in a write of
 * its own). Bytes that are not HTTP/1.x (TLS, HTTP/2, a database protocol) therefore pass forever;
 * so does everything after a protocol switch (CONNECT, Upgrade).
 */

export interface RequestHead {
  readonly method: string;
  readonly target: string;
  /** `1.0` or `1.1`. */
  readonly version: string;
  /** Lower-case field names, values in order. */
  readonly headers: ReadonlyMap<string, readonly string[]>;
  /** The client waits for `100 Continue` before it sends the body. */
  readonly expectContinue: boolean;
  /** The connection ends after this exchange (HTTP/1.0 without keep-alive, `Connection: close`). */
  readonly closes: boolean;
  /** A protocol switch may follow (CONNECT, `Upgrade`): HTTP framing ends after it. */
  readonly switchesProtocol: boolean;
}

export type FramerEvent =
  /** Bytes outside any request the framer understands: forward them as they are. */
  | { readonly kind: 'pass'; readonly bytes: Buffer }
  /** A complete request head (`bytes` is it, raw). `pipelined`: it came in the same push as the
   * end of the request before it, so that one's answer cannot have been read yet. */
  | { readonly kind: 'head'; readonly head: RequestHead; readonly bytes: Buffer; readonly pipelined: boolean }
  /** Body bytes (chunked framing included) of the request whose head came last. */
  | { readonly kind: 'body'; readonly bytes: Buffer }
  /** The request whose head came last is complete. */
  | { readonly kind: 'end' };

/** A head longer than this is not something the framer follows (Node's own limit is 16 KiB). */
export const maxHeadBytes = 64 * 1024;
/** A chunk-size or trailer line longer than this breaks the framing. */
const maxLineBytes = 8 * 1024;
/** How much of an unsynced push is looked at to tell whether a request line starts it. */
const requestStartProbeBytes = 32;

const tokenChar = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]$/;
const requestLine = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) (\S+) HTTP\/1\.([01])$/;

type State =
  | { kind: 'unsynced' }
  | { kind: 'head' }
  | { kind: 'length'; remaining: number }
  | { kind: 'chunk-size' }
  | { kind: 'chunk-data'; remaining: number }
  | { kind: 'chunk-crlf'; remaining: number }
  | { kind: 'trailer' }
  /** A request that may switch protocols ended in this push; the next push is HTTP again only
   * if the toxic answered it (see `answered`). */
  | { kind: 'switch-pending'; answered: boolean }
  | { kind: 'tunnel' };

const CRLF = Buffer.from('\r\n');
const headEnd = Buffer.from('\r\n\r\n');

export class RequestFramer {
  private state: State = { kind: 'unsynced' };
  /** Bytes held while a head, a chunk-size line or a trailer line is incomplete. */
  private held: Buffer = Buffer.alloc(0);
  private current: RequestHead | undefined;
  /** The last request ended in the current push: a head that follows in it is pipelined. */
  private endedThisPush = false;
  /** The head being held began in the push that ended the request before it. */
  private headBeganWithEnd = false;

  /** Whether the framer follows requests (false before the first request and after a switch). */
  get synced(): boolean {
    return this.state.kind !== 'unsynced' && this.state.kind !== 'tunnel';
  }

  /**
   * The request whose head came last was answered by the toxic, not forwarded: no protocol
   * switch follows it, whatever it asked for.
   */
  answered(): void {
    if (this.current) this.current = { ...this.current, switchesProtocol: false };
    if (this.state.kind === 'switch-pending') this.state.answered = true;
  }

  push(data: Buffer): FramerEvent[] {
    const events: FramerEvent[] = [];
    this.endedThisPush = false;
    let input = this.held.length > 0 ? Buffer.concat([this.held, data]) : data;
    this.held = Buffer.alloc(0);
    if (this.state.kind === 'switch-pending') this.state = this.state.answered ? { kind: 'head' } : { kind: 'tunnel' };
    if (this.state.kind === 'unsynced') {
      // Only a whole request line counts: holding bytes of something else (a body's text, a
      // protocol that is not HTTP) until more come could stall it for good. At worst a request
      // whose first line is cut goes through untouched.
      if (!beginsWithRequestLine(input)) return [{ kind: 'pass', bytes: input }];
      this.state = { kind: 'head' };
    }
    while (input.length > 0) {
      const consumed = this.step(input, events);
      if (consumed === undefined) break; // held for the next push
      input = input.subarray(consumed);
    }
    return events;
  }

  /** Handles the start of `input` in the current state; returns the bytes used, or undefined
   * when the rest was held. */
  private step(input: Buffer, events: FramerEvent[]): number | undefined {
    const state = this.state;
    switch (state.kind) {
      // After a request that may switch protocols, a client waits for the answer before it
      // sends more: bytes with it are not followed either way (switch-pending).
      case 'unsynced':
      case 'tunnel':
      case 'switch-pending':
        events.push({ kind: 'pass', bytes: input });
        return input.length;
      case 'head':
        return this.stepHead(input, events);
      case 'length': {
        const used = Math.min(state.remaining, input.length);
        events.push({ kind: 'body', bytes: input.subarray(0, used) });
        state.remaining -= used;
        if (state.remaining === 0) this.endRequest(events);
        return used;
      }
      case 'chunk-size': {
        const line = this.takeLine(input);
        if (line === undefined) return undefined;
        if (line === 'too-long') return this.lose(input, events);
        const size = parseChunkSize(input.subarray(0, line - 2));
        if (size === undefined) return this.lose(input, events);
        events.push({ kind: 'body', bytes: input.subarray(0, line) });
        this.state = size === 0 ? { kind: 'trailer' } : { kind: 'chunk-data', remaining: size };
        return line;
      }
      case 'chunk-data': {
        const used = Math.min(state.remaining, input.length);
        events.push({ kind: 'body', bytes: input.subarray(0, used) });
        state.remaining -= used;
        if (state.remaining === 0) this.state = { kind: 'chunk-crlf', remaining: 2 };
        return used;
      }
      case 'chunk-crlf': {
        const used = Math.min(state.remaining, input.length);
        events.push({ kind: 'body', bytes: input.subarray(0, used) });
        state.remaining -= used;
        if (state.remaining === 0) this.state = { kind: 'chunk-size' };
        return used;
      }
      case 'trailer': {
        const line = this.takeLine(input);
        if (line === undefined) return undefined;
        if (line === 'too-long') return this.lose(input, events);
        events.push({ kind: 'body', bytes: input.subarray(0, line) });
        // The empty line ends the trailer section, and the message.
        if (line === 2) this.endRequest(events);
        return line;
      }
    }
  }

  private stepHead(input: Buffer, events: FramerEvent[]): number | undefined {
    // Empty lines before a request line are allowed (RFC 9112 §2.2): they go with the head.
    let at = 0;
    while (input.length >= at + 2 && input[at] === 0x0d && input[at + 1] === 0x0a) at += 2;
    const end = input.indexOf(headEnd, at);
    if (end < 0) {
      if (input.length > maxHeadBytes) return this.lose(input, events);
      // A request that does not start like one (a pipelined one is not looked at when unsynced).
      if (input.length > at && startsRequest(input.subarray(at)) === 'no') return this.lose(input, events);
      this.held = Buffer.from(input);
      if (this.endedThisPush) this.headBeganWithEnd = true;
      return undefined;
    }
    const length = end + headEnd.length;
    const head = parseHead(input.subarray(at, end).toString('latin1'));
    if (!head) return this.lose(input, events);
    const pipelined = this.endedThisPush || this.headBeganWithEnd;
    this.headBeganWithEnd = false;
    events.push({ kind: 'head', head: head.head, bytes: input.subarray(0, length), pipelined });
    this.current = head.head;
    if (head.body.kind === 'chunked') this.state = { kind: 'chunk-size' };
    else if (head.body.length > 0) this.state = { kind: 'length', remaining: head.body.length };
    else this.endRequest(events);
    return length;
  }

  /** A complete line (CRLF included) at the start of `input`: its length; undefined when it is
   * incomplete (held); `too-long` when it cannot be a line the framing allows. */
  private takeLine(input: Buffer): number | 'too-long' | undefined {
    const end = input.indexOf(CRLF);
    if (end >= 0) return end > maxLineBytes ? 'too-long' : end + 2;
    if (input.length > maxLineBytes) return 'too-long';
    this.held = Buffer.from(input);
    return undefined;
  }

  private endRequest(events: FramerEvent[]): void {
    events.push({ kind: 'end' });
    this.endedThisPush = true;
    const switching = this.current?.switchesProtocol === true;
    this.current = undefined;
    this.state = switching ? { kind: 'switch-pending', answered: false } : { kind: 'head' };
  }

  /** The bytes do not follow HTTP/1.x framing: they, and everything up to the next push that
   * starts a request, pass. */
  private lose(input: Buffer, events: FramerEvent[]): number {
    events.push({ kind: 'pass', bytes: input });
    this.current = undefined;
    this.headBeganWithEnd = false;
    this.state = { kind: 'unsynced' };
    return input.length;
  }
}

/** Whether bytes begin with a whole request line (`METHOD target HTTP/1.x` CRLF), after the
 * empty lines RFC 9112 allows before it. */
function beginsWithRequestLine(input: Buffer): boolean {
  let at = 0;
  while (input.length >= at + 2 && input[at] === 0x0d && input[at + 1] === 0x0a) at += 2;
  const end = input.indexOf(CRLF, at);
  if (end < 0 || end - at > maxLineBytes) return false;
  return requestLine.test(input.subarray(at, end).toString('latin1'));
}

/** Whether bytes start like a request line: a method token, one space, a target. Lenient, for
 * the bytes of a head still arriving between two requests the framer follows. */
function startsRequest(input: Buffer): 'yes' | 'no' | 'undecided' {
  let at = 0;
  while (input.length >= at + 2 && input[at] === 0x0d && input[at + 1] === 0x0a) at += 2;
  const probe = input.subarray(at, at + requestStartProbeBytes).toString('latin1');
  for (let i = 0; i < probe.length; i++) {
    const char = probe[i]!;
    if (char === ' ') {
      if (i === 0) return 'no';
      if (i + 1 >= probe.length) return 'undecided';
      return /\s/.test(probe[i + 1]!) ? 'no' : 'yes';
    }
    if (!tokenChar.test(char)) return 'no';
  }
  return probe.length >= requestStartProbeBytes ? 'no' : 'undecided';
}

type BodyFraming = { kind: 'chunked' } | { kind: 'length'; length: number };

/** The request line and fields of a head (without its final CRLF CRLF); undefined when it is
 * not a request the framer can follow (the bytes then pass untouched). */
function parseHead(text: string): { head: RequestHead; body: BodyFraming } | undefined {
  const lines = text.split('\r\n');
  const start = requestLine.exec(lines[0]!);
  if (!start) return undefined;
  const headers = new Map<string, string[]>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon);
    if (![...name].every((c) => tokenChar.test(c))) return undefined;
    const key = name.toLowerCase();
    headers.set(key, [...(headers.get(key) ?? []), line.slice(colon + 1).trim()]);
  }
  const list = (name: string) =>
    (headers.get(name) ?? [])
      .flatMap((v) => v.split(','))
      .map((v) => v.trim().toLowerCase())
      .filter(Boolean);
  const method = start[1]!;
  const version = `1.${start[3]}`;
  let body: BodyFraming;
  const codings = list('transfer-encoding');
  if (codings.length > 0) {
    // A request whose last coding is not chunked has no length a server could find (RFC 9112 §6.3).
    if (codings[codings.length - 1] !== 'chunked') return undefined;
    body = { kind: 'chunked' };
  } else {
    const lengths = [...new Set(list('content-length'))];
    if (lengths.length > 1 || (lengths.length === 1 && !/^\d{1,15}$/.test(lengths[0]!))) return undefined;
    body = { kind: 'length', length: lengths.length === 1 ? Number(lengths[0]) : 0 };
  }
  const connection = list('connection');
  const closes = connection.includes('close') || (version === '1.0' && !connection.includes('keep-alive'));
  const head: RequestHead = {
    method,
    target: start[2]!,
    version,
    headers,
    expectContinue: list('expect').includes('100-continue'),
    closes,
    switchesProtocol: method === 'CONNECT' || (headers.has('upgrade') && connection.includes('upgrade')),
  };
  return { head, body };
}

/** The size of a chunk-size line (without CRLF): hex digits, then optional extensions. */
function parseChunkSize(line: Buffer): number | undefined {
  const text = line.toString('latin1');
  const match = /^([0-9A-Fa-f]{1,12})[ \t]*(?:;.*)?$/.exec(text);
  return match ? parseInt(match[1]!, 16) : undefined;
}
