import type { Dispatcher } from 'undici';
import type { Expiring } from './deadlines.ts';

/** Receives the end of a request: `error` undefined means a complete response. */
export interface RequestSink {
  settle(request: InFlightRequest, error: Error | undefined): void;
}

/** The most of a response body kept to read an accepted request's id (`async:`): an id sits in
 * a small JSON answer, and a bigger body is not worth holding for it. */
export const MAX_ID_BODY_BYTES = 64 * 1024;

/**
 * One request in flight and its undici dispatch handler in one object (one allocation per
 * request). The body is read and discarded chunk by chunk, which keeps the connection reusable;
 * only when the run follows asynchronous outcomes are the first MAX_ID_BODY_BYTES kept, to read
 * the request's id from.
 * `settled` is set by the sink on the first outcome, so a late callback after a client timeout
 * is ignored.
 *
 * It implements undici's callback interface (`onConnect`/`onHeaders`/`onData`/`onComplete`/
 * `onError`), which undici 7's core calls natively: a handler of the newer `onRequestStart`/
 * `onResponse*` interface gets wrapped per request in an adapter and a controller, and its
 * response headers parsed into an object we never read. That is measurable at 10k req/s.
 */
export class InFlightRequest implements Dispatcher.DispatchHandler, Expiring {
  settled = false;
  status = 0;
  readonly seq: number;
  readonly scheduledMs: number;
  readonly sentMs: number;
  readonly deadlineMs: number;
  readonly #sink: RequestSink;
  #abortUndici: ((reason?: Error) => void) | undefined;
  #abortReason: Error | undefined;
  /** Body chunks kept (only when `keepBody`); undefined once the body outgrew the limit. */
  #chunks: Buffer[] | undefined;
  #bodyBytes = 0;

  constructor(sink: RequestSink, seq: number, scheduledMs: number, sentMs: number, deadlineMs: number, keepBody = false) {
    this.#sink = sink;
    this.seq = seq;
    this.scheduledMs = scheduledMs;
    this.sentMs = sentMs;
    this.deadlineMs = deadlineMs;
    if (keepBody) this.#chunks = [];
  }

  /** The body kept so far, or undefined: not kept, or larger than MAX_ID_BODY_BYTES. */
  body(): Buffer | undefined {
    return this.#chunks && Buffer.concat(this.#chunks, this.#bodyBytes);
  }

  /** Cancels the request at the HTTP level (now, or as soon as undici starts it). */
  abort(reason: Error): void {
    this.#abortReason = reason;
    this.#abortUndici?.(reason);
  }

  onConnect(abort: (reason?: Error) => void): void {
    this.#abortUndici = abort;
    if (this.#abortReason !== undefined) abort(this.#abortReason);
  }

  onHeaders(statusCode: number): boolean {
    this.status = statusCode;
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.#chunks !== undefined) {
      this.#bodyBytes += chunk.length;
      // Over the limit: stop keeping (the rest is still read and discarded).
      if (this.#bodyBytes > MAX_ID_BODY_BYTES) this.#chunks = undefined;
      else this.#chunks.push(chunk);
    }
    return true;
  }

  onComplete(): void {
    this.#sink.settle(this, undefined);
  }

  onError(error: Error): void {
    this.#sink.settle(this, error);
  }
}
