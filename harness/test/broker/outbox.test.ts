import { describe, expect, it } from 'vitest';
import { Outbox } from '../../../services/lib/messaging/outbox.ts';
import { newEnvelope, type Envelope } from '../../../services/lib/messaging/envelope.ts';
import { BrokerError, type Publisher, type PublishOptions } from '../../../services/lib/messaging/bus.ts';
import { createRandom } from '../../../services/lib/random.ts';

/** A publisher whose broker acknowledges only while `up`; every attempt is recorded. */
class ScriptedPublisher implements Publisher {
  up = true;
  readonly attempts: string[] = [];
  readonly acknowledged: string[] = [];
  maxConcurrent = 0;
  private concurrent = 0;
  readonly connected = true;
  async publish(_channel: string, envelope: Envelope, options: PublishOptions): Promise<void> {
    expect(options.confirmed).toBe(true);
    this.attempts.push(envelope.id);
    this.concurrent++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.concurrent);
    try {
      await new Promise((resolve) => setTimeout(resolve, 2));
      if (!this.up) throw new BrokerError('PUBLISH_TIMEOUT', 'down');
      this.acknowledged.push(envelope.id);
    } finally {
      this.concurrent--;
    }
  }
  async close(): Promise<void> {}
}

const until = async (condition: () => boolean, what: string) => {
  const deadline = performance.now() + 10_000;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

const outboxOf = (publisher: Publisher, pendingSeen: number[] = []) =>
  new Outbox({
    publisher,
    publishTimeoutMs: 100,
    maxInFlight: 4,
    backoff: { baseMs: 5, maxMs: 40 },
    random: createRandom(7),
    onPendingChange: (pending) => pendingSeen.push(pending),
  });

describe('transactional outbox relay', () => {
  it('publishes every entry once when the broker acknowledges, and empties', async () => {
    const publisher = new ScriptedPublisher();
    const pending: number[] = [];
    const outbox = outboxOf(publisher, pending);
    outbox.start();
    const ids = Array.from({ length: 20 }, (_, i) => {
      const envelope = newEnvelope('trip.created', { i });
      outbox.add('trip.created', envelope);
      return envelope.id;
    });
    await until(() => outbox.pending === 0, 'empty outbox');
    await outbox.stop();
    expect(publisher.acknowledged.sort()).toEqual([...ids].sort());
    expect(publisher.attempts).toHaveLength(20);
    expect(publisher.maxConcurrent).toBeLessThanOrEqual(4);
    expect(Math.max(...pending)).toBeGreaterThan(1);
    expect(pending.at(-1)).toBe(0);
  });

  it('keeps entries through an outage and publishes them when the broker is back — none lost', async () => {
    const publisher = new ScriptedPublisher();
    const outbox = outboxOf(publisher);
    outbox.start();
    publisher.up = false;
    const ids = Array.from({ length: 10 }, (_, i) => {
      const envelope = newEnvelope('trip.created', { i });
      outbox.add('trip.created', envelope);
      return envelope.id;
    });
    await until(() => publisher.attempts.length >= 30, 'repeated attempts during the outage');
    expect(outbox.pending).toBe(10);
    publisher.up = true;
    await until(() => outbox.pending === 0, 'drained after the outage');
    await outbox.stop();
    expect(new Set(publisher.acknowledged)).toEqual(new Set(ids));
  });

  it('stop() leaves unacknowledged entries in the store and sends nothing more', async () => {
    const publisher = new ScriptedPublisher();
    publisher.up = false;
    const outbox = outboxOf(publisher);
    outbox.start();
    outbox.add('trip.created', newEnvelope('trip.created', {}));
    await until(() => publisher.attempts.length >= 2, 'attempts');
    await outbox.stop();
    const attempts = publisher.attempts.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(publisher.attempts.length).toBe(attempts);
    expect(outbox.pending).toBe(1);
  });
});
