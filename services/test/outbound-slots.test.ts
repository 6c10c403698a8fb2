import { describe, expect, it } from 'vitest';
import { OutboundSlots } from '../lib/client/outbound-slots.ts';

describe('the process-wide outbound slots', () => {
  it('grants up to the limit at once and queues the rest in arrival order', async () => {
    const slots = new OutboundSlots(2);
    const first = await slots.acquire();
    await slots.acquire();
    const granted: string[] = [];
    const third = slots.acquire().then((release) => (granted.push('third'), release));
    const fourth = slots.acquire().then((release) => (granted.push('fourth'), release));
    await new Promise((r) => setTimeout(r, 5));
    expect(granted).toEqual([]);
    expect(slots.waiting).toBe(2);
    first();
    first(); // a second release of the same slot changes nothing
    await third;
    await new Promise((r) => setTimeout(r, 5));
    expect(granted).toEqual(['third']);
    expect(slots.active).toBe(2);
    (await third)();
    await fourth;
    expect(granted).toEqual(['third', 'fourth']);
  });

  it('lets a waiter give up when its signal aborts, without taking a slot', async () => {
    const slots = new OutboundSlots(1);
    const held = await slots.acquire();
    const controller = new AbortController();
    const waiting = slots.acquire(controller.signal);
    controller.abort(new Error('attempt timed out'));
    await expect(waiting).rejects.toThrow('attempt timed out');
    expect(slots.waiting).toBe(0);
    held();
    expect(slots.active).toBe(0);
  });
});
