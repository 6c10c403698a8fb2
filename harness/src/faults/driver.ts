import type { Proxy, Toxiproxy } from 'toxiproxy-node-client';
import type { FaultSpec } from '../scenario/model.ts';
import type { RunningService } from '../topology/launch.ts';

/** What a fault driver may touch: the Toxiproxy client, the run's proxies and services. */
export interface FaultContext {
  toxiproxy: Toxiproxy;
  /** Proxy of each topology edge, by proxy name (`caller_to_callee`). */
  proxy(name: string): Proxy;
  /** A running managed service, by name (undefined while it is crashed). */
  service(name: string): RunningService | undefined;
  /** Start a managed service again on its previous port (after crash/restart). */
  relaunch(name: string): Promise<RunningService>;
  /** Stop a managed service: `kill` = SIGKILL, else graceful SIGTERM. */
  stopService(name: string, how: 'kill' | 'graceful'): Promise<void>;
  /** Base URL of a service, direct (not through a proxy). */
  serviceUrl(name: string): string;
  /** Prefix for names of toxics this run adds, so a shared Toxiproxy can tell them apart. */
  toxicPrefix: string;
  /** Journal hooks: what the run changed in Toxiproxy, for crash-safe undo. */
  journal: { toxicAdded(proxy: string, toxic: string): Promise<void>; toxicRemoved(proxy: string, toxic: string): Promise<void>; proxyDisabled(proxy: string): Promise<void>; proxyEnabled(proxy: string): Promise<void> };
}

/** Evidence a fault collected while it was active. */
export interface FaultEvidence {
  connectionsAffected?: number;
  requestsAffected?: number;
}

/** Applies and removes one kind of fault. `remove` must be safe to call after a failed apply. */
export interface FaultDriver<F extends FaultSpec = FaultSpec> {
  kind: F['kind'];
  /** Human label, e.g. `latency trip -> passenger`. */
  describe(fault: F): string;
  apply(fault: F, ctx: FaultContext): Promise<void>;
  /** Removes the fault, returning whatever evidence it can gather. */
  remove(fault: F, ctx: FaultContext): Promise<FaultEvidence>;
}
