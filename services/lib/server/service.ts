import { BreakerEventLog } from '../breaker-events.ts';
import { OutboundSlots } from '../client/outbound-slots.ts';
import { DependencyClient } from '../client/dependency-client.ts';
import { createServiceMetrics, type ServiceMetrics } from '../metrics.ts';
import { policyFor, type Profile } from '../profile/schema.ts';
import { createRandom, hashSeed, type Random } from '../random.ts';
import { SideEffectLedger } from '../side-effects.ts';
import { adapterFor } from '../messaging/adapters.ts';
import { FileJournal, MemoryJournal } from '../messaging/journal.ts';
import { Messaging } from '../messaging/runtime.ts';
import { join } from 'node:path';
import { adminSecretProblem } from './admin-secret.ts';
import { createHttpApp, type HttpApp } from './app.ts';
import { FaultHook } from './fault-hook.ts';
import type { Route } from './router.ts';

/** What a service's code gets to build its routes. */
export interface ServiceContext {
  /** The `service` label value. */
  service: string;
  profile: Profile;
  seed: number;
  /** Seeded generator for the service's own data and decisions. */
  random: Random;
  metrics: ServiceMetrics;
  /** One resilient client per dependency, by dependency name. */
  clients: Readonly<Record<string, DependencyClient>>;
  sideEffects: SideEffectLedger;
  /** Present when the service is connected to a broker (the asynchronous half of the app). */
  messaging: Messaging | undefined;
}

/** The channels a service publishes and consumes when it is connected to a broker. */
export interface MessagingDefinition {
  publishes: readonly string[];
  consumes: readonly string[];
  /** HTTP dependencies the asynchronous flow stands in for: not required when connected. */
  replaces: readonly string[];
}

/** A service of the sample app: its name, whom it calls, what it does to the world, its routes. */
export interface ServiceDefinition {
  name: string;
  dependencies: readonly string[];
  /** Side-effect names it records (exposed at 0 from start). */
  effects: readonly string[];
  messaging?: MessagingDefinition;
  routes(ctx: ServiceContext): Route[];
}

export interface ServiceConfig {
  profile: Profile;
  /** Seed of every random decision. Default 1. */
  seed?: number;
  /** Override of the `service` label. Default: the definition's name. */
  serviceName?: string | undefined;
  /** Callee origins by dependency name, e.g. `{ passenger: 'http://127.0.0.1:41234' }`. */
  dependencyUrls: Readonly<Record<string, string>>;
  /** Node process metrics in /metrics. Default true. */
  processMetrics?: boolean | undefined;
  /** Concurrent outbound requests of the whole process, all dependencies together (see
   * OutboundSlots). Default `defaultOutboundLimit`. */
  outboundLimit?: number;
  /** Secret of the fault hook (`FAULTLINE_ADMIN_SECRET`); undefined or '' = no hook. At least
   * `minAdminSecretLength` characters. */
  adminSecret?: string | undefined;
  /**
   * The broker, as this service's links reach it: `publishUrl` for its publishing connection
   * (`BROKER_URL`), `subscribeUrl` for its consuming one (`BROKER_SUBSCRIBE_URL`). Absent = the
   * service runs synchronously only (HTTP).
   */
  broker?: { publishUrl?: string | undefined; subscribeUrl?: string | undefined } | undefined;
  /** Where the service keeps its journal (`FAULTLINE_STATE_DIR`), so a restart resumes it.
   * Absent = state lives in memory only. */
  stateDir?: string | undefined;
}

/** The process-wide outbound budget when none is configured: like a modest worker pool. */
export const defaultOutboundLimit = 64;

/** A built service, not yet listening. */
export interface ServiceApp extends HttpApp {
  name: string;
  profile: Profile;
  metrics: ServiceMetrics;
  faultHook: FaultHook;
  /** Every breaker transition of this service with its time (`GET /__faultline/breaker-events`). */
  breakerEvents: BreakerEventLog;
  clients: Readonly<Record<string, DependencyClient>>;
  messaging: Messaging | undefined;
  /** Starts what must wait for listening: the messaging relay and consumer. */
  start(): void;
  /** Tells /health where the service listens. */
  setUrl(url: string): void;
  /** Closes the dependency clients' connection pools. */
  close(): Promise<void>;
}

export class ServiceConfigError extends Error {}

/** Builds a service apart from listening, so tests can mount it on any port. */
export function buildService(definition: ServiceDefinition, config: ServiceConfig): ServiceApp {
  const service = config.serviceName ?? definition.name;
  const seed = config.seed ?? 1;
  const adminSecret = config.adminSecret || undefined;
  const secretProblem = adminSecret === undefined ? undefined : adminSecretProblem(adminSecret);
  if (secretProblem) throw new ServiceConfigError(secretProblem);
  const connected = Boolean(definition.messaging && (config.broker?.publishUrl || config.broker?.subscribeUrl));
  // A dependency that messages replace and that has no address is never called: it gets no
  // dependency_* series, so a crash of it is not read as a fault that touched no request.
  const replaced = (dependency: string) => !config.dependencyUrls[dependency] && connected && definition.messaging!.replaces.includes(dependency);
  const called = definition.dependencies.filter((dependency) => !replaced(dependency));
  const metrics = createServiceMetrics({ service, dependencies: called, effects: definition.effects, processMetrics: config.processMetrics });
  const clients: Record<string, DependencyClient> = {};
  const outboundSlots = new OutboundSlots(config.outboundLimit ?? defaultOutboundLimit);
  const breakerEvents = new BreakerEventLog();
  for (const dependency of definition.dependencies) {
    const baseUrl = config.dependencyUrls[dependency];
    if (replaced(dependency)) continue;
    if (!baseUrl) throw new ServiceConfigError(`no address for dependency '${dependency}' (set ${dependency.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL)`);
    clients[dependency] = new DependencyClient({
      dependency,
      baseUrl,
      policy: policyFor(config.profile, dependency),
      metrics,
      random: createRandom(hashSeed(seed, `${service}/retry/${dependency}`)),
      propagateDeadline: config.profile.propagateDeadline,
      deadlineReserveMs: config.profile.deadlineReserveMs,
      outboundSlots,
      breakerEvents,
    });
  }
  const faultHook = new FaultHook(createRandom(hashSeed(seed, `${service}/fault`)), metrics);
  let messaging: Messaging | undefined;
  if (connected) {
    const brokerUrl = config.broker?.publishUrl ?? config.broker!.subscribeUrl!;
    let adapter;
    try {
      adapter = adapterFor(brokerUrl);
    } catch (error) {
      throw new ServiceConfigError((error as Error).message);
    }
    // Consumers publish too: a message that fails for good goes to the dead-letter channel.
    if (!config.broker?.publishUrl) throw new ServiceConfigError(`${service} is connected to a broker: set BROKER_URL (its publishing link)`);
    if (definition.messaging!.consumes.length > 0 && !config.broker?.subscribeUrl)
      throw new ServiceConfigError(`${service} consumes messages: set BROKER_SUBSCRIBE_URL`);
    messaging = new Messaging({
      service,
      policy: config.profile.messaging,
      adapter,
      publishUrl: config.broker?.publishUrl,
      subscribeUrl: config.broker?.subscribeUrl,
      publishes: definition.messaging!.publishes,
      consumes: definition.messaging!.consumes,
      journal: config.stateDir ? new FileJournal(join(config.stateDir, `${service}.journal`)) : new MemoryJournal(),
      registry: metrics.registry,
      random: createRandom(hashSeed(seed, `${service}/messaging`)),
    });
  }
  const ctx: ServiceContext = {
    service,
    profile: config.profile,
    seed,
    random: createRandom(hashSeed(seed, `${service}/data`)),
    metrics,
    clients,
    sideEffects: new SideEffectLedger(metrics),
    messaging,
  };
  let url = '';
  const http = createHttpApp({
    routes: definition.routes(ctx),
    metrics,
    faultHook,
    breakerEvents,
    ...(adminSecret ? { adminSecret } : {}),
    health: () => ({
      status: 'ok',
      service,
      url,
      port: url ? Number(new URL(url).port) : null,
      profile: config.profile.name,
      pid: process.pid,
      dependencies: config.dependencyUrls,
      ...(messaging ? { messaging: messaging.status() } : {}),
    }),
  });
  return {
    ...http,
    name: service,
    profile: config.profile,
    metrics,
    faultHook,
    breakerEvents,
    clients,
    messaging,
    start: () => messaging?.start(),
    setUrl: (value) => (url = value),
    close: async () => {
      await Promise.all([...Object.values(clients).map((client) => client.close()), messaging?.close()]);
    },
  };
}
