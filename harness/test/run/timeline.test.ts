import { describe, expect, it } from 'vitest';
import type { PlanEvent } from '../../src/plan/model.ts';
import type { Clock } from '../../src/run/clock.ts';
import { systemClock } from '../../src/run/clock.ts';
import { runTimeline } from '../../src/run/timeline.ts';

/** A clock that jumps straight to whatever time is awaited, recording the waits. */
function jumpingClock(): Clock & { waits: number[] } {
  let now = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    async sleepUntil(atMs, signal) {
      if (signal?.aborted) return;
      waits.push(atMs);
      now = Math.max(now, atMs);
    },
  };
}

const events: PlanEvent[] = [
  { atMs: 1000, action: 'apply', faultId: 'a' },
  { atMs: 2000, action: 'apply', faultId: 'b' },
  { atMs: 3000, action: 'remove', faultId: 'a' },
  { atMs: 3000, action: 'remove', faultId: 'b' },
];

describe('the fault timeline', () => {
  it('runs every event in plan order at its planned time after the origin', async () => {
    const clock = jumpingClock();
    const seen: string[] = [];
    await runTimeline(events, {
      originMs: 500,
      clock,
      handle: async (e) => {
        seen.push(`${clock.now()} ${e.action} ${e.faultId}`);
      },
    });
    expect(seen).toEqual(['1500 apply a', '2500 apply b', '3500 remove a', '3500 remove b']);
  });

  it('waits for a slow handler before the next event, so a removal never overtakes its application', async () => {
    const clock = jumpingClock();
    const seen: string[] = [];
    await runTimeline(events.slice(0, 3), {
      originMs: 0,
      clock,
      handle: async (e) => {
        seen.push(`start ${e.action} ${e.faultId}`);
        await new Promise((r) => setTimeout(r, 5));
        seen.push(`end ${e.action} ${e.faultId}`);
      },
    });
    expect(seen).toEqual(['start apply a', 'end apply a', 'start apply b', 'end apply b', 'start remove a', 'end remove a']);
  });

  it('stops handling events once its signal is aborted', async () => {
    const clock = jumpingClock();
    const controller = new AbortController();
    const seen: string[] = [];
    await runTimeline(events, {
      originMs: 0,
      clock,
      signal: controller.signal,
      handle: async (e) => {
        seen.push(e.faultId);
        controller.abort();
      },
    });
    expect(seen).toEqual(['a']);
  });
});

describe('the system clock', () => {
  it('never wakes a sleeper before the monotonic time it asked for', async () => {
    for (let i = 0; i < 20; i++) {
      const target = performance.now() + 3 + (i % 4);
      await systemClock.sleepUntil(target);
      expect(performance.now()).toBeGreaterThanOrEqual(target);
    }
  });

  it('returns at once when the signal is aborted while sleeping', async () => {
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(), 20);
    await systemClock.sleepUntil(started + 60_000, controller.signal);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
