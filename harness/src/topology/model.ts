import type { TopologyEdge as Link } from '../document/link.ts';

export { proxyName } from '../document/link.ts';

/**
 * The system under test: services and the dependency edges between them. Each edge
 * `caller -> callee` becomes a Toxiproxy proxy named `caller_to_callee`; the caller is started
 * with `<CALLEE>_URL` (upper case, `-` as `_`) set to the proxy's address, or the variables the
 * edge's `env` names. A message broker is a service too (its `broker` set); its links are named
 * the way messages flow, so a consuming link `broker -> dispatch` is opened by its callee
 * (`consuming`, see linkEnds).
 */
export interface Topology {
  name: string;
  /** File it was loaded from; absent for the built-in taxi topology. */
  file?: string;
  services: readonly TopologyService[];
  edges: readonly TopologyEdge[];
}

export type TopologyService = ManagedService | ExternalService | EmbeddedService;

/** The message protocols a broker of the topology may speak (the services' adapters). */
export type BrokerProtocol = 'mqtt';

interface ServiceBase {
  name: string;
  /** Route answered with 2xx when the service is ready, e.g. `/health`; unused for a TCP
   * service (a connection to its port is the check). */
  health: string;
  /**
   * `tcp`: a dependency that is not an HTTP service (a database, a cache, a broker). It is ready
   * when its port accepts a connection; its edges carry whatever it speaks, so every toxic
   * applies but HTTP faults do not; it is never a load target. Absent: HTTP.
   */
  protocol?: 'http' | 'tcp';
  /** Set on the system's message broker (at most one; always a TCP service): its links carry
   * messages, and a `broker-crash` fault can take it down. */
  broker?: BrokerProtocol;
}

/** Whether a service speaks some TCP protocol of its own rather than HTTP. */
export function isTcpService(service: { protocol?: 'http' | 'tcp' | undefined }): boolean {
  return service.protocol === 'tcp';
}

/** A dependency edge; `env`, when present, replaces the caller's default `<CALLEE>_URL`. */
export interface TopologyEdge extends Link {
  /** Variable name → template of `{url}`, `{host}`, `{port}` (of the edge's proxy), set on
   * the end that opens the connection. */
  env?: Readonly<Record<string, string>>;
  /** A consuming link from the broker (`broker -> dispatch`): messages flow to the callee, but
   * the callee opens the connection, so the proxy's upstream is the broker (the caller). */
  consuming?: true;
}

/** Who opens an edge's connection (`client`: started after `server`, given the variables) and
 * who listens (`server`: the proxy's upstream). The caller and callee, except on a consuming link. */
export function linkEnds(edge: TopologyEdge): { client: string; server: string } {
  return edge.consuming ? { client: edge.callee, server: edge.caller } : { client: edge.caller, server: edge.callee };
}

/** A service the runner starts as a child process, on a free port. */
export interface ManagedService extends ServiceBase {
  kind: 'managed';
  /** argv to start it; `process.execPath` stands for `node`. Its port comes in env `portEnv`,
   * and in place of `{port}` in any argument (for programs that take it as an option). */
  command: readonly string[];
  /** The variable the service reads its port from (`PORT`); faultline picks a free port. */
  portEnv: string;
  /** How long it may take to be healthy, ms. */
  startTimeoutMs: number;
  /** A stdout line to wait for before polling the health route: a substring, or `/regex/flags`. */
  readyLine?: string;
  /** Extra environment for the process. */
  env: Readonly<Record<string, string>>;
  /** Working directory, absolute. */
  cwd: string;
  /** Whether it speaks faultline's service conventions (`/__faultline/*` admin routes,
   * profile env, ready line on stdout). True for the sample app. */
  faultlineAware: boolean;
}

/** A service already running somewhere the harness can reach. */
export interface ExternalService extends ServiceBase {
  kind: 'external';
  /** `http(s)://host:port`, `tcp://host:port` for a TCP service given by `address`, or
   * `mqtt://host:port` for a broker. */
  url: string;
}

/** A service faultline runs inside its own process: the embedded MQTT broker (broker/), on a
 * free loopback port, for a broker entry that names no command, url or address. */
export interface EmbeddedService extends ServiceBase {
  kind: 'embedded';
  protocol: 'tcp';
  broker: BrokerProtocol;
}

export function calleeEnvName(callee: string): string {
  return `${callee.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL`;
}

export const defaultPortEnv = 'PORT';
export const defaultStartTimeoutMs = 10_000;

/** The variables an edge's client (see linkEnds) gets for the proxy at `address`
 * (`http://host:port`): `<CALLEE>_URL` = the URL unless the edge names its own, each from its template. */
export function calleeEnv(edge: TopologyEdge, address: string): Record<string, string> {
  const url = new URL(address);
  const parts: Record<string, string> = { url: address.replace(/\/+$/, ''), host: url.hostname, port: url.port };
  const templates = calleeEnvTemplates(edge);
  return Object.fromEntries(
    Object.entries(templates).map(([name, template]) => [name, template.replace(/\{(url|host|port)\}/g, (_, part: string) => parts[part]!)]),
  );
}

/** The variables an edge's client reads, each with its template. */
export function calleeEnvTemplates(edge: TopologyEdge): Readonly<Record<string, string>> {
  return edge.env ?? { [calleeEnvName(edge.callee)]: '{url}' };
}

/** Whether a line is the ready line: `/regex/flags` is a regular expression (throws when it
 * does not compile), anything else a substring. */
export function readyLineMatcher(readyLine: string): (line: string) => boolean {
  const regex = /^\/(.+)\/([a-z]*)$/s.exec(readyLine);
  if (!regex) return (line) => line.includes(readyLine);
  // g and y would make test() stateful: a line could fail to match because the last one did.
  const pattern = new RegExp(regex[1]!, regex[2]!.replace(/[gy]/g, ''));
  return (line) => pattern.test(line);
}
