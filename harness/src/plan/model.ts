import type { AsyncSpec, FaultSpec, LoadSpec, Scenario } from '../scenario/model.ts';
import type { Topology } from '../topology/model.ts';

/**
 * The compiled, absolute timeline of one run. A pure function of (Scenario, Topology, options);
 * `faultline plan` prints it, the runner executes it. Times are ms from the start of the load
 * (t = 0 is the first scheduled request), after `timeScale` was applied.
 */
export interface Plan {
  scenario: Scenario;
  topology: Topology;
  profile: string;
  seed: number;
  /** Factor every scenario duration was multiplied by (1 = as written). */
  timeScale: number;
  /** One proxy per topology edge. */
  proxies: readonly PlannedProxy[];
  /** The load, with stage durations scaled. */
  load: LoadSpec;
  /** Faults with `atMs`/`forMs` scaled. */
  faults: readonly FaultSpec[];
  /** Fault on/off events in time order (an `off` sorts before an `on` at the same time). */
  events: readonly PlanEvent[];
  /** Every window an SLO may name, resolved to absolute ranges (built-ins included). */
  windows: readonly PlannedWindow[];
  /** Unrecorded load before t = 0 at the first stage's rate, so that cold start (JIT, first
   * connections, caches) is not measured as the system's behaviour. Not time-scaled. */
  warmupMs: number;
  /** How often each service's /metrics is scraped. */
  scrapeIntervalMs: number;
  /** End of the load; the run ends here (plus draining in-flight requests, and the async drain). */
  durationMs: number;
  /** The scenario's `async:` block with `drainMs` scaled: the runner observes the completion
   * channel until every accepted request completed or `drainMs` after the load's end. */
  async?: AsyncSpec;
}

export interface PlannedProxy {
  name: string;
  caller: string;
  callee: string;
}

export interface PlanEvent {
  atMs: number;
  action: 'apply' | 'remove';
  faultId: string;
}

export interface PlannedWindow {
  name: string;
  startMs: number;
  endMs: number;
}
