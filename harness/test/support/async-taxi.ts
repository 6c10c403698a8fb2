import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedBroker } from '../../src/broker/embedded.ts';
import type { Profile } from '../../../services/lib/profile/schema.ts';
import { metricValue, startService, type Cleanup } from '../../../services/test/helpers.ts';
import { definitions } from '../../../services/test/taxi.ts';

/**
 * The taxi app with its asynchronous half on an embedded broker, every service in this process
 * on a free loopback port: trip announces `trip.created`, dispatch assigns a driver and
 * publishes `driver.assigned`, trip and notification consume it. Resolves once every messaging
 * service is connected (publisher and consumer) and subscribed.
 */
export async function startAsyncTaxi(cleanup: Cleanup, profile: Profile) {
  const broker = await EmbeddedBroker.start();
  cleanup.add(() => broker.close());
  const stateDir = mkdtempSync(join(tmpdir(), 'faultline-async-taxi-'));
  cleanup.add(() => rmSync(stateDir, { recursive: true, force: true }));
  const brokerLinks = { publishUrl: broker.url, subscribeUrl: broker.url };
  const start = async (name: string, config: Parameters<typeof startService>[2]) => {
    const started = await startService(cleanup, definitions[name]!, { profile, seed: 7, stateDir, ...config });
    started.app.start();
    return started;
  };
  const passenger = await start('passenger', {});
  const dispatch = await start('dispatch', { broker: brokerLinks });
  const notification = await start('notification', { broker: brokerLinks });
  const trip = await start('trip', { dependencyUrls: { passenger: passenger.url }, broker: brokerLinks });
  const gateway = await start('gateway', { dependencyUrls: { trip: trip.url } });
  for (const s of [dispatch, notification, trip]) {
    const deadline = performance.now() + 10_000;
    while ((await metricValue(s.app.metrics.registry, 'broker_connected')) < 2) {
      if (performance.now() > deadline) throw new Error(`${s.app.name} did not connect to the broker`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  // The consumers' SUBSCRIBE is acknowledged after CONNACK.
  await new Promise((resolve) => setTimeout(resolve, 150));
  return { broker, gateway, trip, dispatch, notification };
}
