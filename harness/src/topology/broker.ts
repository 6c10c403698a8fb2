import { FaultlineError } from '../errors.ts';
import type { ExternalService, Topology, TopologyEdge, TopologyService } from './model.ts';

/**
 * The message broker in a topology: which service it is, what its links give their clients, and
 * `--broker URL`, which puts a broker already running in its place.
 */

/** What a publishing link (`trip -> broker`) gives its caller by default: the variable the
 * sample services read (services/lib/server/main.ts), in the MQTT client's form. */
export const publishLinkEnv: Readonly<Record<string, string>> = Object.freeze({ BROKER_URL: 'mqtt://{host}:{port}' });
/** What a consuming link (`broker -> dispatch`) gives its callee, who opens that connection. */
export const consumeLinkEnv: Readonly<Record<string, string>> = Object.freeze({ BROKER_SUBSCRIBE_URL: 'mqtt://{host}:{port}' });

/** The system's broker, if it has one (rules.ts allows at most one). */
export function brokerOf(topology: { services: readonly TopologyService[] }): TopologyService | undefined {
  return topology.services.find((service) => service.broker !== undefined);
}

/** An edge once the broker's name is known: a link from the broker is consuming (its callee
 * connects), and a link touching the broker gives the sample services' variable unless it names its own. */
export function withBrokerRole(edge: TopologyEdge, broker: string | undefined): TopologyEdge {
  if (broker === undefined || (edge.caller !== broker && edge.callee !== broker)) return edge;
  if (edge.caller === broker) return { ...edge, consuming: true, env: edge.env ?? consumeLinkEnv };
  return { ...edge, env: edge.env ?? publishLinkEnv };
}

/** `mqtt://host:port` (a port is required: a broker's port is not implied), the only form a
 * broker URL takes; `undefined` for anything else. */
export function brokerAddress(url: string): { host: string; port: number } | undefined {
  const match = /^mqtt:\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})\/?$/.exec(url);
  const port = Number(match?.[2]);
  return match && port >= 1 && port <= 65535 ? { host: match[1]!, port } : undefined;
}

export const brokerUrlExpected = "a broker URL 'mqtt://host:port' (e.g. 'mqtt://127.0.0.1:1883')";

/** `--broker URL` checked: its address, or FL_USAGE saying what was expected. */
export function parseBrokerOption(url: string): { host: string; port: number } {
  const address = brokerAddress(url);
  if (!address) throw new FaultlineError('FL_USAGE', `--broker expects ${brokerUrlExpected}, got '${url}'`);
  return address;
}

/**
 * The topology with a broker already running at `url` in place of its own (`--broker URL`):
 * same name, same links, so every proxy and fault stays; faultline only cannot crash it.
 * Throws FL_USAGE for a URL of another form or a topology without a broker.
 */
export function withExternalBroker(topology: Topology, url: string): Topology {
  const address = parseBrokerOption(url);
  const broker = brokerOf(topology);
  const protocol = broker?.broker;
  if (!broker || !protocol) {
    throw new FaultlineError(
      'FL_USAGE',
      `--broker ${url}: topology '${topology.name}' has no broker to replace (a service with 'broker: mqtt'; the built-in one with a broker is taxi-async)`,
    );
  }
  const external: ExternalService = {
    kind: 'external',
    name: broker.name,
    health: '',
    protocol: 'tcp',
    broker: protocol,
    url: `mqtt://${address.host}:${address.port}`,
  };
  return Object.freeze({ ...topology, services: Object.freeze(topology.services.map((s) => (s === broker ? external : s))) });
}
