import type { Dispatcher } from 'undici';
import type { Expiring } from './deadlines.ts';

/** Receives the end of a request: `error` undefined means a complete response. */
export interface RequestSink {
  settle(request: InFlightRequest, error: Error | undefined): void;
}

/**
 * One request in flight and its undici dispatch handler in one object (one allocation per
 * request). The body is read and discarded chunk by chunk, which keeps the connection reusable.
 * `settled` is set by the sink on the first outcome, so a late callback after a client timeout
 * is ignored.
 */
export class InFlightRequest implements Dispatcher.DispatchHandler, Expiring {
  settled = false;
  status = 0;
  readonly seq: number;
  readonly scheduledMs: number;
  readonly sentMs: number;
  readonly deadlineMs: number;
  readonly #sink: RequestSink;
  #controller: Dispatcher.DispatchController | undefined;
  #abortReason: Error | undefined;

  constructor(sink: RequestSink, seq: number, scheduledMs: number, sentMs: number, deadlineMs: number) {
    this.#sink = sink;
    this.seq = seq;
    this.scheduledMs = scheduledMs;
    this.sentMs = sentMs;
    this.deadlineMs = deadlineMs;
  }

  /** Cancels the request at the HTTP level (now, or as soon as undici starts it). */
  abort(reason: Error): void {
    this.#abortReason = reason;
    this.#controller?.abort(reason);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#abortReason !== undefined) controller.abort(this.#abortReason);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number): void {
    this.status = statusCode;
  }

  onResponseData(): void {}

  onResponseEnd(): void {
    this.#sink.settle(this, undefined);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.#sink.settle(this, error);
  }
}
