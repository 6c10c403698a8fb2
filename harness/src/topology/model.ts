import type { TopologyEdge } from '../document/link.ts';

export { proxyName, type TopologyEdge } from '../document/link.ts';

/**
 * The system under test: services and the dependency edges between them. Each edge
 * `caller -> callee` becomes a Toxiproxy proxy named `caller_to_callee`; the caller is started
 * with `<CALLEE>_URL` (upper case, `-` as `_`) set to the proxy's address.
 */
export interface Topology {
  name: string;
  /** File it was loaded from; absent for the built-in taxi topology. */
  file?: string;
  services: readonly TopologyService[];
  edges: readonly TopologyEdge[];
}

export type TopologyService = ManagedService | ExternalService;

interface ServiceBase {
  name: string;
  /** Route answered with 2xx when the service is ready, e.g. `/health`. */
  health: string;
}

/** A service the runner starts as a child process, on a free port. */
export interface ManagedService extends ServiceBase {
  kind: 'managed';
  /** argv to start it; `process.execPath` stands for `node`. Port comes in env `PORT`. */
  command: readonly string[];
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
  url: string;
}

export function calleeEnvName(callee: string): string {
  return `${callee.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL`;
}
