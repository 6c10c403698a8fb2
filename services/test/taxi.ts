import { dispatchService } from '../dispatch/app.ts';
import { gatewayService } from '../gateway/app.ts';
import { notificationService } from '../notification/app.ts';
import { passengerService } from '../passenger/app.ts';
import type { Profile } from '../lib/profile/schema.ts';
import type { ServiceApp, ServiceDefinition } from '../lib/server/service.ts';
import { tripService } from '../trip/app.ts';
import { startService, type Cleanup } from './helpers.ts';

export const definitions: Record<string, ServiceDefinition> = {
  gateway: gatewayService,
  trip: tripService,
  passenger: passengerService,
  dispatch: dispatchService,
  notification: notificationService,
};

export type TaxiApp = Record<'gateway' | 'trip' | 'passenger' | 'dispatch' | 'notification', { app: ServiceApp; url: string }>;

/**
 * The five services in this process, wired directly. `via` replaces a callee's address as
 * seen by its caller (e.g. a response-dropping proxy in front of dispatch).
 */
export async function startTaxiApp(
  cleanup: Cleanup,
  profile: Profile,
  via: (callee: string, url: string) => Promise<string> | string = (_c, url) => url,
): Promise<TaxiApp> {
  const started = {} as TaxiApp;
  const start = async (name: keyof TaxiApp, deps: Record<string, string>) => {
    const s = await startService(cleanup, definitions[name]!, { profile, seed: 7, dependencyUrls: deps });
    started[name] = { app: s.app, url: s.url };
  };
  await Promise.all([start('passenger', {}), start('dispatch', {}), start('notification', {})]);
  await start('trip', {
    passenger: await via('passenger', started.passenger.url),
    dispatch: await via('dispatch', started.dispatch.url),
    notification: await via('notification', started.notification.url),
  });
  await start('gateway', { trip: await via('trip', started.trip.url) });
  return started;
}
