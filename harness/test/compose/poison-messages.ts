import mqtt from 'mqtt';
import type { RunEvents } from '../../src/model/events.ts';

/**
 * A reporter that, once a run's load has gone on for `atMs`, publishes `count` messages on
 * `channel` straight to the run's broker (StackInfo.broker), each a well-formed envelope whose
 * payload breaks the channel's contract — a message no consumer can ever handle. No fault kind
 * makes one, and only such a message exercises what a consumer does with a message that fails
 * for good (retries, then a dead letter or a drop). `settled` waits for the publishes and ends
 * the connection; it says how many the broker acknowledged.
 */
export interface PoisonMessages extends RunEvents {
  settled(): Promise<number>;
}

export function poisonMessages(options: { channel: string; atMs: number; count: number }): PoisonMessages {
  let broker: string | undefined;
  let publishing: Promise<number> | undefined;
  const publish = async (url: string): Promise<number> => {
    const client = await mqtt.connectAsync(url, { clientId: `faultline-test-poison-${process.pid}`, clean: true, reconnectPeriod: 0, connectTimeout: 3_000 });
    try {
      for (let i = 0; i < options.count; i++) {
        // tripId must be a string like t-…: dispatch's handler rejects this payload every time.
        const envelope = { id: `poison-${i}`, type: options.channel, occurredAt: new Date().toISOString(), payload: { tripId: 42 } };
        await client.publishAsync(options.channel, JSON.stringify(envelope), { qos: 1 });
      }
      return options.count;
    } finally {
      await client.endAsync();
    }
  };
  return {
    onStack: (info) => (broker = info.broker),
    onSecond: (second) => {
      if (publishing || broker === undefined || second.elapsedMs < options.atMs) return;
      publishing = publish(broker);
      // Awaited in settled(); until then a failure must not be an unhandled rejection.
      publishing.catch(() => undefined);
    },
    settled: () =>
      publishing ?? Promise.reject(new Error(`no poison message was published (broker ${broker ?? 'unknown'}; the load never reached ${options.atMs} ms?)`)),
  };
}
