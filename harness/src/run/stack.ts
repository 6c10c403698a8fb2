import { Toxiproxy, type Proxy } from 'toxiproxy-node-client';
import { FaultlineError } from '../errors.ts';
import { calleeEnvName, proxyName, type ManagedService, type Topology, type TopologyEdge, type TopologyService } from '../topology/model.ts';
import { launchService, type RunningService } from '../topology/launch.ts';
import { startEmbeddedToxiproxy, type EmbeddedToxiproxyHandle } from './embedded-toxiproxy.ts';
import type { Journal } from './journal.ts';
import { toxiproxyVersionNumber } from './toxiproxy-version.ts';

export interface StackOptions {
  topology: Topology;
  profile: string;
  seed: number;
  /** External Toxiproxy URL; undefined = embedded. */
  toxiproxyUrl?: string;
  /** Journal of changes to an external Toxiproxy (undefined for the embedded one). */
  journal?: Journal;
  signal?: AbortSignal;
  onOutput?: (service: string, line: string) => void;
}

/** The running system under test: Toxiproxy, one proxy per edge, every service. */
export interface Stack {
  toxiproxy: Toxiproxy;
  /** `embedded` or the external URL. */
  toxiproxyLabel: string;
  toxiproxyVersion: string;
  proxy(name: string): Proxy;
  /** Direct base URL of each service (not through a proxy). */
  serviceUrl(name: string): string;
  service(name: string): RunningService | undefined;
  relaunch(name: string): Promise<RunningService>;
  stopService(name: string, how: 'kill' | 'graceful'): Promise<void>;
  /** Stops every service, deletes the proxies (external) or closes the embedded server.
   * Idempotent; returns problems met (empty = clean). */
  teardown(): Promise<string[]>;
}

/** Callees before callers, so a caller starts with its proxies already in place. */
export function startOrder(topology: Topology): TopologyService[] {
  const byName = new Map(topology.services.map((s) => [s.name, s]));
  const order: TopologyService[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      throw new FaultlineError('FL_INVALID_INPUT', `the topology has a dependency cycle: ${[...path, name].join(' -> ')}; services cannot be started in order`);
    }
    state.set(name, 'visiting');
    for (const edge of topology.edges) if (edge.caller === name) visit(edge.callee, [...path, name]);
    state.set(name, 'done');
    order.push(byName.get(name)!);
  };
  for (const service of topology.services) visit(service.name, []);
  return order;
}

function hostPort(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || (parsed.protocol === 'https:' ? '443' : '80')}`;
}

/**
 * The proxy of an edge whose caller is external (`url:`): faultline cannot hand such a caller a
 * proxy address, so whoever started it (e.g. docker compose) wired it to a proxy named
 * `caller_to_callee` that already exists. The run adopts that proxy as it is (same listen
 * address, same upstream) and never replaces or deletes it; its faults still go through it.
 */
export async function adoptProxy(toxiproxy: Toxiproxy, edge: TopologyEdge, toxiproxyLabel: string): Promise<Proxy> {
  const name = proxyName(edge);
  try {
    return await toxiproxy.get(name);
  } catch (error) {
    if (!String(error).includes('404')) throw new FaultlineError('FL_ENVIRONMENT', `could not read proxy ${name} in Toxiproxy at ${toxiproxyLabel}: ${String(error)}`);
    const hint = toxiproxyLabel === 'embedded' ? '; pass --toxiproxy <url> of the Toxiproxy the caller is wired through' : '';
    throw new FaultlineError(
      'FL_ENVIRONMENT',
      `caller ${edge.caller} is external (url), so faultline cannot point it at a proxy: proxy ${name} must already exist in Toxiproxy at ${toxiproxyLabel}, with ${edge.caller}'s ${calleeEnvName(edge.callee)} set to its listen address${hint}`,
    );
  }
}

export async function bringUp(options: StackOptions): Promise<Stack> {
  const { topology, journal } = options;
  let embedded: EmbeddedToxiproxyHandle | undefined;
  const proxies = new Map<string, Proxy>();
  /** Proxies that existed before the run (external callers'): left in place at teardown. */
  const adopted = new Set<string>();
  const running = new Map<string, RunningService>();
  const ports = new Map<string, string>();
  const envs = new Map<string, Record<string, string>>();
  const urls = new Map<string, string>();
  let torn: Promise<string[]> | undefined;

  const teardown = (): Promise<string[]> => {
    torn ??= (async () => {
      const problems: string[] = [];
      // Services stop in parallel with a short grace: the whole cleanup must fit well inside the
      // 7.5 s CI gives between SIGINT and SIGKILL.
      const stops = [...running.values()].map((s) => s.stop(2000).catch((e: unknown) => problems.push(`stop ${s.name}: ${String(e)}`)));
      await Promise.all(stops);
      running.clear();
      if (embedded) {
        await embedded.close().catch((e: unknown) => problems.push(`close embedded Toxiproxy: ${String(e)}`));
      } else {
        for (const [name, proxy] of proxies) {
          if (adopted.has(name)) continue;
          try {
            await proxy.remove();
            journal?.update((entry) => (entry.proxies = entry.proxies.filter((p) => p !== name)));
          } catch (e) {
            if (!String(e).includes('404')) problems.push(`delete proxy ${name}: ${String(e)}`);
          }
        }
      }
      return problems;
    })();
    return torn;
  };

  try {
    let toxiproxyUrl = options.toxiproxyUrl;
    if (!toxiproxyUrl) {
      embedded = await startEmbeddedToxiproxy(options.seed);
      toxiproxyUrl = embedded.url;
    }
    const toxiproxy = new Toxiproxy(toxiproxyUrl);
    let version: string;
    try {
      version = toxiproxyVersionNumber(await toxiproxy.getVersion());
    } catch (error) {
      throw new FaultlineError('FL_TOXIPROXY_UNREACHABLE', `Toxiproxy at ${toxiproxyUrl} is unreachable (${error instanceof Error ? error.message : String(error)}); start it or drop --toxiproxy to use the embedded one`);
    }
    // Proxies listen where the services can reach them: loopback for a local Toxiproxy,
    // every interface (reached by the server's host name) for a remote one.
    const toxiproxyHost = new URL(toxiproxyUrl).hostname;
    const isLocal = embedded !== undefined || ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(toxiproxyHost);
    const listenHost = isLocal ? '127.0.0.1' : '0.0.0.0';

    const launch = async (service: ManagedService, port: string): Promise<RunningService> => {
      const env = { ...envs.get(service.name)!, PORT: port };
      const started = await launchService({
        service,
        env,
        ...(options.signal ? { signal: options.signal } : {}),
        onOutput: (line) => options.onOutput?.(service.name, line),
      });
      running.set(service.name, started);
      urls.set(service.name, started.url);
      ports.set(service.name, new URL(started.url).port);
      return started;
    };

    const startOne = async (service: TopologyService): Promise<void> => {
      if (options.signal?.aborted) throw new FaultlineError('FL_INTERRUPTED', 'interrupted while starting the system');
      const env: Record<string, string> = { HOST: '127.0.0.1', FAULTLINE_PROFILE: options.profile, FAULTLINE_SEED: String(options.seed) };
      for (const edge of topology.edges.filter((e) => e.caller === service.name)) {
        const name = proxyName(edge);
        if (service.kind === 'external') {
          proxies.set(name, await adoptProxy(toxiproxy, edge, embedded ? 'embedded' : toxiproxyUrl));
          adopted.add(name);
          continue;
        }
        const upstream = hostPort(urls.get(edge.callee)!);
        journal?.update((entry) => entry.proxies.push(name));
        // populate = create or replace: a stale proxy of the same name (a dead run's) is replaced.
        const created = await toxiproxy.populate([{ name, listen: `${listenHost}:0`, upstream, enabled: true }]).catch((error: unknown) => {
          throw new FaultlineError('FL_ENVIRONMENT', `could not create proxy ${name} (${edge.caller} -> ${edge.callee}) in Toxiproxy at ${toxiproxyUrl}: ${String(error)}`);
        });
        const proxy = created[name] ?? (await toxiproxy.get(name));
        proxies.set(name, proxy);
        const listenPort = proxy.listen.slice(proxy.listen.lastIndexOf(':') + 1);
        env[calleeEnvName(edge.callee)] = `http://${isLocal ? '127.0.0.1' : toxiproxyHost}:${listenPort}`;
      }
      envs.set(service.name, env);
      if (service.kind === 'external') {
        urls.set(service.name, service.url.replace(/\/$/, ''));
      } else {
        await launch(service, '0');
      }
    };
    // Each service starts as soon as all its callees are up: independent ones start together.
    const started = new Map<string, Promise<void>>();
    const startAfterCallees = (service: TopologyService): Promise<void> => {
      let promise = started.get(service.name);
      if (!promise) {
        const callees = topology.edges.filter((e) => e.caller === service.name).map((e) => topology.services.find((s) => s.name === e.callee)!);
        promise = Promise.all(callees.map(startAfterCallees)).then(() => startOne(service));
        started.set(service.name, promise);
      }
      return promise;
    };
    // startOrder refuses cycles before anything starts.
    const order = startOrder(topology);
    const outcomes = await Promise.allSettled(order.map(startAfterCallees));
    const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failure) throw failure.reason;

    const managed = (name: string): ManagedService => {
      const service = topology.services.find((s) => s.name === name);
      if (service?.kind !== 'managed') throw new FaultlineError('FL_FAULT_APPLY', `service ${name} is not started by faultline`);
      return service;
    };

    return {
      toxiproxy,
      toxiproxyLabel: embedded ? 'embedded' : toxiproxyUrl,
      toxiproxyVersion: version,
      proxy: (name) => {
        const proxy = proxies.get(name);
        if (!proxy) throw new FaultlineError('FL_FAULT_APPLY', `no proxy named ${name} in this run`);
        return proxy;
      },
      serviceUrl: (name) => {
        const url = urls.get(name);
        if (!url) throw new FaultlineError('FL_FAULT_APPLY', `no service named ${name} in this run`);
        return url;
      },
      service: (name) => running.get(name),
      relaunch: async (name) => launch(managed(name), ports.get(name) ?? '0'),
      stopService: async (name, how) => {
        managed(name); // an external service is not ours to stop: say so instead of doing nothing
        const service = running.get(name);
        running.delete(name);
        if (!service) return;
        await (how === 'kill' ? service.kill() : service.stop(5000));
      },
      teardown,
    };
  } catch (error) {
    await teardown();
    throw error;
  }
}
