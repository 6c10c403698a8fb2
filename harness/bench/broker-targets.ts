// The two brokers of the broker benchmark, each behind the embedded Toxiproxy as in a run: the
// embedded aedes broker in this process (where a run keeps it), a Mosquitto in its own, and one
// proxy per connection (the publisher's `bench -> broker`, the consumer's `broker -> bench`).
import { embeddedBrokerSoftware, EmbeddedBroker } from '../src/broker/embedded.ts';
import { startMosquitto, type MosquittoServer } from '../src/broker/mosquitto.ts';
import { readBrokerVersion } from '../src/messaging/broker-version.ts';
import { ToxiproxySession } from '../src/proxies/session.ts';
import { startEmbeddedToxiproxy, type EmbeddedToxiproxyHandle } from '../src/run/embedded-toxiproxy.ts';

export interface BrokerTarget {
  /** `embedded` or `mosquitto`. */
  name: 'embedded' | 'mosquitto';
  /** `aedes 1.2.0`, `mosquitto version 2.0.11`. */
  software: string;
  /** Through the publisher's proxy and through the consumer's. */
  publishUrl: string;
  subscribeUrl: string;
}

export interface BrokerTargets {
  targets: readonly BrokerTarget[];
  /** Closes the proxies, the embedded broker and Mosquitto; idempotent, never throws. */
  stop(): Promise<void>;
}

export async function startBrokerTargets(): Promise<BrokerTargets> {
  let toxiproxy: EmbeddedToxiproxyHandle | undefined;
  let embedded: EmbeddedBroker | undefined;
  let mosquitto: MosquittoServer | undefined;
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      // The proxies first: the client's connections end there, not in the brokers' faces.
      await toxiproxy?.close().catch(() => undefined);
      await embedded?.close().catch(() => undefined);
      await mosquitto?.stop().catch(() => undefined);
    })());
  try {
    toxiproxy = await startEmbeddedToxiproxy(1);
    const session = await ToxiproxySession.connect(toxiproxy.url, { embedded: true });
    embedded = await EmbeddedBroker.start({ host: '127.0.0.1' });
    mosquitto = await startMosquitto();
    const viaProxy = async (name: string, brokerUrl: string): Promise<string> => {
      const proxy = await session.populate(name, new URL(brokerUrl).host);
      return session.addressOf(proxy).replace(/^http:/, 'mqtt:');
    };
    const mosquittoSays = await readBrokerVersion({ url: mosquitto.url, clientId: 'bench-version', timeoutMs: 2000 });
    const targets: BrokerTarget[] = [
      {
        name: 'embedded',
        software: embeddedBrokerSoftware(),
        publishUrl: await viaProxy('bench_to_embedded', embedded.url),
        subscribeUrl: await viaProxy('embedded_to_bench', embedded.url),
      },
      {
        name: 'mosquitto',
        software: mosquittoSays ?? 'mosquitto (version not said)',
        publishUrl: await viaProxy('bench_to_mosquitto', mosquitto.url),
        subscribeUrl: await viaProxy('mosquitto_to_bench', mosquitto.url),
      },
    ];
    return { targets, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
