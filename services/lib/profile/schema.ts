import { z } from 'zod';

const positiveMs = z.number().int().positive();
const nonNegativeMs = z.number().int().nonnegative();

/** Retry: how many extra attempts, how they are spaced, which calls qualify, and a budget. */
export const retrySchema = z.strictObject({
  /** Extra attempts after the first (so 2 → at most 3 network attempts). */
  maxRetries: z.number().int().min(1).max(10),
  /** `exponential`: initialDelayMs·2^(n-1) capped at maxDelayMs; `constant`: initialDelayMs. */
  backoff: z.enum(['exponential', 'constant']),
  /** First delay, ms. */
  initialDelayMs: nonNegativeMs,
  /** Cap on any delay, ms. Default 1000. */
  maxDelayMs: positiveMs.default(1000),
  /** Seeded jitter: each delay drawn uniformly from [delay/2, delay). */
  jitter: z.boolean(),
  /** Only idempotent calls (GET, or POST carrying an Idempotency-Key) are retried. Default true. */
  onlyIdempotent: z.boolean().default(true),
  /** Retries allowed per window: minPerSecond·window + ratio·calls. Absent = unbounded. */
  budget: z
    .strictObject({
      /** Retries allowed per logical call over the window, 0..1. */
      ratio: z.number().min(0).max(1),
      /** Retries always allowed per second, even at low traffic. */
      minPerSecond: z.number().nonnegative(),
      /** Sliding window, ms. Default 10000. */
      windowMs: positiveMs.default(10_000),
    })
    .optional(),
});

const halfOpenAfterMs = positiveMs;

/** Circuit breaker: consecutive failures, or a failure ratio over a sampling window. */
export const breakerSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('consecutive'),
    /** Consecutive failed attempts that open the circuit. */
    threshold: z.number().int().positive(),
    /** Open → half-open after this many ms. */
    halfOpenAfterMs,
  }),
  z.strictObject({
    kind: z.literal('sampling'),
    /** Failure ratio (0..1) over the window that opens the circuit. */
    threshold: z.number().gt(0).max(1),
    /** Sampling window, ms. */
    durationMs: positiveMs,
    /** Minimum request rate before the breaker may open. Default 1. */
    minimumRps: z.number().positive().default(1),
    halfOpenAfterMs,
  }),
]);

/** Policies for calls to one dependency. A missing or null policy is off. */
export const dependencyPolicySchema = z.strictObject({
  /** Per-attempt timeout, ms (also capped by the propagated deadline). Absent = none. */
  timeoutMs: positiveMs.nullish(),
  retry: retrySchema.nullish(),
  /** Concurrent calls (limit) plus waiting calls (queue); beyond that, fail fast. */
  bulkhead: z.strictObject({ limit: z.number().int().positive(), queue: z.number().int().nonnegative() }).nullish(),
  breaker: breakerSchema.nullish(),
  /** Whether the caller's fallback (cached data, a sensible default) may answer on failure. */
  fallback: z.boolean().nullish(),
});

/**
 * How a service publishes and consumes messages (docs: services/README.md, "Messaging").
 * Every field has a built-in value per profile; a profile file overrides single fields.
 */
export const messagingPolicySchema = z.strictObject({
  /**
   * `fire_and_forget`: QoS 0, lost when the broker or link is down. `confirmed`: the request
   * waits for the broker's acknowledgement and fails when it does not come. `outbox`: the
   * message is written with the state change and a relay publishes it, confirmed, until acknowledged.
   */
  publish: z.enum(['fire_and_forget', 'confirmed', 'outbox']),
  /** How long one confirmed publish waits for the broker's acknowledgement, ms. */
  publishTimeoutMs: positiveMs,
  /** Acknowledge after handling (a crash mid-message means redelivery) instead of on receipt. */
  ackAfterProcessing: z.boolean(),
  /** A persistent session: the broker keeps messages for the consumer while it is away. */
  durableSubscription: z.boolean(),
  /** Skip messages whose id was handled already (an idempotent consumer). */
  dedupe: z.boolean(),
  /** Handler attempts per message; then the message is dead-lettered (if `deadLetter`) or dropped. */
  maxAttempts: z.number().int().min(1).max(20),
  retryDelayMs: nonNegativeMs,
  /** Failed messages go to the `dead-letter` channel instead of being dropped. */
  deadLetter: z.boolean(),
});

export const profileSchema = z.strictObject({
  name: z.string().min(1),
  /** Built-in profile to start from; this file's fields override it. */
  extends: z.enum(['naive', 'timeouts', 'retries', 'resilient']).optional(),
  /** Send Idempotency-Key on side-effecting POSTs (so they may be retried safely). */
  idempotencyKeys: z.boolean().optional(),
  /** Send the remaining budget in x-request-deadline-ms on every outbound call. */
  propagateDeadline: z.boolean().optional(),
  /** Budget the edge (gateway) gives a request that arrives without one, ms. Absent = none. */
  requestBudgetMs: positiveMs.nullish(),
  /** Time a service keeps back from its caller's deadline for its own answer (a fallback, the
   * reply): its dependency calls must end this much before the caller gives up, ms. Default 0. */
  deadlineReserveMs: nonNegativeMs.optional(),
  /** Per dependency name; `default` applies to dependencies not listed. */
  dependencies: z.record(z.string(), dependencyPolicySchema).optional(),
  /** Publish and consume policies; fields not given come from the base profile. */
  messaging: messagingPolicySchema.partial().optional(),
});

export type RetryPolicyConfig = z.infer<typeof retrySchema>;
export type BreakerPolicyConfig = z.infer<typeof breakerSchema>;
export type DependencyPolicy = z.infer<typeof dependencyPolicySchema>;
export type MessagingPolicy = z.infer<typeof messagingPolicySchema>;
export type ProfileFile = z.infer<typeof profileSchema>;

/** A resolved profile: every switch decided, every dependency's policies known. */
export interface Profile {
  name: string;
  idempotencyKeys: boolean;
  propagateDeadline: boolean;
  requestBudgetMs: number | null;
  deadlineReserveMs: number;
  /** Policies per dependency name; `default` for any other. */
  dependencies: Readonly<Record<string, DependencyPolicy>>;
  messaging: Readonly<MessagingPolicy>;
}

export function policyFor(profile: Profile, dependency: string): DependencyPolicy {
  return profile.dependencies[dependency] ?? profile.dependencies['default'] ?? {};
}
