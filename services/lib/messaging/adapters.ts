import { BrokerError, type BrokerAdapter } from './bus.ts';
import { mqttAdapter } from './mqtt.ts';

/** Every broker protocol the services speak; an AMQP adapter would be one more entry. */
const adapters: readonly BrokerAdapter[] = [mqttAdapter];

/** The adapter for a broker URL, by its scheme. */
export function adapterFor(url: string): BrokerAdapter {
  let scheme: string;
  try {
    scheme = new URL(url).protocol;
  } catch {
    throw new BrokerError('UNSUPPORTED_BROKER_URL', `broker URL '${url}' is not a URL (expected e.g. mqtt://127.0.0.1:1883)`);
  }
  const adapter = adapters.find((candidate) => candidate.schemes.includes(scheme));
  if (!adapter) {
    const known = adapters.flatMap((candidate) => candidate.schemes).join(', ');
    throw new BrokerError('UNSUPPORTED_BROKER_URL', `broker URL '${url}': no adapter for ${scheme} (supported: ${known})`);
  }
  return adapter;
}
