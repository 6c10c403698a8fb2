import type { RunningService } from '../topology/launch.ts';

/** A toxic as Toxiproxy's API takes it (`POST /proxies/{proxy}/toxics`). */
export interface ToxicSpec {
  name: string;
  type: string;
  stream: 'upstream' | 'downstream';
  toxicity: number;
  /** Toxiproxy attributes in Toxiproxy's units. */
  attributes: Readonly<Record<string, number>>;
}

/**
 * What a fault driver may do to Toxiproxy. The run's ToxiproxySession (proxies/session.ts)
 * implements it and journals every change before making it, so drivers never think about
 * crash-safe undo. Declared here, below the wrapper, so that fault kinds can sit below
 * `scenario/` and depend on nothing but this interface.
 */
export interface ProxyControl {
  /** Adds a toxic to one of the run's proxies. */
  addToxic(proxy: string, toxic: ToxicSpec): Promise<void>;
  /** Removes a toxic; resolves false when it was not there (a failed apply, removed by hand). */
  removeToxic(proxy: string, toxic: string): Promise<boolean>;
  /** Enables or disables one of the run's proxies (disabled: connections refused, open ones closed). */
  setEnabled(proxy: string, enabled: boolean): Promise<void>;
  /** Connections a toxic was applied to, from the embedded server's counter; undefined when the
   * server has no such counter (a real Toxiproxy). */
  appliedConnections(proxy: string, toxic: string): Promise<number | undefined>;
}

/** What a broker fault may do to the run's message broker (run/broker-control.ts). */
export interface BrokerControl {
  /** The broker's service name in the topology. */
  name: string;
  /** The broker goes down: its port closed, every connection cut. `keepState` false: sessions,
   * subscriptions and queued messages do not survive. */
  crash(keepState: boolean): Promise<void>;
  /** Back on the same port; nothing to do when it is up. */
  restart(): Promise<void>;
}

/** What a fault driver may touch: Toxiproxy through ProxyControl, and the run's services. */
export interface FaultContext {
  proxies: ProxyControl;
  /** The run's broker; throws FL_FAULT_APPLY when the run has none faultline can crash (the gate
   * refuses such a scenario before anything starts). */
  broker(): BrokerControl;
  /** A running managed service, by name (undefined while it is crashed). */
  service(name: string): RunningService | undefined;
  /** Start a managed service again on its previous port (after crash/restart). */
  relaunch(name: string): Promise<RunningService>;
  /** Stop a managed service: `kill` = SIGKILL, else graceful SIGTERM. */
  stopService(name: string, how: 'kill' | 'graceful'): Promise<void>;
  /** Base URL of a service, direct (not through a proxy). */
  serviceUrl(name: string): string;
  /** Prefix for names of toxics this run adds (`faultline_<runId>_`), so a shared Toxiproxy
   * can tell them apart. */
  toxicPrefix: string;
}

/** Evidence a fault collected while it was active. */
export interface FaultEvidence {
  connectionsAffected?: number;
  requestsAffected?: number;
}
