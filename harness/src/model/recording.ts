/**
 * Everything one run observed, and nothing derived: the input of analysis (a pure function),
 * and what fixtures in harness/test/fixtures hold. Times are ms since t = 0 of the load
 * (monotonic clock), so a Recording is independent of wall time.
 */
export interface Recording {
  runId: string;
  /** Name of the scenario. */
  scenario: string;
  /** The scenario file the run was planned from (absolute), so `faultline analyse` can find its
   * SLOs again. */
  scenarioFile: string;
  profile: string;
  seed: number;
  timeScale: number;
  /** How the run ended; anything but `completed` makes the verdict inconclusive. */
  status: 'completed' | 'failed' | 'aborted' | 'interrupted';
  /** Problems met during the run (a fault that could not be applied, a scrape target gone…). */
  problems: readonly string[];
  /** Wall-clock start (ISO 8601), for reports only. */
  startedAt: string;
  /** End of the load schedule (ms). */
  durationMs: number;
  /** One per scheduled request that was sent (dropped ones are in `dropped`). */
  samples: readonly RequestSample[];
  /** Scheduled send times (ms) of requests not sent because `maxInFlight` was reached. */
  dropped: readonly number[];
  /** Periodic scrapes of every service's /metrics. */
  scrapes: readonly Scrape[];
  /** Every circuit-breaker transition the services recorded, with its exact time, oldest first
   * (read from each faultline-aware service's `/__faultline/breaker-events` during the run). */
  policyEvents: readonly PolicyEvent[];
  /** The services whose transition log was read: analysis trusts `policyEvents` for these and
   * falls back to the scrapes for any other. */
  policyEventSources: readonly PolicyEventSource[];
  /** What each fault actually did. */
  faults: readonly FaultRecord[];
  /** Windows resolved by the plan (copied so analysis needs nothing else). */
  windows: readonly { name: string; startMs: number; endMs: number }[];
  environment: RunEnvironment;
  /** Where a signal stopped the run; absent when none did (recordings written before this field
   * existed lack it too, and are judged as if every window had completed). */
  interruption?: Interruption;
  /** What k6 said of its own run, when k6 sent the load (`--load k6`, or k6 files ingested);
   * reported beside the verdict, never part of it. */
  k6?: K6Report;
  /** The asynchronous outcomes, when the scenario has an `async:` block: every accepted
   * request's id and every message seen on the completion channel (analysis matches them). */
  async?: AsyncObservations;
}

/**
 * What the runner saw of the asynchronous half: the ids of the accepted requests (from the load
 * generator) and every message on the completion channel (from the observer), each on the
 * run's timeline. Nothing is matched here: a completion, a duplicate, a loss are analysis's.
 */
export interface AsyncObservations {
  /** The `async:` block as run (drainMs time-scaled). */
  channel: string;
  requestId: string;
  completionId: string;
  messageId: string;
  drainMs: number;
  /** Why no message could be observed (e.g. `no broker in this run`): the async SLOs are then
   * not measured. Absent when the observer ran. */
  unavailable?: string;
  /** One per accepted request: a success response whose body held an id at `requestId`. */
  accepted: readonly AcceptedRequest[];
  /** Success responses without an id at `requestId` (or a body over the read limit): accepted,
   * but impossible to follow. */
  acceptedWithoutId: number;
  /** Every message received on the channel, in arrival order, redeliveries included. */
  completions: readonly CompletionMessage[];
  /** Messages on the channel without an id at `completionId` or `messageId`, or not JSON. */
  unreadable: number;
  /** When the observer stopped listening (ms since t = 0). */
  observedUntilMs: number;
  /** Why it stopped: every accepted request had completed; the drain after the load ran out;
   * or the run was interrupted first (requests still pending are then not lost, just unknown). */
  stopped: 'all-completed' | 'drain-elapsed' | 'interrupted';
  /** Spans during which the observer was disconnected from the broker. */
  disconnections: readonly { fromMs: number; toMs: number }[];
}

export interface AcceptedRequest {
  id: string;
  /** The request's scheduled send time (ms): its window, and where async latency counts from. */
  scheduledMs: number;
  /** When its success response arrived (ms). */
  acceptedMs: number;
}

export interface CompletionMessage {
  /** The request id the message carries (at `completionId`). */
  id: string;
  /** The message's own id (at `messageId`): a redelivery repeats it, a second side effect does not. */
  messageId: string;
  /** When the observer received it (ms since t = 0, the runner's monotonic clock). */
  atMs: number;
}

/** k6's own view of a run: its exit code and threshold results (`--summary-export`). */
export interface K6Report {
  /** `k6 version` of the binary that ran (absent for ingested files). */
  version?: string;
  /** k6's exit code: 0, 99 (a threshold failed), 105 (stopped by a signal), …; absent for ingested files. */
  exitCode?: number;
  /** Every threshold k6 evaluated, `metric: expression`, with its outcome. */
  thresholds: readonly { threshold: string; ok: boolean }[];
  /** Script that ran: `exported` (faultline's `k6 export` of the plan) or the user's file; for
   * ingested files, their names. */
  script: string;
  /** t = 0 as epoch ms (the FAULTLINE_START_EPOCH_MS k6 was given): where more k6 instances'
   * files are placed when they are ingested into this recording (`faultline k6 ingest --into`). */
  startEpochMs?: number;
}

/** The part of the run a signal arrived in. `start-up`: the system was being brought up (nothing
 * of the load ran); `warm-up`: the unrecorded warm-up; `load`: the recorded load, `atMs` into it;
 * `teardown`: after the load had run to its end (faults being removed, services stopped). */
export type InterruptionPhase = 'start-up' | 'warm-up' | 'load' | 'teardown';

export interface Interruption {
  phase: InterruptionPhase;
  /** With `load`: ms since t = 0 of the load when the signal arrived (at most durationMs). */
  atMs?: number;
}

export type RequestErrorKind =
  | 'status' // an HTTP response whose status is not a success
  | 'timeout' // the client-side timeout fired
  | 'connect' // connection refused / could not connect
  | 'reset' // connection reset or closed mid-request
  | 'other';

export interface RequestSample {
  /** When the open model meant to send it (ms). Latency is measured from here. */
  scheduledMs: number;
  /** When it was actually sent (ms). */
  sentMs: number;
  /** When the response (or error) arrived (ms). */
  endMs: number;
  /** HTTP status, 0 when there was no response. */
  status: number;
  ok: boolean;
  error?: RequestErrorKind;
}

export interface Scrape {
  atMs: number;
  service: string;
  /** False when the scrape failed (service down); `series` is then empty. */
  up: boolean;
  series: readonly MetricSample[];
}

/** One Prometheus sample: `name{labels} value`. Histograms appear as their _bucket/_sum/_count. */
export interface MetricSample {
  name: string;
  labels: Readonly<Record<string, string>>;
  value: number;
}

/** One circuit-breaker transition of `service`'s breaker on calls to `dependency`. */
export interface PolicyEvent {
  /** When it happened (ms since t = 0; before the load, e.g. in warm-up, it is negative). */
  atMs: number;
  service: string;
  dependency: string;
  /** `closed`, `open`, `half_open` or `isolated`. */
  from: string;
  to: string;
}

export interface PolicyEventSource {
  service: string;
  /** Transitions the service's log overwrote before the runner read them (its ring buffer is
   * bounded): > 0 means `policyEvents` of this service has a gap. */
  missed: number;
}

export interface FaultRecord {
  id: string;
  /** The fault kind's name (`toxic`, `down`, `crash`, …: the registry in faults/). */
  kind: string;
  /** `caller -> callee` or the service name. */
  target: string;
  /** When it was applied / removed (ms); undefined if never. */
  appliedAtMs?: number;
  removedAtMs?: number;
  /** Evidence the fault hit traffic: connections it was applied to (toxics, from the embedded
   * Toxiproxy's /metrics), connections or requests seen on the link while it was active. */
  connectionsAffected?: number;
  requestsAffected?: number;
  /** Why it could not be applied or removed. */
  error?: string;
}

export interface RunEnvironment {
  faultlineVersion: string;
  node: string;
  /** `embedded` or the URL of an external Toxiproxy. */
  toxiproxy: string;
  toxiproxyVersion?: string;
  /** The message broker, when the topology has one (absent otherwise, and in recordings written
   * before version 4). */
  broker?: BrokerEnvironment;
  platform: string;
  cpus: number;
}

/** Which message broker a run used: a result from one broker is not a result from another. */
export interface BrokerEnvironment {
  /** The topology's broker service (`broker` in taxi-async). */
  service: string;
  /** The protocol it speaks (`mqtt`). */
  protocol: string;
  /** `embedded`: faultline's own, in the runner's process; `command`: started by the run from
   * the topology's `command:`; `external`: already running (`--broker URL`, or the topology's
   * `url:`/`address:`). */
  source: 'embedded' | 'command' | 'external';
  /** With `external`: the address it was reached at. */
  url?: string;
  /** With `command`: the command line as the topology gives it. */
  command?: readonly string[];
  /** What the broker is: `aedes 1.2.0` for the embedded one (the package's version); for any
   * other, what it said of itself on `$SYS/broker/version` (Mosquitto: `mosquitto version
   * 2.0.11`); absent when it said nothing within a second. */
  software?: string;
}
