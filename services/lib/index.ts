/**
 * The reusable part of the sample app: a resilient HTTP client (undici + cockatiel) with its
 * profiles and metrics, and the small server bootstrap every service shares.
 */
export {
  DependencyClient,
  type DependencyClientOptions,
  type DependencyRequest,
  type DependencyResponse,
  type DependencyResult,
} from './client/dependency-client.ts';
export { BreakerEventLog, type BreakerEvent, type BreakerEventPage } from './breaker-events.ts';
export { AttemptTimeoutError, DeadlineExceededError, DependencyError, HttpStatusError } from './client/errors.ts';
export { buildPolicies, type DependencyPolicies } from './client/policies.ts';
export { RetryBudget } from './client/retry-budget.ts';
export { DEADLINE_HEADER, Deadline, deadlineFromHeader } from './deadline.ts';
export { IdempotencyStore, idempotencyKeyOf } from './idempotency.ts';
export { callOutcomes, attemptOutcomes, createServiceMetrics, type CallOutcome, type FailedCallOutcome, type ServiceMetrics } from './metrics.ts';
export { builtinProfiles, profileNames, type ProfileName } from './profile/builtin.ts';
export { builtinProfile, loadProfileFile, ProfileError, profileFromEnv, resolveProfileFile } from './profile/load.ts';
export { policyFor, profileSchema, type DependencyPolicy, type Profile, type ProfileFile } from './profile/schema.ts';
export { createRandom, hashSeed, type Random } from './random.ts';
export { FaultHook, parseFault, type ServiceFault } from './server/fault-hook.ts';
export { listenService, type ListeningService } from './server/listen.ts';
export { runService, dependencyUrlsFromEnv } from './server/main.ts';
export type { Reply, RequestContext, Route } from './server/router.ts';
export { buildService, type ServiceApp, type ServiceConfig, type ServiceContext, type ServiceDefinition } from './server/service.ts';
export { SideEffectLedger } from './side-effects.ts';
