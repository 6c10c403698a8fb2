import { describe, expect, it } from 'vitest';
import { wakeAt } from '../../src/toxiproxy/link/sleep.ts';

describe('wakeAt (the deadlines of piping toxics)', () => {
  it('wakes each deadline at or after its time on the monotonic clock, never before', async () => {
    const start = performance.now();
    const offsetsMs = [40, 5, 25, 1, 60, 15, 2, 30];
    const lateMs: number[] = [];
    const order: number[] = [];
    await Promise.all(
      offsetsMs.map(
        (offsetMs) =>
          new Promise<void>((resolve) => {
            wakeAt(start + offsetMs, () => {
              lateMs.push(performance.now() - (start + offsetMs));
              order.push(offsetMs);
              resolve();
            });
          }),
      ),
    );
    // Every one woke (order across separate wake-ups is not promised: a timer that fired early
    // is re-armed, and a later deadline can overtake it by a fraction of a millisecond).
    expect([...order].sort((a, b) => a - b)).toEqual([...offsetsMs].sort((a, b) => a - b));
    for (const late of lateMs) expect(late).toBeGreaterThanOrEqual(0);
  });

  it('wakes a passed deadline at once, synchronously', () => {
    let woken = false;
    wakeAt(performance.now() - 1, () => (woken = true));
    expect(woken).toBe(true);
  });

  it('never wakes a cancelled wake-up; cancelling twice or after waking is safe', async () => {
    const woken: number[] = [];
    const now = performance.now();
    const wakeUps = [10, 20, 30].map((ms) => wakeAt(now + ms, () => woken.push(ms)));
    wakeUps[1]!.cancel();
    wakeUps[1]!.cancel();
    await new Promise((resolve) => setTimeout(resolve, 60));
    wakeUps[0]!.cancel();
    expect(woken).toEqual([10, 30]);
  });
});
