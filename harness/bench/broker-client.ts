// The broker benchmark's client process: one publisher and one consumer, each on its own
// connection through its own proxy, as trip and dispatch are in a run (the sample services' own
// MQTT adapter, with the resilient profile's settings: confirmed QoS 1 publishes, a durable
// subscription acknowledged after the handler). Both live in this process, so a message's
// latency is read on one monotonic clock. The parent asks for one measurement at a time over
// IPC; this process never outlives it.
import mqtt from 'mqtt';
import { mqttAdapter } from '../../services/lib/messaging/mqtt.ts';
import { newEnvelope } from '../../services/lib/messaging/envelope.ts';
import type { Consumer, Publisher } from '../../services/lib/messaging/bus.ts';

/** One measurement: open-loop QoS 1 publishes at `rate` for `seconds` after a warm-up. */
export interface MeasureRequest {
  id: number;
  /** The broker through the publisher's proxy and through the consumer's (`mqtt://host:port`). */
  publishUrl: string;
  subscribeUrl: string;
  /** A topic of this measurement alone: nothing of an earlier one can arrive on it. */
  topic: string;
  rate: number;
  seconds: number;
  /** Publishes at the same rate before, not recorded (JIT, connection buffers, the broker's queues). */
  warmupSeconds: number;
  /** After the last publish, how long to wait for what is still on its way. */
  drainMs: number;
  /** Publishes awaiting the broker's acknowledgement at most; an arrival beyond is dropped, not
   * queued, so a broker that falls behind shows as dropped arrivals (open model). */
  maxInFlight: number;
}

export interface MeasureResult {
  id: number;
  /** Arrivals of the measured part: sent plus dropped. */
  scheduled: number;
  sent: number;
  dropped: number;
  /** Publishes the broker did not acknowledge (timeout or error). */
  failed: number;
  /** Distinct measured messages received, and deliveries of one already received. */
  received: number;
  duplicates: number;
  /** Per received message: from its scheduled send, and from its actual send (ms). */
  fromScheduledMs: number[];
  fromSentMs: number[];
  /** How late the publisher sent at worst (ms after the scheduled time). */
  sendLagMaxMs: number;
}

interface Payload {
  seq: number;
  /** -1 for a warm-up message. */
  scheduledMs: number;
  sentMs: number;
}

async function connected(client: { readonly connected: boolean }, what: string): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (!client.connected) {
    if (performance.now() > deadline) throw new Error(`${what} did not connect within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Open-loop arrivals at `rate` for `seconds` from a little after now: `send(seq, scheduledMs)`
 * for each, as soon as its time has come (a late timer sends every arrival that is due). */
async function arrivals(rate: number, seconds: number, send: (seq: number, scheduledMs: number) => void): Promise<void> {
  const count = Math.round(rate * seconds);
  const intervalMs = 1000 / rate;
  const startMs = performance.now() + 5;
  let next = 0;
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      for (; next < count && startMs + next * intervalMs <= now; next++) send(next, startMs + next * intervalMs);
      if (next >= count) return done();
      setTimeout(tick, Math.max(0, startMs + next * intervalMs - performance.now()));
    };
    tick();
  });
}

/** Ends the durable session a consumer left at the broker (a clean connect under its client id):
 * what a step the broker could not keep up with left queued must not weigh on the next one. */
async function discardSession(url: string, clientId: string): Promise<void> {
  try {
    const client = await mqtt.connectAsync(url, { clientId, clean: true, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 3000 });
    await client.endAsync();
  } catch {
    // Nothing to discard if the broker is gone (the run is stopping).
  }
}

let clientSeq = 0;

export async function measure(request: MeasureRequest): Promise<MeasureResult> {
  const result: MeasureResult = {
    id: request.id,
    scheduled: 0,
    sent: 0,
    dropped: 0,
    failed: 0,
    received: 0,
    duplicates: 0,
    fromScheduledMs: [],
    fromSentMs: [],
    sendLagMaxMs: 0,
  };
  const seen = new Set<number>();
  let wake: (() => void) | undefined;
  const suffix = `${process.pid}-${++clientSeq}`;
  const consumerId = `bench-sub-${suffix}`;
  const consumer: Consumer = mqttAdapter.connectConsumer({
    url: request.subscribeUrl,
    clientId: consumerId,
    channels: [request.topic],
    durable: true,
    ackAfterProcessing: true,
    handle: async ({ envelope }) => {
      const receivedMs = performance.now();
      const payload = envelope.payload as Payload;
      if (payload.scheduledMs < 0) return;
      if (seen.has(payload.seq)) {
        result.duplicates++;
        return;
      }
      seen.add(payload.seq);
      result.received++;
      result.fromScheduledMs.push(receivedMs - payload.scheduledMs);
      result.fromSentMs.push(receivedMs - payload.sentMs);
      wake?.();
    },
  });
  const publisher: Publisher = mqttAdapter.connectPublisher({ url: request.publishUrl, clientId: `bench-pub-${suffix}` });
  try {
    await connected(consumer, 'the consumer');
    await connected(publisher, 'the publisher');
    let inFlight = 0;
    const publish = (payload: Payload, measured: boolean) => {
      if (inFlight >= request.maxInFlight) {
        if (measured) result.dropped++;
        return;
      }
      inFlight++;
      if (measured) result.sent++;
      publisher
        .publish(request.topic, newEnvelope('trip.created', payload), { confirmed: true, timeoutMs: 5000 })
        .catch(() => {
          if (measured) result.failed++;
        })
        .finally(() => inFlight--);
    };
    await arrivals(request.rate, request.warmupSeconds, (seq) => publish({ seq, scheduledMs: -1, sentMs: performance.now() }, false));
    await arrivals(request.rate, request.seconds, (seq, scheduledMs) => {
      const sentMs = performance.now();
      result.sendLagMaxMs = Math.max(result.sendLagMaxMs, sentMs - scheduledMs);
      result.scheduled++;
      publish({ seq, scheduledMs, sentMs }, true);
    });
    // What is still on its way: wait until every sent message arrived, or the drain ran out.
    const deadline = performance.now() + request.drainMs;
    while (result.received < result.sent && performance.now() < deadline) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, Math.max(0, Math.min(100, deadline - performance.now())));
      });
    }
    wake = undefined;
    return result;
  } finally {
    await Promise.all([publisher.close(), consumer.close()]);
    await discardSession(request.subscribeUrl, consumerId);
  }
}

// As a child process: measure on request, never outlive the parent. A Ctrl-C reaches the whole
// process group; the parent decides what stops, so this process ignores SIGINT and SIGTERM and
// exits when the parent disconnects.
if (process.send) {
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);
  process.on('disconnect', () => process.exit(0));
  process.on('message', (request: MeasureRequest) => {
    measure(request).then(
      (result) => process.send?.({ result }),
      (error: unknown) => process.send?.({ id: request.id, error: error instanceof Error ? error.message : String(error) }),
    );
  });
  process.send({ ready: true });
}
