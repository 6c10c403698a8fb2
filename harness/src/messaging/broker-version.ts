import mqtt from 'mqtt';

/** Where MQTT brokers that say what they are say it: Mosquitto publishes its version there,
 * retained, so a new subscriber gets it at once. Not a standard: other brokers may say nothing. */
const VERSION_TOPIC = '$SYS/broker/version';

export interface BrokerVersionOptions {
  /** The broker's direct address (`mqtt://host:port`), not through a proxy. */
  url: string;
  /** Unique per run, so it never takes over another client's session. */
  clientId: string;
  /** How long to wait for an answer in all (connecting included). Default 1000 ms. */
  timeoutMs?: number;
  signal?: AbortSignal | undefined;
}

/**
 * What a broker says of itself on `$SYS/broker/version` (e.g. `mosquitto version 2.0.11`), or
 * undefined when it says nothing in time, cannot be reached, or the signal fires. Never throws:
 * the answer only names the broker in the run's environment. The connection is closed before
 * the promise settles, so nothing of it outlives the call.
 */
export async function readBrokerVersion(options: BrokerVersionOptions): Promise<string | undefined> {
  const client = mqtt.connect(options.url, {
    clientId: options.clientId,
    clean: true,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: options.timeoutMs ?? 1000,
  });
  // A refused or reset connection is an 'error' event; without a listener it would throw.
  client.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    return await new Promise<string | undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), options.timeoutMs ?? 1000);
      onAbort = () => resolve(undefined);
      if (options.signal?.aborted) onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      client.on('close', () => resolve(undefined));
      client.on('message', (topic, payload) => {
        if (topic === VERSION_TOPIC) resolve(payload.toString('utf8').trim() || undefined);
      });
      client.on('connect', () => client.subscribe(VERSION_TOPIC, { qos: 0 }));
    });
  } finally {
    clearTimeout(timer);
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
    await new Promise<void>((resolve) => client.end(true, () => resolve()));
  }
}
