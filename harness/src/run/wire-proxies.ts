import { FaultlineError } from '../errors.ts';
import type { ProxyState } from '../proxies/api.ts';
import type { ToxiproxySession } from '../proxies/session.ts';
import { calleeEnv, calleeEnvTemplates, isTcpService, linkEnds, proxyName, type Topology, type TopologyEdge, type TopologyService } from '../topology/model.ts';

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
async function adoptProxy(session: ToxiproxySession, edge: TopologyEdge): Promise<ProxyState> {
  const name = proxyName(edge);
  let proxy: ProxyState | undefined;
  try {
    proxy = await session.adopt(name);
  } catch (error) {
    throw new FaultlineError('FL_ENVIRONMENT', `could not read proxy ${name} in Toxiproxy at ${session.label}: ${String(error)}`, { cause: error });
  }
  if (proxy) return proxy;
  const { client } = linkEnds(edge);
  const hint = session.label === 'embedded' ? `; pass --toxiproxy <url> of the Toxiproxy ${client} is wired through` : '';
  throw new FaultlineError(
    'FL_ENVIRONMENT',
    `${client} is external (url), so faultline cannot point it at a proxy: proxy ${name} must already exist in Toxiproxy at ${session.label}, with ${client}'s ${Object.keys(calleeEnvTemplates(edge)).join(', ')} set from its listen address${hint}`,
  );
}

/**
 * The proxies phase of one service: a proxy for each link it opens (to its callees; from the
 * broker it consumes from), created (or, for an external service, adopted) once the other end is
 * up, since the proxy forwards to that end's address. Returns the variables a managed service
 * starts with (`<CALLEE>_URL`, or the edge's own).
 */
export async function wireProxies(
  service: TopologyService,
  topology: Topology,
  session: ToxiproxySession,
  serverUrl: (name: string) => string,
): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const edge of topology.edges.filter((e) => linkEnds(e).client === service.name)) {
    if (service.kind === 'external') {
      await adoptProxy(session, edge);
      continue;
    }
    const name = proxyName(edge);
    const { server: upstream } = linkEnds(edge);
    const proxy = await session.populate(name, hostPort(serverUrl(upstream))).catch((error: unknown) => {
      throw new FaultlineError(
        'FL_ENVIRONMENT',
        `could not create proxy ${name} (${edge.caller} -> ${edge.callee}) in Toxiproxy at ${session.api.url}: ${String(error)}`,
        { cause: error },
      );
    });
    // A TCP service's proxy is no HTTP address: `{url}` is tcp://host:port (templates such as
    // 'redis://{host}:{port}' give a client's own form).
    const address = session.addressOf(proxy);
    const server = topology.services.find((s) => s.name === upstream);
    Object.assign(env, calleeEnv(edge, server && isTcpService(server) ? address.replace(/^http:/, 'tcp:') : address));
  }
  return env;
}
