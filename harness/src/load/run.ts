import type { Pool } from 'undici';
import type { LoadSpec } from '../scenario/model.ts';
import type { LoadOutcome, LoadRunOptions } from './index.ts';
import type { AcceptedRequest, RequestSample } from '../model/recording.ts';
import { idReader } from '../util/json-pointer.ts';
import { compileBody } from './body.ts';
import type { BodyRenderer } from './body.ts';
import { ClientTimeoutError, classifyError, successTable } from './classify.ts';
import { DeadlineQueue } from './deadlines.ts';
import { LatencyHistogram } from './latency.ts';
import { LiveSeconds } from './live.ts';
import { InFlightRequest } from './request.ts';
import { ERROR_CODE, SampleLog } from './samples.ts';
import type { RequestSink } from './request.ts';
import { ArrivalSchedule } from './schedule.ts';
import { createPool, requestHeaders, resolveTarget } from './target.ts';

/** Options only the benchmark uses. */
export interface InternalLoadOptions extends LoadRunOptions {
  /** Keep samples and latency histograms. Default true; false measures what recording costs. */
  record?: boolean;
}

/** Runs the open-model load of `options.spec` against `options.baseUrl`; see docs/load.md. */
export async function executeLoad(options: InternalLoadOptions): Promise<LoadOutcome> {
  return new LoadRun(options).run();
}

/**
 * One run of the generator: a send loop that wakes at the next arrival (or second boundary),
 * sends everything that has come due, and sleeps again; responses come back through `settle`.
 */
class LoadRun implements RequestSink {
  readonly #spec: LoadSpec;
  readonly #schedule: ArrivalSchedule;
  readonly #now: () => number;
  readonly #originMs: number;
  readonly #signal: AbortSignal | undefined;
  readonly #record: boolean;
  readonly #pool: Pool;
  readonly #path: string;
  readonly #headers: Record<string, string>;
  readonly #renderBody: BodyRenderer;
  readonly #success: Uint8Array;
  readonly #deadlines: DeadlineQueue<InFlightRequest>;
  readonly #live: LiveSeconds | undefined;
  readonly #log: SampleLog | undefined;
  readonly #dropped: number[] = [];
  /** Reads an accepted request's id from its body; undefined when the run follows no async outcome. */
  readonly #readId: ((body: unknown) => string | undefined) | undefined;
  readonly #onAccepted: ((request: AcceptedRequest) => void) | undefined;
  readonly #accepted: AcceptedRequest[] = [];
  #acceptedWithoutId = 0;
  #inFlight = 0;
  #aborted = false;
  #callbackError: unknown;
  #sleepTimer: NodeJS.Timeout | undefined;
  #wakeSleeper: (() => void) | undefined;
  #wakeDrain: (() => void) | undefined;

  constructor(options: InternalLoadOptions) {
    this.#spec = options.spec;
    this.#schedule = new ArrivalSchedule(options.spec.stages);
    this.#now = options.now ?? (() => performance.now());
    this.#originMs = options.originMs ?? this.#now();
    this.#signal = options.signal;
    this.#record = options.record ?? true;
    const target = resolveTarget(options.baseUrl, options.spec.path);
    this.#path = target.path;
    this.#pool = createPool(target.origin, options.spec);
    this.#headers = requestHeaders(options.spec);
    this.#renderBody = compileBody(options.spec.body, options.seed);
    this.#success = successTable(options.spec.successStatuses);
    this.#deadlines = new DeadlineQueue(
      () => this.#elapsedMs(),
      (request) => this.#timeOut(request),
    );
    this.#log = this.#record ? new SampleLog(this.#schedule.count) : undefined;
    this.#readId = options.acceptedId === undefined ? undefined : idReader(options.acceptedId);
    this.#onAccepted = options.onAccepted;
    const onSecond = options.onSecond;
    this.#live = onSecond && new LiveSeconds(this.#schedule, this.#log, (second) => this.#guard(() => onSecond(second)));
  }

  async run(): Promise<LoadOutcome> {
    const onAbort = () => this.#abort();
    this.#signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (this.#signal?.aborted) this.#abort();
      await this.#sendLoop();
      await this.#drain();
    } finally {
      this.#signal?.removeEventListener('abort', onAbort);
      clearTimeout(this.#sleepTimer);
      this.#deadlines.clear();
      await this.#pool.destroy();
    }
    if (this.#callbackError !== undefined) throw this.#callbackError;
    // Histograms and sample objects are built after the run, off the response path.
    const fromScheduled = new LatencyHistogram();
    const fromSent = new LatencyHistogram();
    this.#log?.recordFromScheduled(fromScheduled);
    this.#log?.recordFromSent(fromSent);
    const samples: RequestSample[] = this.#log?.toSamples() ?? [];
    return {
      samples,
      dropped: this.#dropped,
      aborted: this.#aborted,
      accepted: this.#accepted,
      acceptedWithoutId: this.#acceptedWithoutId,
      histogram: { fromScheduled: fromScheduled.summary(), fromSent: fromSent.summary() },
    };
  }

  settle(request: InFlightRequest, error: Error | undefined): void {
    if (request.settled) return;
    request.settled = true;
    this.#inFlight--;
    const endMs = this.#elapsedMs();
    let errorCode = 0;
    if (error !== undefined) errorCode = ERROR_CODE[classifyError(error)];
    else if (this.#success[request.status] !== 1) errorCode = ERROR_CODE.status;
    const live = this.#live;
    if (live !== undefined) {
      // Before logging this sample: it belongs to the second now starting, not the one ending.
      // The last second is the send loop's to end (after its last, maybe late, batch).
      if (endMs >= live.rollAtMs && !live.onLastSecond) live.roll(endMs, this.#inFlight);
      if (errorCode === 0) live.ok++;
      else live.errors++;
    }
    this.#log?.push(request.scheduledMs, request.sentMs, endMs, request.status, errorCode);
    if (errorCode === 0 && this.#readId !== undefined) this.#keepId(request, endMs, this.#readId);
    if (this.#inFlight === 0) this.#wakeDrain?.();
  }

  /** An accepted request's id from its body, with its times, for the async observer's matching. */
  #keepId(request: InFlightRequest, endMs: number, readId: (body: unknown) => string | undefined): void {
    const body = request.body();
    let id: string | undefined;
    if (body !== undefined && body.length > 0) {
      try {
        id = readId(JSON.parse(body.toString('utf8')));
      } catch {
        id = undefined; // not JSON: accepted, but it cannot be followed
      }
    }
    if (id === undefined) {
      this.#acceptedWithoutId++;
      return;
    }
    const accepted: AcceptedRequest = { id, scheduledMs: request.scheduledMs, acceptedMs: endMs };
    this.#accepted.push(accepted);
    const onAccepted = this.#onAccepted;
    if (onAccepted !== undefined) this.#guard(() => onAccepted(accepted));
  }

  async #sendLoop(): Promise<void> {
    const schedule = this.#schedule;
    const durationMs = schedule.durationMs;
    let seq = 0;
    let nextMs = schedule.count > 0 ? schedule.timeOfMs(0) : Infinity;
    while (!this.#aborted) {
      const nowMs = this.#elapsedMs();
      // Late wake-ups (coarse timers, a busy loop) catch up here: every arrival that has come
      // due is sent now, in one batch, each with its own scheduled time; lateness shows in sentMs.
      // Seconds roll before a batch that belongs to a second now starting, and after the last
      // one, so that every send is counted in a reported second.
      if (!this.#live?.onLastSecond) this.#live?.roll(nowMs, this.#inFlight);
      while (nextMs <= nowMs && !this.#aborted) {
        this.#arrive(seq, nextMs);
        seq++;
        nextMs = seq < schedule.count ? schedule.timeOfMs(seq) : Infinity;
      }
      if (nowMs >= durationMs) {
        this.#live?.roll(nowMs, this.#inFlight);
        return;
      }
      await this.#sleepUntil(Math.min(nextMs, this.#live?.rollAtMs ?? Infinity, durationMs));
    }
  }

  #arrive(seq: number, scheduledMs: number): void {
    if (this.#inFlight >= this.#spec.maxInFlight) {
      this.#dropped.push(scheduledMs);
      if (this.#live !== undefined) this.#live.dropped++;
      return;
    }
    const sentMs = this.#elapsedMs();
    const request = new InFlightRequest(this, seq, scheduledMs, sentMs, sentMs + this.#spec.timeoutMs, this.#readId !== undefined);
    this.#inFlight++;
    if (this.#live !== undefined) this.#live.sent++;
    this.#deadlines.add(request);
    try {
      this.#pool.dispatch({ path: this.#path, method: this.#spec.method, headers: this.#headers, body: this.#renderBody(seq) ?? null }, request);
    } catch (error) {
      this.settle(request, error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Waits for the requests still in flight after the schedule; each ends by its client timeout at the latest. */
  async #drain(): Promise<void> {
    while (this.#inFlight > 0 && !this.#aborted) await new Promise<void>((resolve) => (this.#wakeDrain = resolve));
    this.#wakeDrain = undefined;
  }

  #timeOut(request: InFlightRequest): void {
    const reason = new ClientTimeoutError(this.#spec.timeoutMs);
    this.settle(request, reason);
    request.abort(reason);
  }

  /** Stops the run: no more sends; requests in flight are cancelled and not recorded. */
  #abort(): void {
    if (this.#aborted) return;
    this.#aborted = true;
    const reason = new Error('load aborted');
    this.#deadlines.forEachPending((request) => {
      request.settled = true;
      this.#inFlight--;
      request.abort(reason);
    });
    clearTimeout(this.#sleepTimer);
    this.#wakeSleeper?.();
    this.#wakeDrain?.();
  }

  #sleepUntil(wakeMs: number): Promise<void> {
    return new Promise((resolve) => {
      this.#wakeSleeper = resolve;
      this.#sleepTimer = setTimeout(resolve, Math.max(0, Math.ceil(wakeMs - this.#elapsedMs())));
    });
  }

  #elapsedMs(): number {
    return this.#now() - this.#originMs;
  }

  /** Runs a user callback; its first exception is rethrown when the run has cleaned up. */
  #guard(callback: () => void): void {
    try {
      callback();
    } catch (error) {
      this.#callbackError ??= error;
    }
  }
}
