import { FaultlineError } from '../errors.ts';
import { linkEnds, type Topology, type TopologyService } from '../topology/model.ts';

/** What a service connects to: its callees, and the broker it consumes from (linkEnds). */
function serversOf(topology: Topology, name: string): string[] {
  return topology.edges.map(linkEnds).flatMap(({ client, server }) => (client === name ? [server] : []));
}

/** Callees before callers (a broker before its publishers and consumers), so a service starts
 * with its proxies already in place. */
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
    for (const server of serversOf(topology, name)) visit(server, [...path, name]);
    state.set(name, 'done');
    order.push(byName.get(name)!);
  };
  for (const service of topology.services) visit(service.name, []);
  return order;
}

/**
 * Runs `startOne` for every service, each as soon as all its callees are done: independent
 * services start together. Waits for all of them, then throws the first failure, so nothing is
 * still starting when the caller tears down.
 */
export async function startAfterCallees(topology: Topology, startOne: (service: TopologyService) => Promise<void>): Promise<void> {
  const started = new Map<string, Promise<void>>();
  const start = (service: TopologyService): Promise<void> => {
    let promise = started.get(service.name);
    if (!promise) {
      const callees = serversOf(topology, service.name).map((name) => topology.services.find((s) => s.name === name)!);
      promise = Promise.all(callees.map(start)).then(() => startOne(service));
      started.set(service.name, promise);
    }
    return promise;
  };
  // startOrder refuses cycles before anything starts.
  const outcomes = await Promise.allSettled(startOrder(topology).map(start));
  const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failure) throw failure.reason;
}
