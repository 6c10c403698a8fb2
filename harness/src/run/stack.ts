import { FaultlineError } from '../errors.ts';
import type { BrokerControl } from '../faults/context.ts';
import type { RunEvents, ServiceExit } from '../model/events.ts';
import type { ProxyState } from '../proxies/api.ts';
import type { Journal } from '../proxies/journal.ts';
import { ToxiproxySession } from '../proxies/session.ts';
import type { RunningService } from '../topology/launch.ts';
import type { Topology } from '../topology/model.ts';
import { brokerControl, brokerUrlOf } from './broker-control.ts';
import { startEmbeddedToxiproxy, type EmbeddedToxiproxyHandle } from './embedded-toxiproxy.ts';
import { ServiceSet } from './services.ts';
import { startAfterCallees } from './start-order.ts';
import { wireProxies } from './wire-proxies.ts';

export { startOrder } from './start-order.ts';

export interface StackOptions {
  topology: Topology;
  profile: string;
  seed: number;
  /** External Toxiproxy URL; undefined = embedded. */
  toxiproxyUrl?: string;
  /** Extension toxics the run needs (type → what needs it): checked on an external Toxiproxy
   * before anything is created there (the embedded one has them all). */
  requiredToxics?: ReadonlyMap<string, string>;
  /** Journal of changes to an external Toxiproxy (undefined for the embedded one). */
  journal?: Journal;
  signal?: AbortSignal;
  onOutput?: (service: string, line: string, stream: 'stdout' | 'stderr') => void;
  /** A managed service exited on its own while the stack was up. */
  onExit?: (exit: ServiceExit) => void;
  /** Announces each start-up phase. */
  onPhase?: RunEvents['onPhase'];
}

/** The running system under test: Toxiproxy, one proxy per edge, every service (the broker too). */
export interface Stack {
  /** The run's Toxiproxy wrapper: every change to Toxiproxy goes through it (and its journal). */
  proxies: ToxiproxySession;
  /** `embedded` or the external URL. */
  toxiproxyLabel: string;
  toxiproxyVersion: string;
  /** The run's proxy of an edge, by name (`caller_to_callee`), as last seen. */
  proxy(name: string): ProxyState;
  /** Direct base URL of each service (not through a proxy). */
  serviceUrl(name: string): string;
  service(name: string): RunningService | undefined;
  /**
   * The broker's direct address for the harness's own clients (`mqtt://127.0.0.1:<port>`), not
   * through any proxy, so no fault on a link touches them; the same for the whole run (a crashed
   * broker comes back on its port). The embedded broker's, the one started by `command`, or the
   * one given by `address`/`url`/`--broker`. Undefined when the topology has no broker.
   */
  brokerUrl(): string | undefined;
  /** What a broker fault does to the broker (throws FL_FAULT_APPLY when it is not faultline's to crash). */
  broker(): BrokerControl;
  relaunch(name: string): Promise<RunningService>;
  stopService(name: string, how: 'kill' | 'graceful'): Promise<void>;
  /** Stops every service, deletes the proxies (external) or closes the embedded server.
   * Idempotent; returns problems met (empty = clean). */
  teardown(): Promise<string[]>;
}

/** Phase 1: the embedded server on a free port, or the external one reached and its version
 * read. The embedded server is closed again if it cannot be reached. */
async function connectToxiproxy(options: StackOptions, started: (embedded: EmbeddedToxiproxyHandle) => void): Promise<ToxiproxySession> {
  if (options.toxiproxyUrl) {
    const unreachableHint = 'start it or drop --toxiproxy to use the embedded one';
    const session = await ToxiproxySession.connect(options.toxiproxyUrl, { unreachableHint, ...(options.journal ? { journal: options.journal } : {}) });
    await session.requireExtensionToxics(options.requiredToxics ?? new Map());
    return session;
  }
  const embedded = await startEmbeddedToxiproxy(options.seed);
  started(embedded);
  return ToxiproxySession.connect(embedded.url, { embedded: true });
}

/** Phase 2: every service, each once its callees are up, behind the proxies to its callees. */
async function startServices(options: StackOptions, session: ToxiproxySession, services: ServiceSet): Promise<void> {
  const { topology } = options;
  options.onPhase?.('services', `${topology.services.length} services behind ${topology.edges.length} proxies, each once its callees are up`);
  const serverUrl = (name: string) => services.url(name)!;
  await startAfterCallees(topology, async (service) => {
    const callees = await wireProxies(service, topology, session, serverUrl);
    await services.start(service, callees);
  });
}

/** Brings the system up in phases (Toxiproxy, then services with their proxies); on any failure
 * tears down what was started and throws. Warm-up is the runner's (run-scenario.ts). */
export async function bringUp(options: StackOptions): Promise<Stack> {
  let embedded: EmbeddedToxiproxyHandle | undefined;
  let session: ToxiproxySession | undefined;
  const services = new ServiceSet(options.topology, options);
  let torn: Promise<string[]> | undefined;
  const teardown = (): Promise<string[]> =>
    (torn ??= (async () => {
      const problems = await services.stopAll();
      if (embedded) await embedded.close().catch((e: unknown) => problems.push(`close embedded Toxiproxy: ${String(e)}`));
      else if (session) problems.push(...(await session.deleteCreatedProxies()));
      return problems;
    })());

  try {
    session = await connectToxiproxy(options, (handle) => (embedded = handle));
    await startServices(options, session, services);
  } catch (error) {
    await teardown();
    throw error;
  }
  const live = session;
  return {
    proxies: live,
    toxiproxyLabel: live.label,
    toxiproxyVersion: live.version,
    proxy: (name) => live.proxy(name),
    serviceUrl: (name) => {
      const url = services.url(name);
      if (!url) throw new FaultlineError('FL_FAULT_APPLY', `no service named ${name} in this run`);
      return url;
    },
    service: (name) => services.service(name),
    brokerUrl: () => brokerUrlOf(options.topology, services),
    broker: () => brokerControl(options.topology, services),
    relaunch: (name) => services.relaunch(name),
    stopService: (name, how) => services.stop(name, how),
    teardown,
  };
}
