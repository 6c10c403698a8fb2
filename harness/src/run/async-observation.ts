import { FaultlineError } from '../errors.ts';
import type { LoadEngine, LoadEngineOutcome } from '../load/engine.ts';
import { CompletionObserver, type DrainEnd } from '../messaging/observer.ts';
import type { AsyncObservations, CompletionMessage } from '../model/recording.ts';
import type { Plan } from '../plan/model.ts';
import type { Stack } from './stack.ts';

/** Why the async SLOs of a run without a broker are not measured. */
export const NO_BROKER = 'no broker in this run';

/** The quiet period after the last accepted request completed before the drain ends early: a
 * duplicate right behind a first completion is still counted. */
const QUIET_MS = 1_000;

/** The run's observation of the asynchronous half: its observer, or why there is none. */
export interface AsyncObservation {
  observer?: CompletionObserver;
  unavailable?: string;
  stopped?: DrainEnd;
}

/** k6 hands back no response bodies, so the ids of accepted requests cannot be read: a plan
 * that follows async outcomes needs the built-in generator (FL_USAGE, before anything starts). */
export function checkAsyncEngine(plan: Plan, engine: Pick<LoadEngine, 'name'>): void {
  if (plan.async && engine.name !== 'builtin')
    throw new FaultlineError(
      'FL_USAGE',
      `scenario ${plan.scenario.name} follows asynchronous outcomes (async:), which needs the built-in load generator: k6 does not hand back the response bodies the request ids are read from; run it without --load k6`,
    );
}

/**
 * Subscribes to the plan's completion channel on the broker's direct address before the load
 * starts; undefined when the plan follows no async outcome. Without a broker the run goes on and
 * its async SLOs say `no broker in this run`. `onMessage` hears each message as it arrives.
 */
export async function startAsyncObservation(
  plan: Plan,
  stack: Stack,
  runId: string,
  elapsedMs: () => number,
  onMessage?: (message: CompletionMessage) => void,
): Promise<AsyncObservation | undefined> {
  const spec = plan.async;
  if (!spec) return undefined;
  const url = stack.brokerUrl();
  if (!url) return { unavailable: NO_BROKER };
  const observer = await CompletionObserver.start({
    url,
    channel: spec.channel,
    completionId: spec.completionId,
    messageId: spec.messageId,
    clientId: `faultline-observer-${runId}`,
    elapsedMs,
    onMessage,
  });
  return { observer };
}

/** After the load: listens until every accepted request completed, the drain ran out, or a signal. */
export async function drainAsync(
  plan: Plan,
  observation: AsyncObservation | undefined,
  load: LoadEngineOutcome,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (!plan.async || !observation?.observer) return;
  if (load.aborted) {
    observation.stopped = 'interrupted';
    return;
  }
  observation.stopped = await observation.observer.drain({
    accepted: (load.accepted ?? []).map((request) => request.id),
    untilMs: plan.durationMs + plan.async.drainMs,
    quietMs: Math.min(QUIET_MS, plan.async.drainMs),
    signal,
  });
}

/** The Recording's `async` from what the load and the observer saw. */
export function asyncObservations(
  plan: Plan,
  observation: AsyncObservation | undefined,
  load: Pick<LoadEngineOutcome, 'accepted' | 'acceptedWithoutId'> | undefined,
  nowMs: number,
): AsyncObservations | undefined {
  const spec = plan.async;
  if (!spec) return undefined;
  const observer = observation?.observer;
  return {
    channel: spec.channel,
    requestId: spec.requestId,
    completionId: spec.completionId,
    messageId: spec.messageId,
    drainMs: spec.drainMs,
    ...(observer ? {} : { unavailable: observation?.unavailable ?? 'the run stopped before the observer started' }),
    accepted: load?.accepted ?? [],
    acceptedWithoutId: load?.acceptedWithoutId ?? 0,
    completions: observer?.completions() ?? [],
    unreadable: observer?.unreadable ?? 0,
    observedUntilMs: Math.max(0, nowMs),
    stopped: observation?.stopped ?? 'interrupted',
    disconnections: observer?.disconnections() ?? [],
  };
}
