import { formatLink, type TopologyEdge } from '../document/link.ts';
import type { IssueList, Located } from '../document/check.ts';
import { didYouMean, unknownName } from '../document/suggest.ts';
import type { FaultSpec, SloSpec } from '../scenario/model.ts';
import { isServiceSideMetric } from '../scenario/slo-grammar.ts';
import { brokerOf } from '../topology/broker.ts';
import { isTcpService, linkEnds, type Topology } from '../topology/model.ts';

/**
 * The rules that hold a scenario against the topology it will run on (its own, or the one
 * `--topology` puts in its place). Each is small and named and reports issues located in the
 * scenario file, so a link the override lacks points at the fault that names it.
 */

const serviceNames = (topology: Topology) => topology.services.map((s) => s.name);

/** The load target names a service (checked even when the rest of `load` is broken). */
export function loadTargetExists(target: Located<string>, topology: Topology, issues: IssueList): void {
  const names = serviceNames(topology);
  if (!names.includes(target.value)) {
    issues.add(target.path, unknownName('service', target.value, names, ` in topology '${topology.name}'`));
  }
}

/** The load generator speaks HTTP: its target cannot be a TCP service. */
export function loadTargetSpeaksHttp(target: Located<string>, topology: Topology, issues: IssueList): void {
  const service = topology.services.find((s) => s.name === target.value);
  if (!service || !isTcpService(service)) return;
  const callers = topology.edges.filter((e) => e.callee === service.name).map((e) => e.caller);
  const instead = callers.length > 0 ? ` (e.g. ${callers.map((c) => `'${c}'`).join(', ')}, which use${callers.length === 1 ? 's' : ''} it)` : '';
  issues.add(target.path, `'${service.name}' is a TCP service and the load is HTTP requests: target an HTTP service${instead}`);
}

/** An http fault on a link needs HTTP on that link: a TCP server speaks its own protocol, and a
 * broker link (publishing or consuming) carries MQTT whichever way it is named. */
export function httpFaultSpeaksHttp({ path, value: fault }: Located<FaultSpec>, topology: Topology, issues: IssueList): void {
  if (fault.kind !== 'http' || fault.service !== undefined) return;
  const edge = topology.edges.find((e) => e.caller === fault.caller && e.callee === fault.callee);
  if (!edge) return; // reported by faultReferenceExists
  const server = topology.services.find((s) => s.name === linkEnds(edge).server);
  if (!server || !isTcpService(server)) return;
  const instead = "use a toxic (latency, timeout, reset_peer, limit_data, …) or 'down' on this link";
  if (server.broker !== undefined) {
    issues.add(
      [...path, 'link'],
      `'http' faults need an HTTP link; '${formatLink(edge)}' is a broker link (${server.broker.toUpperCase()}, not HTTP): ${instead}`,
    );
    return;
  }
  issues.add([...path, 'link'], `'http' faults need an HTTP callee; '${server.name}' is a TCP service: ${instead}`);
}

/**
 * A broker crash needs a broker faultline runs: the embedded one, or one it starts with
 * `command`. One already running (`address`, `url`, `--broker`) is not faultline's to crash.
 */
export function brokerFaultHasItsBroker({ path, value: fault }: Located<FaultSpec>, topology: Topology, issues: IssueList): void {
  if (fault.kind !== 'broker-crash') return;
  const broker = brokerOf(topology);
  if (!broker) {
    issues.add([...path, 'type'], `'broker-crash' needs a broker in the topology, and '${topology.name}' has none (the built-in taxi-async has one)`);
  } else if (broker.kind === 'external') {
    issues.add(
      [...path, 'type'],
      `'broker-crash' needs a broker faultline runs (the embedded one, or one it starts with 'command'); broker '${broker.name}' at ${broker.url} is already running (address, url or --broker), and faultline cannot crash it`,
    );
  }
}

/** A fault's `link` is an edge and its `service` a service (checked even when the rest of the fault is broken). */
export function faultReferenceExists(reference: Located<{ link?: TopologyEdge; service?: string }>, topology: Topology, issues: IssueList): void {
  const { link, service } = reference.value;
  if (link) {
    const links = topology.edges.map(formatLink);
    const text = formatLink(link);
    if (!links.includes(text)) issues.add([...reference.path, 'link'], unknownName('link', text, links, ` in topology '${topology.name}'`));
  }
  if (service !== undefined) {
    const names = serviceNames(topology);
    if (!names.includes(service)) issues.add([...reference.path, 'service'], unknownName('service', service, names, ` in topology '${topology.name}'`));
  }
}

/** crash/restart need a service faultline starts; http faults need the admin hook. */
export function faultFitsService({ path, value: fault }: Located<FaultSpec>, topology: Topology, issues: IssueList): void {
  if (fault.kind !== 'crash' && fault.kind !== 'restart' && fault.kind !== 'http') return;
  const service = topology.services.find((s) => s.name === fault.service);
  if (!service) return; // reported by faultReferenceExists
  if (fault.kind !== 'http' && service.kind === 'embedded') {
    issues.add([...path, 'type'], `'${fault.kind}' stops a process, and '${fault.service}' is the embedded broker inside faultline: use 'type: broker-crash'`);
  } else if (fault.kind !== 'http' && service.kind !== 'managed') {
    issues.add([...path, 'type'], `'${fault.kind}' needs a service faultline starts (command); '${fault.service}' is external`);
  } else if (fault.kind === 'http' && !(service.kind === 'managed' && service.faultlineAware)) {
    const callers = topology.edges.filter((e) => e.callee === fault.service).map((e) => `'${e.caller} -> ${e.callee}'`);
    const instead = callers.length > 0 ? `; put it on a link instead (e.g. link: ${callers[0]}): the embedded proxy then answers` : '';
    issues.add([...path, 'service'], `'http' faults with 'service' need a faultline-aware service (admin hook); '${fault.service}' is not${instead}`);
  }
}

/** Label values of service-side SLO metrics name services and dependencies of the topology. */
export function sloLabelsExist(slos: readonly Located<SloSpec>[], topology: Topology, issues: IssueList): void {
  const services = serviceNames(topology);
  for (const { path, value: slo } of slos) {
    const metric = slo.metric as { service?: string; dependency?: string };
    if (metric.service !== undefined && !services.includes(metric.service)) {
      issues.add(path, `SLO label service='${metric.service}' names no service of topology '${topology.name}'${didYouMean(metric.service, services)}`);
    }
    if (metric.dependency !== undefined) {
      const callees = topology.edges.filter((e) => metric.service === undefined || e.caller === metric.service).map((e) => e.callee);
      if (!callees.includes(metric.dependency)) {
        const of = metric.service === undefined ? '' : ` of '${metric.service}'`;
        issues.add(
          path,
          `SLO label dependency='${metric.dependency}' is no dependency${of}${didYouMean(metric.dependency, callees)} (dependencies: ${callees.join(', ') || 'none'})`,
        );
      }
    }
  }
}

const exposesServiceMetrics = (topology: Topology, name: string) => topology.services.some((s) => s.name === name && s.kind === 'managed' && s.faultlineAware);

/**
 * Service-side SLO metrics (retry amplification, breaker times, timeouts, fallbacks, …) are
 * read from the `dependency_*` metrics and breaker events of faultline-aware services. On a
 * service that is not one they could never be measured: refused here, where it is cheap to
 * fix, rather than judged `n/a` after a whole run.
 */
export function sloMetricsAreExposed(slos: readonly Located<SloSpec>[], topology: Topology, issues: IssueList): void {
  const aware = topology.services.filter((s) => exposesServiceMetrics(topology, s.name)).map((s) => s.name);
  const clientSide = 'client-side SLOs (p(N), max, mean, error_rate, success_rate, throughput, dropped, time_to_recover) work on any service';
  for (const { path, value: slo } of slos) {
    if (!isServiceSideMetric(slo.metric.kind)) continue;
    const service = (slo.metric as { service?: string }).service;
    if (service !== undefined) {
      if (!topology.services.some((s) => s.name === service) || exposesServiceMetrics(topology, service)) continue; // unknown: sloLabelsExist says so
      issues.add(
        path,
        `'${slo.expression}' reads service metrics (dependency_* counters, breaker events) that service '${service}' does not expose: it is not faultline-aware; ${clientSide}`,
      );
    } else if (aware.length === 0) {
      issues.add(
        path,
        `'${slo.expression}' reads service metrics (dependency_* counters, breaker events), and no service of topology '${topology.name}' exposes them (none is faultline-aware); ${clientSide}`,
      );
    }
  }
}
