import { resolve } from 'node:path';
import { repoPath, tsNodeArgs } from '../util/tsx.ts';
import type { ManagedService, Topology } from './model.ts';

/** The sample taxi-hailing app's services, in start order (callees before callers). */
export const taxiServiceNames = ['notification', 'dispatch', 'passenger', 'trip', 'gateway'] as const;

function sampleService(name: string): ManagedService {
  return {
    kind: 'managed',
    name,
    health: '/health',
    command: [process.execPath, ...tsNodeArgs(repoPath(`services/${name}/main.ts`))],
    env: {},
    cwd: resolve(repoPath('.')),
    faultlineAware: true,
  };
}

/** The built-in topology `taxi`: the sample app of services/, started from this repository. */
export function taxiTopology(): Topology {
  return Object.freeze({
    name: 'taxi',
    services: Object.freeze(taxiServiceNames.map(sampleService)),
    edges: Object.freeze([
      { caller: 'gateway', callee: 'trip' },
      { caller: 'trip', callee: 'passenger' },
      { caller: 'trip', callee: 'dispatch' },
      { caller: 'trip', callee: 'notification' },
    ]),
  });
}
