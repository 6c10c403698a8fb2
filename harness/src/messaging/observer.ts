import mqtt, { type MqttClient } from 'mqtt';
import { FaultlineError } from '../errors.ts';
import type { CompletionMessage } from '../model/recording.ts';
import { idReader } from '../util/json-pointer.ts';

export interface ObserverOptions {
  /** The broker's direct address (not through a proxy: the harness is no part of the system
   * under test, and a fault on a service's link must not blind it). */
  url: string;
  /** The completion channel, e.g. `driver.assigned`. */
  channel: string;
  /** JSON pointers into each message: the request id it completes, and its own id. */
  completionId: string;
  messageId: string;
  /** Unique per run: the broker keeps this observer's session apart from any other's. */
  clientId: string;
  /** Time since t = 0 of the load on the runner's monotonic clock (ms): the time recorded for
   * each message. Never an epoch compared across processes. */
  elapsedMs: () => number;
  /** How long `start` waits for the broker. Default 10 s. */
  connectTimeoutMs?: number;
  /** Called with each readable message as it arrives (the same entry `completions` ends up
   * holding), for live exposition. */
  onMessage?: ((message: CompletionMessage) => void) | undefined;
}

/** When `drain` resolved, and why. */
export type DrainEnd = 'all-completed' | 'drain-elapsed' | 'interrupted';

export interface DrainOptions {
  /** Ids of every accepted request: drained when each has a completion. */
  accepted: Iterable<string>;
  /** Stop at the latest at this time on the timeline (ms since t = 0): the load's end + drain. */
  untilMs: number;
  /** After the last id completed, keep listening this long without a message on the channel,
   * so a duplicate just behind the first completion is still seen. */
  quietMs: number;
  signal?: AbortSignal | undefined;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/**
 * The harness's subscriber to the completion channel: records every message that arrives on it
 * (its request id, its message id, when) on the runner's timeline, redeliveries and duplicates
 * included — matching them with the accepted requests is analysis's job.
 *
 * The session is persistent (clean = false) under a client id of its own for the run, at QoS 1,
 * as the resilient consumers' are: when the broker restarts keeping its state, the messages
 * published while the observer was reconnecting are queued for it instead of silently missed —
 * a miss would read as a lost message. (A broker that loses its state loses the observer's
 * subscription too; mqtt.js then subscribes again on reconnect, and the disconnections are
 * recorded so the report can say where the observer was blind.) `close` ends the session.
 */
export class CompletionObserver {
  readonly #options: ObserverOptions;
  readonly #client: MqttClient;
  readonly #readId: (message: unknown) => string | undefined;
  readonly #readMessageId: (message: unknown) => string | undefined;
  readonly #completions: CompletionMessage[] = [];
  readonly #completed = new Set<string>();
  readonly #disconnections: { fromMs: number; toMs: number }[] = [];
  #unreadable = 0;
  #disconnectedAtMs: number | undefined;
  #lastMessageAtMs = Number.NEGATIVE_INFINITY;
  /** Wakes a pending `drain` to look again (a message arrived). */
  #wake: (() => void) | undefined;
  #closed: Promise<void> | undefined;

  private constructor(options: ObserverOptions, client: MqttClient) {
    this.#options = options;
    this.#client = client;
    this.#readId = idReader(options.completionId);
    this.#readMessageId = idReader(options.messageId);
    client.on('message', (_topic, payload) => this.#receive(payload));
    client.on('close', () => {
      this.#disconnectedAtMs ??= this.#elapsedMs();
    });
    client.on('connect', () => {
      if (this.#disconnectedAtMs === undefined) return;
      this.#disconnections.push({ fromMs: this.#disconnectedAtMs, toMs: this.#elapsedMs() });
      this.#disconnectedAtMs = undefined;
    });
  }

  /** Connected and subscribed (SUBACK received), or FL_ENVIRONMENT: a run that cannot observe
   * its completions would count every one of them lost. */
  static async start(options: ObserverOptions): Promise<CompletionObserver> {
    const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const client = mqtt.connect(options.url, {
      clientId: options.clientId,
      clean: false,
      protocolVersion: 4,
      reconnectPeriod: 100,
      connectTimeout: Math.min(timeoutMs, 3_000),
      keepalive: 5,
    });
    // Errors (refused, reset) are followed by 'close' and a reconnect; unhandled, one would crash the run.
    client.on('error', () => undefined);
    const observer = new CompletionObserver(options, client);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        new Promise<void>((resolve) => client.once('connect', () => resolve())),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new FaultlineError('FL_ENVIRONMENT', `the async observer could not connect to the broker at ${options.url} within ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
      const granted = await client.subscribeAsync(options.channel, { qos: 1 });
      if (granted.some((grant) => grant.qos !== 1 && grant.qos !== 0)) {
        throw new FaultlineError('FL_ENVIRONMENT', `the broker at ${options.url} refused the async observer's subscription to ${options.channel}`);
      }
    } catch (error) {
      await observer.close();
      if (error instanceof FaultlineError) throw error;
      throw new FaultlineError(
        'FL_ENVIRONMENT',
        `the async observer could not subscribe to ${options.channel} at ${options.url}: ${(error as Error).message}`,
        { cause: error },
      );
    } finally {
      clearTimeout(timer);
    }
    return observer;
  }

  /** Every message seen so far, in arrival order. */
  completions(): CompletionMessage[] {
    return [...this.#completions];
  }

  /** Whether it is connected to the broker right now. */
  get connected(): boolean {
    return this.#client.connected;
  }

  /** Messages on the channel without both ids (or not JSON). */
  get unreadable(): number {
    return this.#unreadable;
  }

  /** Spans without a broker connection; one still open ends now. */
  disconnections(): { fromMs: number; toMs: number }[] {
    const open = this.#disconnectedAtMs === undefined ? [] : [{ fromMs: this.#disconnectedAtMs, toMs: this.#elapsedMs() }];
    return [...this.#disconnections, ...open];
  }

  /**
   * Keeps listening until every accepted id has a completion and the channel was quiet for
   * `quietMs`, or until `untilMs`, or until `signal` aborts; says which.
   */
  async drain(options: DrainOptions): Promise<DrainEnd> {
    const pending = new Set(options.accepted);
    const stillPending = () => {
      for (const id of pending) if (this.#completed.has(id)) pending.delete(id);
      return pending.size;
    };
    const signal = options.signal;
    while (true) {
      if (signal?.aborted) return 'interrupted';
      const nowMs = this.#elapsedMs();
      if (nowMs >= options.untilMs) return stillPending() === 0 ? 'all-completed' : 'drain-elapsed';
      let wakeAtMs = options.untilMs;
      if (stillPending() === 0) {
        const quietUntilMs = this.#lastMessageAtMs + options.quietMs;
        if (nowMs >= quietUntilMs) return 'all-completed';
        wakeAtMs = Math.min(wakeAtMs, quietUntilMs);
      }
      await this.#sleep(wakeAtMs - nowMs, signal);
    }
  }

  /** Ends the subscription and the broker's session for it. Idempotent; never throws. */
  close(): Promise<void> {
    return (this.#closed ??= this.#close());
  }

  async #close(): Promise<void> {
    this.#wake?.();
    await endQuietly(this.#client, !this.#client.connected);
    // A persistent session outlives the connection: connect once more with a clean session,
    // which makes the broker drop it, so a shared broker (`--broker`) keeps nothing of this run.
    const cleaner = mqtt.connect(this.#options.url, {
      clientId: this.#options.clientId,
      clean: true,
      protocolVersion: 4,
      reconnectPeriod: 0,
      connectTimeout: 1_000,
    });
    cleaner.on('error', () => undefined);
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(done, 1_500);
      cleaner.once('connect', done);
      cleaner.once('close', done);
    });
    await endQuietly(cleaner, !cleaner.connected);
  }

  #receive(payload: Buffer): void {
    const atMs = this.#elapsedMs();
    this.#lastMessageAtMs = atMs;
    let message: unknown;
    try {
      message = JSON.parse(payload.toString('utf8'));
    } catch {
      this.#unreadable++;
      return;
    }
    const id = this.#readId(message);
    const messageId = this.#readMessageId(message);
    if (id === undefined || messageId === undefined) {
      this.#unreadable++;
      return;
    }
    const completion: CompletionMessage = { id, messageId, atMs };
    this.#completions.push(completion);
    this.#completed.add(id);
    this.#wake?.();
    this.#options.onMessage?.(completion);
  }

  #sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, Math.ceil(ms)));
      signal?.addEventListener('abort', done, { once: true });
      this.#wake = done;
    });
  }

  #elapsedMs(): number {
    return this.#options.elapsedMs();
  }
}

/** Ends a client, at once when it is not connected; gives up after 2 s. */
async function endQuietly(client: MqttClient, force: boolean): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => client.end(true, () => resolve()), 2_000);
    client.end(force, () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
