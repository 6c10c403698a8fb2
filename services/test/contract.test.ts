import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinProfiles } from '../lib/profile/builtin.ts';
import { adminHeaders, Cleanup } from './helpers.ts';
import { OpenApiContract } from './openapi.ts';
import { startTaxiApp, type TaxiApp } from './taxi.ts';

const cleanup = new Cleanup();
let taxi: TaxiApp;
const contracts = new Map<string, OpenApiContract>();
const problems: string[] = [];
/** `service METHOD /template status` of every response seen. */
const seen = new Set<string>();

beforeAll(async () => {
  for (const name of ['gateway', 'trip', 'passenger', 'dispatch', 'notification']) {
    contracts.set(name, new OpenApiContract(fileURLToPath(new URL(`../${name}/openapi.yaml`, import.meta.url))));
  }
  taxi = await startTaxiApp(cleanup, builtinProfiles.resilient);
});
afterAll(() => cleanup.run());

/** Sends a real request and validates the response against the service's document. */
async function call(
  service: keyof TaxiApp,
  method: string,
  template: string,
  options: { path?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const response = await fetch(taxi[service].url + (options.path ?? template), {
    method,
    // The fault hook wants the run's secret; tests of its refusals pass their own headers.
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(template.startsWith('/__faultline/') ? adminHeaders : {}),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  const contentType = response.headers.get('content-type');
  const body = text === '' ? undefined : contentType?.includes('json') ? JSON.parse(text) : text;
  problems.push(
    ...contracts
      .get(service)!
      .check(method, template, response.status, contentType, body)
      .map((p) => `${service}: ${p}`),
  );
  seen.add(`${service} ${method} ${template} ${response.status}`);
  return { status: response.status, body };
}

const pickup = { lat: 52.52, lng: 13.4 };

describe('the OpenAPI documents are the contract of record', () => {
  it('every service answers its operational and fault-hook routes as documented', async () => {
    for (const service of ['gateway', 'trip', 'passenger', 'dispatch', 'notification'] as const) {
      expect((await call(service, 'GET', '/health')).status).toBe(200);
      expect((await call(service, 'GET', '/metrics')).status).toBe(200);
      expect((await call(service, 'GET', '/__faultline/fault')).body).toEqual({});
      expect((await call(service, 'PUT', '/__faultline/fault', { body: { status: 0, rate: 0, delayMs: 0 } })).status).toBe(200);
      expect((await call(service, 'GET', '/__faultline/fault')).status).toBe(200);
      expect((await call(service, 'PUT', '/__faultline/fault', { body: { status: 42 } })).status).toBe(400);
      expect((await call(service, 'DELETE', '/__faultline/fault')).status).toBe(204);
      expect((await call(service, 'PUT', '/__faultline/fault', { body: { status: 503 }, headers: { 'x-faultline-secret': 'wrong' } })).status).toBe(401);
    }
    expect(problems).toEqual([]);
  });

  it('passenger answers found, not found, bad id and expired deadline as documented', async () => {
    expect((await call('passenger', 'GET', '/passengers/{id}', { path: '/passengers/p-1' })).status).toBe(200);
    expect((await call('passenger', 'GET', '/passengers/{id}', { path: '/passengers/p-9999' })).status).toBe(404);
    expect((await call('passenger', 'GET', '/passengers/{id}', { path: '/passengers/nobody' })).status).toBe(400);
    expect((await call('passenger', 'GET', '/passengers/{id}', { path: '/passengers/p-1', headers: { 'x-request-deadline-ms': '0' } })).status).toBe(504);
    expect(problems).toEqual([]);
  });

  it('dispatch and notification answer their POSTs, repeats and bad bodies as documented', async () => {
    const assignment = { tripId: 't-contract-1', pickup };
    expect((await call('dispatch', 'POST', '/dispatch', { body: assignment, headers: { 'idempotency-key': 'c-1' } })).status).toBe(201);
    expect((await call('dispatch', 'POST', '/dispatch', { body: assignment, headers: { 'idempotency-key': 'c-1' } })).status).toBe(200);
    expect((await call('dispatch', 'POST', '/dispatch', { body: { tripId: 7 } })).status).toBe(400);
    expect((await call('dispatch', 'POST', '/dispatch', { body: assignment, headers: { 'x-request-deadline-ms': '0' } })).status).toBe(504);
    expect((await call('notification', 'POST', '/notifications', { body: { tripId: 't-1', passengerId: 'p-1', driverId: 'd-1' } })).status).toBe(202);
    expect((await call('notification', 'POST', '/notifications', { body: { tripId: 't-1' } })).status).toBe(400);
    expect(problems).toEqual([]);
  });

  it('a POST /trips through the gateway assigns a driver, and the trip can be read back', async () => {
    const created = await call('gateway', 'POST', '/trips', { body: { passengerId: 'p-3', pickup, dropoff: { lat: 52.5, lng: 13.3 } } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ passengerId: 'p-3', status: 'driver_assigned', degraded: [] });
    expect(created.body.driverId).toMatch(/^d-\d+$/);
    const read = await call('gateway', 'GET', '/trips/{id}', { path: `/trips/${created.body.id}` });
    expect(read.body).toEqual(created.body);
    expect((await call('trip', 'GET', '/trips/{id}', { path: `/trips/${created.body.id}` })).status).toBe(200);
    expect(problems).toEqual([]);
  });

  it('trip and gateway answer bad requests, unknown passengers and unknown trips as documented', async () => {
    for (const service of ['gateway', 'trip'] as const) {
      expect((await call(service, 'POST', '/trips', { body: { passengerId: 'p-9999', pickup } })).status).toBe(422);
      expect((await call(service, 'POST', '/trips', { body: { passengerId: 'p-1' } })).status).toBe(400);
      expect((await call(service, 'GET', '/trips/{id}', { path: '/trips/t-none' })).status).toBe(404);
      expect((await call(service, 'POST', '/trips', { body: { passengerId: 'p-1', pickup }, headers: { 'x-request-deadline-ms': '0' } })).status).toBe(504);
    }
    expect(problems).toEqual([]);
  });

  it('degraded answers are documented too: driver pending, passenger unavailable, trip unavailable', async () => {
    await call('dispatch', 'PUT', '/__faultline/fault', { body: { status: 500, rate: 1, delayMs: 0 } });
    const pending = await call('gateway', 'POST', '/trips', { body: { passengerId: 'p-3', pickup } });
    expect(pending.status).toBe(201);
    expect(pending.body).toMatchObject({ status: 'awaiting_driver', degraded: ['dispatch'] });
    await call('dispatch', 'DELETE', '/__faultline/fault');

    await call('passenger', 'PUT', '/__faultline/fault', { body: { status: 503, rate: 1, delayMs: 0 } });
    // p-50 was never fetched, so there is no cached copy to fall back on.
    expect((await call('trip', 'POST', '/trips', { body: { passengerId: 'p-50', pickup } })).status).toBe(503);
    // p-3 was fetched before: the cached copy answers.
    const cached = await call('trip', 'POST', '/trips', { body: { passengerId: 'p-3', pickup } });
    expect(cached.body.degraded).toEqual(['passenger']);
    await call('passenger', 'DELETE', '/__faultline/fault');

    await call('trip', 'PUT', '/__faultline/fault', { body: { status: 503, rate: 1, delayMs: 0 } });
    expect((await call('gateway', 'POST', '/trips', { body: { passengerId: 'p-3', pickup } })).status).toBe(503);
    expect((await call('gateway', 'GET', '/trips/{id}', { path: '/trips/t-x' })).status).toBe(503);
    await call('trip', 'DELETE', '/__faultline/fault');
    expect(problems).toEqual([]);
  });

  it('the validator does reject what breaks the contract (wrong field type, undocumented status)', () => {
    const passenger = contracts.get('passenger')!;
    expect(
      passenger.check('GET', '/passengers/{id}', 200, 'application/json', { id: 'p-1', name: 'A', rating: 'high', memberSince: '2020-01-01', recentTrips: [] }),
    ).not.toEqual([]);
    expect(passenger.check('GET', '/passengers/{id}', 418, 'application/json', {})).toEqual(['GET /passengers/{id}: status 418 is not documented']);
  });

  it('every documented operation was exercised', () => {
    for (const [service, contract] of contracts) {
      for (const { path, method } of contract.operations()) {
        const hits = [...seen].filter((s) => s.startsWith(`${service} ${method.toUpperCase()} ${path} `));
        expect(hits, `${service} ${method} ${path}`).not.toEqual([]);
      }
    }
  });
});
