import { basename, dirname, extname, resolve } from 'node:path';
import { InputError } from '../errors.ts';
import type { InputIssue } from '../errors.ts';
import { IssueList, field, salvage, schemaIssues } from '../document/check.ts';
import { linkText } from '../document/fields.ts';
import { deepFreeze } from '../document/freeze.ts';
import type { Located } from '../document/check.ts';
import { readYamlSource } from '../document/source.ts';
import type { YamlSource } from '../document/source.ts';
import { parseLink } from '../document/link.ts';
import { parseDuration } from '../document/units.ts';
import { defaultPortEnv, defaultStartTimeoutMs, type TopologyEdge, type TopologyService, type Topology } from './model.ts';
import { withBrokerRole } from './broker.ts';
import * as rules from './rules.ts';
import { topologyDocument, topologyEdgeDocument, topologyServiceDocument } from './schema.ts';
import type { TopologyEdgeDocument, TopologyServiceDocument } from './schema.ts';

function toService(name: string, doc: TopologyServiceDocument, baseDir: string): TopologyService {
  // A broker is a TCP service whatever else is said.
  const tcp = doc.address !== undefined || doc.protocol === 'tcp' || doc.broker !== undefined;
  // A TCP service has no health route: a connection to its port is the check.
  const health = tcp ? '' : (doc.health ?? '/health');
  const protocol = tcp ? { protocol: 'tcp' as const } : {};
  const broker = doc.broker === undefined ? {} : { broker: doc.broker };
  // A broker already running is named by its protocol's URL (what Stack.brokerUrl hands out).
  if (doc.address) return { kind: 'external', name, health, ...protocol, ...broker, url: `${doc.broker ?? 'tcp'}://${doc.address}` };
  if (doc.url) return { kind: 'external', name, health, ...protocol, ...broker, url: doc.url.replace(/\/+$/, '') };
  if (doc.broker !== undefined && doc.command === undefined) return { kind: 'embedded', name, health, protocol: 'tcp', broker: doc.broker };
  const [program = '', ...args] = doc.command ?? [];
  return {
    kind: 'managed',
    name,
    health,
    ...protocol,
    ...broker,
    // `node` means the Node running faultline, so a topology works whatever is on PATH.
    command: [program === 'node' ? process.execPath : program, ...args],
    env: { ...doc.env },
    cwd: resolve(baseDir, doc.cwd ?? '.'),
    faultlineAware: doc.faultlineAware ?? false,
    portEnv: doc.portEnv ?? defaultPortEnv,
    startTimeoutMs: doc.startTimeout === undefined ? defaultStartTimeoutMs : parseDuration(doc.startTimeout)!,
    ...(doc.readyLine !== undefined ? { readyLine: doc.readyLine } : {}),
  };
}

/** An edge as written: `'a -> b'`, or `{link: 'a -> b', env: NAME | {NAME: template}}`. */
function toEdge(value: unknown): TopologyEdge | undefined {
  if (typeof value === 'string') return salvage(linkText, value) === undefined ? undefined : parseLink(value);
  const doc: TopologyEdgeDocument | undefined = salvage(topologyEdgeDocument, value);
  const link = doc && parseLink(doc.link);
  if (!doc || !link) return undefined;
  if (doc.env === undefined) return link;
  return { ...link, env: typeof doc.env === 'string' ? { [doc.env]: '{url}' } : { ...doc.env } };
}

/** Validates a parsed topology file: schema, then cross-field rules. Every issue, located. */
export function checkTopology(source: YamlSource): { topology?: Topology; issues: InputIssue[] } {
  if (source.issues.length > 0) return { issues: source.issues };
  const issues = new IssueList(source);
  issues.issues.push(...schemaIssues(topologyDocument, source));

  const servicesData = field(source.data, 'services');
  const services = new Map<string, TopologyServiceDocument | undefined>();
  const located: Located<TopologyServiceDocument>[] = [];
  if (servicesData && typeof servicesData === 'object') {
    for (const [name, value] of Object.entries(servicesData)) {
      const doc = salvage(topologyServiceDocument, value);
      // A broken service still exists for the edges (its own issues are already reported).
      services.set(name, doc);
      if (!doc) continue;
      located.push({ path: ['services', name], value: doc });
    }
    if (Object.keys(servicesData).length === 0) issues.add(['services'], 'needs at least one service');
  }
  // The broker's links are told apart by its name (the first broker's, if several: one issue says so).
  const brokerName = located.find((service) => service.value.broker !== undefined)?.path[1] as string | undefined;
  const edgesData = field(source.data, 'edges');
  const edges: Located<TopologyEdge>[] = (Array.isArray(edgesData) ? edgesData : []).flatMap((value: unknown, index) => {
    const edge = toEdge(value);
    return edge ? [{ path: ['edges', index], value: withBrokerRole(edge, brokerName) }] : [];
  });

  for (const service of located) {
    rules.serviceStartsOneWay(service, issues);
    rules.managedFieldsNeedCommand(service, issues);
    rules.protocolFitsService(service, issues);
    rules.brokerUrlFits(service, issues);
    rules.portIsFaultlines(service, issues);
    rules.readyLineCompiles(service, issues);
  }
  rules.oneBrokerAtMost(located, issues);
  rules.edgeEnvIsUnique(edges, issues);
  for (const edge of edges) {
    rules.edgeServicesExist(edge, services, issues);
    rules.edgeIsNotALoop(edge, issues);
  }
  rules.edgesAreUnique(edges, issues);
  rules.edgesFormNoCycle(edges, issues);
  if (issues.issues.length > 0) return { issues: issues.sorted() };

  const baseDir = dirname(source.file);
  const name = (field(source.data, 'name') as string | undefined) ?? basename(source.file, extname(source.file));
  const topology: Topology = {
    name,
    file: source.file,
    services: [...services].map(([serviceName, doc]) => toService(serviceName, doc!, baseDir)),
    edges: edges.map((edge) => edge.value),
  };
  return { topology: deepFreeze(topology), issues: [] };
}

/** Loads and validates a topology file; throws InputError with every issue. */
export async function loadTopology(file: string): Promise<Topology> {
  const { topology, issues } = checkTopology(await readYamlSource(resolve(file)));
  if (!topology) throw new InputError(issues);
  return topology;
}
