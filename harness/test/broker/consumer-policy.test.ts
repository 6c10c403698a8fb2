import { describe, expect, it } from 'vitest';
import { applyConsumerPolicy, type ConsumerObserver, type ConsumerPolicy } from '../../../services/lib/messaging/consumer-policy.ts';
import { newEnvelope, type Envelope } from '../../../services/lib/messaging/envelope.ts';

function recorder() {
  const events: string[] = [];
  let inflight = 0;
  let maxInflight = 0;
  const observer: ConsumerObserver = {
    delivered: () => events.push('delivered'),
    redelivered: (_c, cause) => events.push(`redelivered:${cause}`),
    duplicate: () => events.push('duplicate'),
    inflight: (_c, change) => {
      inflight += change;
      maxInflight = Math.max(maxInflight, inflight);
    },
    deadLettered: () => events.push('dead-letter'),
    dropped: () => events.push('dropped'),
  };
  return { events, observer, inflight: () => inflight, maxInflight: () => maxInflight };
}

const resilient: ConsumerPolicy = { dedupe: true, maxAttempts: 3, retryDelayMs: 1, deadLetterChannel: 'dead-letter' };
const naive: ConsumerPolicy = { dedupe: false, maxAttempts: 1, retryDelayMs: 0 };
const delivery = (envelope: Envelope, redelivered = false) => ({ channel: 'trip.created', envelope, redelivered });

describe('consumer policy', () => {
  it('an idempotent consumer handles a redelivered message once; a naive one twice — both count the duplicate', async () => {
    for (const [policy, expectedRuns] of [
      [resilient, 1],
      [naive, 2],
    ] as const) {
      const { events, observer } = recorder();
      let runs = 0;
      const handle = applyConsumerPolicy(
        async () => void runs++,
        policy,
        observer,
        async () => undefined,
      );
      const envelope = newEnvelope('trip.created', { tripId: 't' });
      await handle(delivery(envelope));
      await handle(delivery(envelope, true));
      expect(runs).toBe(expectedRuns);
      expect(events.filter((e) => e === 'duplicate')).toHaveLength(1);
      expect(events.filter((e) => e === 'redelivered:broker')).toHaveLength(1);
    }
  });

  it('retries a failing handler up to maxAttempts, then dead-letters the message; never rejects', async () => {
    const { events, observer, inflight } = recorder();
    const deadLetters: Array<{ channel: string; id: string; error: string }> = [];
    let runs = 0;
    const handle = applyConsumerPolicy(
      async () => {
        runs++;
        throw new Error('no driver');
      },
      resilient,
      observer,
      async (channel, envelope, error) => void deadLetters.push({ channel, id: envelope.id, error: error.message }),
    );
    const envelope = newEnvelope('trip.created', {});
    await expect(handle(delivery(envelope))).resolves.toBeUndefined();
    expect(runs).toBe(3);
    expect(events.filter((e) => e === 'redelivered:retry')).toHaveLength(2);
    expect(deadLetters).toEqual([{ channel: 'dead-letter', id: envelope.id, error: 'no driver' }]);
    expect(events).toContain('dead-letter');
    expect(inflight()).toBe(0);
    // A message that failed for good is not remembered as handled: a later delivery runs again.
    await handle(delivery(envelope, true));
    expect(runs).toBe(6);
  });

  it('a handler that succeeds on a retry is not dead-lettered', async () => {
    const { events, observer } = recorder();
    let runs = 0;
    const handle = applyConsumerPolicy(
      async () => {
        if (++runs < 2) throw new Error('transient');
      },
      resilient,
      observer,
      async () => {
        throw new Error('must not be called');
      },
    );
    await handle(delivery(newEnvelope('trip.created', {})));
    expect(runs).toBe(2);
    expect(events).not.toContain('dead-letter');
    expect(events).not.toContain('dropped');
  });

  it('without a dead-letter channel a failed message is dropped and counted', async () => {
    const { events, observer } = recorder();
    const handle = applyConsumerPolicy(
      async () => {
        throw new Error('boom');
      },
      naive,
      observer,
      async () => undefined,
    );
    await handle(delivery(newEnvelope('trip.created', {})));
    expect(events).toContain('dropped');
  });

  it('counts handlers in flight', async () => {
    const { observer, maxInflight, inflight } = recorder();
    const release: Array<() => void> = [];
    const handle = applyConsumerPolicy(
      () => new Promise<void>((resolve) => release.push(resolve)),
      naive,
      observer,
      async () => undefined,
    );
    const pending = [0, 1, 2].map(() => handle(delivery(newEnvelope('trip.created', {}))));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(inflight()).toBe(3);
    release.forEach((r) => r());
    await Promise.all(pending);
    expect(maxInflight()).toBe(3);
    expect(inflight()).toBe(0);
  });
});
