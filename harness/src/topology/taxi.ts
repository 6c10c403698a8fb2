import { entryArgs, packageRoot } from '../util/package-files.ts';
import { defaultPortEnv, defaultStartTimeoutMs, type ManagedService, type Topology } from './model.ts';

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
