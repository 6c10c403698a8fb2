import { embeddedBrokerSoftware } from '../broker/embedded.ts';
import { readBrokerVersion } from '../messaging/broker-version.ts';
import type { BrokerEnvironment } from '../model/recording.ts';
import { brokerOf } from '../topology/broker.ts';
import type { Topology } from '../topology/model.ts';

/**
 * Which broker the run uses, as far as the topology says (after `--broker` put an external one
 * in its place): the embedded one with aedes's version, a command with its command line, an
 * external one with its URL. Undefined when the topology has no broker.
 */
export function brokerEnvironment(topology: Topology): BrokerEnvironment | undefined {
  const broker = brokerOf(topology);
  if (!broker?.broker) return undefined;
  const base = { service: broker.name, protocol: broker.broker };
  if (broker.kind === 'embedded') return { ...base, source: 'embedded', software: embeddedBrokerSoftware() };
  if (broker.kind === 'managed') return { ...base, source: 'command', command: [...broker.command] };
  return { ...base, source: 'external', url: broker.url };
}

/**
 * The environment completed with what a broker that is not faultline's says it is, read once it
 * runs (at `url`, its direct address). The embedded one's software is known already; a broker
 * that says nothing is left without `software`.
 */
export async function withBrokerSoftware(environment: BrokerEnvironment, url: string, runId: string, signal?: AbortSignal): Promise<BrokerEnvironment> {
  if (environment.software !== undefined) return environment;
  const said = await readBrokerVersion({ url, clientId: `faultline-version-${runId}`, signal });
  return said === undefined ? environment : { ...environment, software: said };
}

/** `embedded aedes 1.2.0`, `external mqtt://…`, `command sh mosquitto.sh`: the start-up line's words. */
export function brokerPhrase(environment: BrokerEnvironment): string {
  if (environment.source === 'embedded') return `embedded ${environment.software ?? ''}`.trim();
  if (environment.source === 'external') return `external ${environment.url ?? ''}`.trim();
  return `by command ${(environment.command ?? []).join(' ')}`.trim();
}
