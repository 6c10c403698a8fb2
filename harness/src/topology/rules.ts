import type { IssueList, Located } from '../document/check.ts';
import { unknownName } from '../document/suggest.ts';
import { brokerAddress, brokerUrlExpected } from './broker.ts';
import { calleeEnvTemplates, linkEnds, readyLineMatcher, type TopologyEdge } from './model.ts';
import type { TopologyServiceDocument } from './schema.ts';

/** Cross-field rules of a topology file; each one small, named, and reporting located issues. */

const oneWay = "'command' (started by faultline), 'url' (an HTTP service already running) or 'address' (a TCP service already running)";

export function serviceStartsOneWay(service: Located<TopologyServiceDocument>, issues: IssueList): void {
  const given = (['command', 'url', 'address'] as const).filter((key) => service.value[key] !== undefined);
  if (given.length > 1) issues.add([...service.path, given[1]!], `give one of ${oneWay}, not ${given.map((k) => `'${k}'`).join(' and ')}`, 'key');
  // A broker with none of them is the embedded one.
  if (given.length === 0 && service.value.broker === undefined) issues.add(service.path, `needs ${oneWay}`, 'key');
}

/** A TCP service has no health route and no admin hook; `url` is HTTP (or a broker's MQTT) and
 * `address` is TCP; a broker is always a TCP service. */
export function protocolFitsService(service: Located<TopologyServiceDocument>, issues: IssueList): void {
  const { protocol, address, url, broker } = service.value;
  const mqttUrl = url?.startsWith('mqtt:') === true;
  if (address !== undefined && protocol === 'http')
    issues.add([...service.path, 'protocol'], "'address' is a TCP service; give an HTTP service as 'url: http://host:port'", 'key');
  if (url !== undefined && !mqttUrl && protocol === 'tcp')
    issues.add([...service.path, 'protocol'], "a 'url' is an HTTP service; give a TCP service as 'address: host:port'", 'key');
  if (broker !== undefined && protocol === 'http')
    issues.add([...service.path, 'protocol'], 'a broker is a TCP service (its links carry MQTT, not HTTP); drop this line or say tcp', 'key');
  if (protocol !== 'tcp' && address === undefined && broker === undefined && !mqttUrl) return;
  if (service.value.health !== undefined)
    issues.add([...service.path, 'health'], "a TCP service is checked by connecting to its port; 'health' is a route of an HTTP service", 'key');
  if (service.value.faultlineAware !== undefined)
    issues.add([...service.path, 'faultlineAware'], "a TCP service cannot be faultline-aware: that is an HTTP service's admin hook and metrics", 'key');
}

/** `mqtt://host:port` is a broker's address and a broker's `url` is one. */
export function brokerUrlFits(service: Located<TopologyServiceDocument>, issues: IssueList): void {
  const { url, broker } = service.value;
  if (url === undefined) return;
  const mqtt = url.startsWith('mqtt:');
  if (mqtt && broker === undefined)
    issues.add([...service.path, 'url'], "an mqtt:// URL is a broker's: add 'broker: mqtt', or give another TCP service as 'address: host:port'");
  else if (!mqtt && broker !== undefined) issues.add([...service.path, 'url'], `a broker is reached at ${brokerUrlExpected}, not over HTTP`);
  else if (mqtt && !brokerAddress(url)) issues.add([...service.path, 'url'], `expected ${brokerUrlExpected}; got ${JSON.stringify(url)}`);
}

/** One broker: the runner starts one, `--broker` replaces it, and `broker-crash` names none. */
export function oneBrokerAtMost(services: readonly Located<TopologyServiceDocument>[], issues: IssueList): void {
  const brokers = services.filter((service) => service.value.broker !== undefined);
  for (const extra of brokers.slice(1)) {
    issues.add([...extra.path, 'broker'], `a topology has at most one broker, and '${String(brokers[0]!.path.at(-1))}' already is`, 'key');
  }
}

export function managedFieldsNeedCommand(service: Located<TopologyServiceDocument>, issues: IssueList): void {
  if (service.value.command) return;
  for (const key of ['env', 'cwd', 'faultlineAware', 'portEnv', 'startTimeout', 'readyLine'] as const) {
    if (service.value[key] !== undefined) issues.add([...service.path, key], `'${key}' applies only to a service started with 'command'`, 'key');
  }
}

/** faultline picks every started service's port; a fixed one in `env` would be ignored or clash. */
export function portIsFaultlines(service: Located<TopologyServiceDocument>, issues: IssueList): void {
  const { command, env, portEnv = 'PORT' } = service.value;
  if (!command || env?.[portEnv] === undefined) return;
  issues.add(
    [...service.path, 'env', portEnv],
    `faultline picks a free port and passes it in ${portEnv}; do not set it here (if the service reads its port from another variable, name it with 'portEnv')`,
    'key',
  );
}

/** A `/regex/flags` ready line must compile (a plain string is a substring and always does). */
export function readyLineCompiles(service: Located<TopologyServiceDocument>, issues: IssueList): void {
  const { readyLine } = service.value;
  if (readyLine === undefined) return;
  try {
    readyLineMatcher(readyLine);
  } catch (error) {
    issues.add([...service.path, 'readyLine'], `not a valid regular expression: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Two edges one service opens must not set the same variable: one address would silently win. */
export function edgeEnvIsUnique(edges: readonly Located<TopologyEdge>[], issues: IssueList): void {
  const seen = new Map<string, string>();
  for (const edge of edges) {
    const { client, server } = linkEnds(edge.value);
    for (const name of Object.keys(calleeEnvTemplates(edge.value))) {
      const key = `${client}:${name}`;
      const other = seen.get(key);
      // The same callee twice is a duplicate edge, which edgesAreUnique reports.
      if (other !== undefined && other !== server)
        issues.add(edge.path, `${client} already reads ${name} for its edge to ${other}; name another variable with 'env'`);
      else seen.set(key, server);
    }
  }
}

export function edgeServicesExist(edge: Located<TopologyEdge>, services: ReadonlyMap<string, TopologyServiceDocument | undefined>, issues: IssueList): void {
  for (const end of ['caller', 'callee'] as const) {
    const name = edge.value[end];
    if (!services.has(name)) issues.add(edge.path, unknownName(`${end} service`, name, [...services.keys()]));
  }
}

export function edgeIsNotALoop(edge: Located<TopologyEdge>, issues: IssueList): void {
  if (edge.value.caller === edge.value.callee) issues.add(edge.path, `a service cannot depend on itself ('${edge.value.caller}')`);
}

export function edgesAreUnique(edges: readonly Located<TopologyEdge>[], issues: IssueList): void {
  const seen = new Set<string>();
  for (const edge of edges) {
    const key = `${edge.value.caller}->${edge.value.callee}`;
    if (seen.has(key)) issues.add(edge.path, `duplicate edge '${edge.value.caller} -> ${edge.value.callee}'`);
    seen.add(key);
  }
}

/**
 * The edges form no cycle: services start callees first, so `a -> b` with `b -> a` (or any
 * longer loop) could never start. What counts is who connects to whom (linkEnds): trip both
 * publishing to the broker and consuming from it (`broker -> trip`) connects to it twice, no cycle.
 * Reported once per cycle, at the edge that closes it.
 */
export function edgesFormNoCycle(edges: readonly Located<TopologyEdge>[], issues: IssueList): void {
  const callees = new Map<string, Located<TopologyEdge>[]>();
  for (const edge of edges) {
    const { client } = linkEnds(edge.value);
    callees.set(client, [...(callees.get(client) ?? []), edge]);
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]): void => {
    state.set(name, 'visiting');
    for (const edge of callees.get(name) ?? []) {
      const next = linkEnds(edge.value).server;
      if (next === name) continue; // a self-loop: edgeIsNotALoop says so
      if (state.get(next) === 'visiting') {
        const loop = [...path.slice(path.indexOf(next)), name, next];
        issues.add(edge.path, `dependency cycle ${loop.join(' -> ')}: services start callees first, so a cycle can never start`);
      } else if (state.get(next) !== 'done') {
        visit(next, [...path, name]);
      }
    }
    state.set(name, 'done');
  };
  for (const edge of edges) {
    const { client } = linkEnds(edge.value);
    if (!state.has(client)) visit(client, []);
  }
}
