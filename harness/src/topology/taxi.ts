import { entryArgs, packageRoot } from '../util/package-files.ts';
import { withBrokerRole } from './broker.ts';
import { defaultPortEnv, defaultStartTimeoutMs, type EmbeddedService, type ManagedService, type Topology } from './model.ts';

/** The sample taxi-hailing app's services, in start order (callees before callers). */
export const taxiServiceNames = ['notification', 'dispatch', 'passenger', 'trip', 'gateway'] as const;

/** One sample service, started from faultline's own files (source through tsx from a clone,
 * the compiled JavaScript from an installed package). */
export function sampleService(name: string, env: Record<string, string> = {}): ManagedService {
  return {
    kind: 'managed',
    name,
    health: '/health',
    command: [process.execPath, ...entryArgs(`services/${name}/main.ts`)],
    env,
    cwd: packageRoot(),
    faultlineAware: true,
    portEnv: defaultPortEnv,
    startTimeoutMs: defaultStartTimeoutMs,
  };
}

/** The built-in topology `taxi`: the sample app of services/, started from faultline's package. */
export function taxiTopology(): Topology {
  return Object.freeze({
    name: 'taxi',
    services: Object.freeze(taxiServiceNames.map((name) => sampleService(name))),
    edges: Object.freeze([
      { caller: 'gateway', callee: 'trip' },
      { caller: 'trip', callee: 'passenger' },
      { caller: 'trip', callee: 'dispatch' },
      { caller: 'trip', callee: 'notification' },
    ]),
  });
}

/**
 * The built-in topology `taxi-async`: the sample app with its asynchronous half, as in the seed.
 * Trip announces `trip.created` through the broker instead of calling dispatch and notification
 * (which then have no HTTP callers); dispatch publishes `driver.assigned`, which trip and
 * notification consume. Every service that talks to the broker has a publishing link (consumers
 * too: what fails for good goes to the dead-letter channel) and every consumer a consuming link,
 * each a proxy, so every toxic applies to them. The broker is the embedded one (`--broker URL`
 * puts a running one in its place).
 */
export function taxiAsyncTopology(): Topology {
  const broker: EmbeddedService = { kind: 'embedded', name: 'broker', health: '', protocol: 'tcp', broker: 'mqtt' };
  const links: [string, string][] = [
    ['gateway', 'trip'],
    ['trip', 'passenger'],
    ['trip', 'broker'],
    ['dispatch', 'broker'],
    ['notification', 'broker'],
    ['broker', 'dispatch'],
    ['broker', 'trip'],
    ['broker', 'notification'],
  ];
  return Object.freeze({
    name: 'taxi-async',
    services: Object.freeze([Object.freeze(broker), ...taxiServiceNames.map((name) => sampleService(name))]),
    edges: Object.freeze(links.map(([caller, callee]) => Object.freeze(withBrokerRole({ caller, callee }, broker.name)))),
  });
}
