import { afterEach, describe, expect, it } from 'vitest';
import { builtinProfiles } from '../lib/profile/builtin.ts';
import { passengerService } from '../passenger/app.ts';
import { tripService } from '../trip/app.ts';
import { Cleanup, getJson, sampleValue, startService } from './helpers.ts';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const deps = { passenger: 'http://127.0.0.1:9', dispatch: 'http://127.0.0.1:9', notification: 'http://127.0.0.1:9' };

describe('service metrics', () => {
  it('exposes every dependency series at 0 before any traffic, each labelled with the service', async () => {
    const { url } = await startService(cleanup, tripService, { profile: builtinProfiles.resilient, dependencyUrls: deps });
    const text = (await getJson(`${url}/metrics`)).body as string;
    const zero = (name: string, labels: Record<string, string>) =>
      expect(sampleValue(text, name, { ...labels, service: 'trip' }), `${name} ${JSON.stringify(labels)}`).toBe(0);
    for (const dependency of ['passenger', 'dispatch', 'notification']) {
      zero('dependency_calls_total', { dependency });
      for (const outcome of ['success', 'error', 'timeout']) zero('dependency_attempts_total', { dependency, outcome });
      zero('dependency_request_duration_seconds_count', { dependency, outcome: 'success', fallback: 'false' });
      for (const outcome of ['error', 'timeout', 'rejected', 'short_circuit']) {
        zero('dependency_calls_unsent_total', { dependency, outcome });
        for (const fallback of ['true', 'false']) zero('dependency_request_duration_seconds_count', { dependency, outcome, fallback });
      }
      zero('circuit_breaker_state', { dependency });
      for (const [from, to] of [
        ['closed', 'open'],
        ['open', 'half_open'],
        ['half_open', 'closed'],
        ['half_open', 'open'],
      ] as const)
        zero('circuit_breaker_transitions_total', { dependency, from, to });
      for (const name of ['bulkhead_active', 'bulkhead_queued', 'bulkhead_rejections_total']) zero(name, { dependency });
    }
    zero('side_effects_total', { effect: 'trip_created' });
    zero('side_effect_duplicates_total', { effect: 'trip_created' });
    zero('faultline_injected_faults_total', { kind: 'status' });
    zero('faultline_injected_faults_total', { kind: 'delay' });
  });

  it('exposes breaker series only for dependencies whose profile has a breaker', async () => {
    const { url } = await startService(cleanup, tripService, { profile: builtinProfiles.naive, dependencyUrls: deps });
    const text = (await getJson(`${url}/metrics`)).body as string;
    for (const dependency of ['passenger', 'dispatch', 'notification']) {
      expect(sampleValue(text, 'dependency_calls_total', { dependency, service: 'trip' })).toBe(0);
      // No breaker in `naive`: no series, rather than a breaker shown "closed" that is not there.
      expect(sampleValue(text, 'circuit_breaker_state', { dependency, service: 'trip' })).toBeUndefined();
      expect(sampleValue(text, 'circuit_breaker_transitions_total', { dependency, from: 'closed', to: 'open', service: 'trip' })).toBeUndefined();
      expect(sampleValue(text, 'circuit_breaker_state_seconds_total', { dependency, state: 'closed', service: 'trip' })).toBeUndefined();
    }
  });

  it('times server requests by route template, method and status', async () => {
    const { url } = await startService(cleanup, passengerService);
    await getJson(`${url}/passengers/p-1`);
    await getJson(`${url}/passengers/p-2`);
    await getJson(`${url}/passengers/p-99999`);
    const text = (await getJson(`${url}/metrics`)).body as string;
    const count = (status: string) =>
      sampleValue(text, 'http_server_request_duration_seconds_count', { route: '/passengers/{id}', method: 'GET', status, service: 'passenger' });
    expect(count('200')).toBe(2);
    expect(count('404')).toBe(1);
  });

  it('uses the overridden service name as the label', async () => {
    const { url } = await startService(cleanup, passengerService, { serviceName: 'passenger-eu' });
    const text = (await getJson(`${url}/metrics`)).body as string;
    expect(sampleValue(text, 'faultline_injected_faults_total', { kind: 'status', service: 'passenger-eu' })).toBe(0);
    expect((await getJson(`${url}/health`)).body.service).toBe('passenger-eu');
  });
});
