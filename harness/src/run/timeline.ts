import type { PlanEvent } from '../plan/model.ts';
import type { Clock } from './clock.ts';

/**
 * Executes fault events at their planned times (ms after `originMs`), one after another: a
 * removal never overtakes the application it undoes. Handlers record their own failures; the
 * timeline keeps going so that every later removal still happens.
 */
export async function runTimeline(
  events: readonly PlanEvent[],
  options: { originMs: number; clock: Clock; signal?: AbortSignal; handle(event: PlanEvent): Promise<void> },
): Promise<void> {
  for (const event of events) {
    await options.clock.sleepUntil(options.originMs + event.atMs, options.signal);
    if (options.signal?.aborted) return;
    await options.handle(event);
  }
}
