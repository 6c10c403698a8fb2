import type { DependencyPolicy, MessagingPolicy, Profile } from './schema.ts';

/** The names `FAULTLINE_PROFILE` accepts. */
export const profileNames = ['naive', 'timeouts', 'retries', 'resilient'] as const;
export type ProfileName = (typeof profileNames)[number];

/** Per-attempt timeouts, ms, shared by every profile that has timeouts. */
const timeoutMsByDependency = { trip: 2000, passenger: 300, dispatch: 800, notification: 300, default: 1000 } as const;

function perDependency(make: (timeoutMs: number, dependency: string) => DependencyPolicy): Record<string, DependencyPolicy> {
  return Object.fromEntries(Object.entries(timeoutMsByDependency).map(([dep, ms]) => [dep, make(ms, dep)]));
}

/**
 * Messaging without any policy: publish and forget, acknowledge on receipt, no persistent
 * session, no dedupe, one attempt. A broker restart, a dropped link or a consumer crash loses
 * messages.
 */
const naiveMessaging: MessagingPolicy = {
  publish: 'fire_and_forget',
  publishTimeoutMs: 1000,
  ackAfterProcessing: false,
  durableSubscription: false,
  dedupe: false,
  maxAttempts: 1,
  retryDelayMs: 0,
  deadLetter: false,
};

/** No policy at all: undici's defaults (minutes-long header/body timeouts), no retry. */
const naive: Profile = {
  name: 'naive',
  idempotencyKeys: false,
  propagateDeadline: false,
  requestBudgetMs: null,
  deadlineReserveMs: 0,
  dependencies: { default: {} },
  messaging: naiveMessaging,
};

/** Only per-attempt timeouts. */
const timeouts: Profile = {
  ...naive,
  name: 'timeouts',
  dependencies: perDependency((timeoutMs) => ({ timeoutMs })),
  // The messaging counterpart of a timeout: wait for the broker's acknowledgement, bounded, and
  // fail the request when it does not come (no loss the caller does not hear about).
  messaging: { ...naiveMessaging, publish: 'confirmed' },
};

/**
 * Timeouts plus the classic naive retry: fixed delay, no jitter, no budget, and every call
 * retried, POSTs included, with no idempotency key. A lost dispatch response therefore assigns
 * a second driver, which is the bug scenarios must be able to catch.
 */
const retries: Profile = {
  ...naive,
  name: 'retries',
  dependencies: perDependency((timeoutMs) => ({
    timeoutMs,
    retry: { maxRetries: 3, backoff: 'constant', initialDelayMs: 100, maxDelayMs: 100, jitter: false, onlyIdempotent: false },
  })),
  // At-least-once without idempotence: nothing is lost, but a redelivered message is handled
  // again (a second driver), which is the bug messaging scenarios must be able to catch.
  messaging: { ...naiveMessaging, publish: 'outbox', ackAfterProcessing: true, durableSubscription: true, maxAttempts: 3, retryDelayMs: 100 },
};

const retryBudget = { ratio: 0.2, minPerSecond: 5, windowMs: 10_000 };

/** Everything, tuned for this app: a 2 s edge budget split down the call tree. */
const resilient: Profile = {
  name: 'resilient',
  idempotencyKeys: true,
  propagateDeadline: true,
  requestBudgetMs: 2000,
  // Dependency calls end 150 ms before the caller gives up, so a fallback still reaches it.
  deadlineReserveMs: 150,
  dependencies: {
    trip: {
      timeoutMs: timeoutMsByDependency.trip,
      retry: {
        maxRetries: 1,
        backoff: 'exponential',
        initialDelayMs: 100,
        maxDelayMs: 400,
        jitter: true,
        onlyIdempotent: true,
        budget: { ratio: 0.1, minPerSecond: 2, windowMs: 10_000 },
      },
      bulkhead: { limit: 64, queue: 64 },
      breaker: { kind: 'sampling', threshold: 0.5, durationMs: 10_000, minimumRps: 5, halfOpenAfterMs: 5000 },
      fallback: false,
    },
    passenger: {
      timeoutMs: timeoutMsByDependency.passenger,
      retry: { maxRetries: 2, backoff: 'exponential', initialDelayMs: 25, maxDelayMs: 200, jitter: true, onlyIdempotent: true, budget: retryBudget },
      bulkhead: { limit: 32, queue: 32 },
      breaker: { kind: 'consecutive', threshold: 5, halfOpenAfterMs: 2000 },
      fallback: true,
    },
    dispatch: {
      timeoutMs: timeoutMsByDependency.dispatch,
      retry: { maxRetries: 2, backoff: 'exponential', initialDelayMs: 50, maxDelayMs: 400, jitter: true, onlyIdempotent: true, budget: retryBudget },
      bulkhead: { limit: 32, queue: 32 },
      breaker: { kind: 'sampling', threshold: 0.5, durationMs: 5000, minimumRps: 2, halfOpenAfterMs: 3000 },
      fallback: true,
    },
    notification: {
      timeoutMs: timeoutMsByDependency.notification,
      retry: { maxRetries: 1, backoff: 'exponential', initialDelayMs: 50, maxDelayMs: 200, jitter: true, onlyIdempotent: true, budget: retryBudget },
      bulkhead: { limit: 8, queue: 8 },
      breaker: { kind: 'consecutive', threshold: 5, halfOpenAfterMs: 2000 },
      fallback: false,
    },
    default: {
      timeoutMs: timeoutMsByDependency.default,
      retry: { maxRetries: 2, backoff: 'exponential', initialDelayMs: 50, maxDelayMs: 400, jitter: true, onlyIdempotent: true, budget: retryBudget },
      bulkhead: { limit: 32, queue: 32 },
      breaker: { kind: 'consecutive', threshold: 5, halfOpenAfterMs: 2000 },
      fallback: true,
    },
  },
  messaging: {
    publish: 'outbox',
    publishTimeoutMs: 1000,
    ackAfterProcessing: true,
    durableSubscription: true,
    dedupe: true,
    maxAttempts: 3,
    retryDelayMs: 100,
    deadLetter: true,
  },
};

export const builtinProfiles: Readonly<Record<ProfileName, Profile>> = { naive, timeouts, retries, resilient };

export function isProfileName(name: string): name is ProfileName {
  return (profileNames as readonly string[]).includes(name);
}
