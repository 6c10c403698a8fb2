import { z } from 'zod';
import { forgetOldest, rememberedTrips } from '../lib/bounded.ts';
import { distanceKm, locationSchema, type Location } from '../lib/geo.ts';
import { IdempotencyStore, idempotencyKeyOf } from '../lib/idempotency.ts';
import type { Random } from '../lib/random.ts';
import { errorReply } from '../lib/server/http-io.ts';
import type { Reply } from '../lib/server/router.ts';
import type { ServiceDefinition } from '../lib/server/service.ts';
import { parseBody } from '../lib/server/validate.ts';

export interface Driver {
  id: string;
  name: string;
  plate: string;
  location: Location;
}

const dispatchRequestSchema = z.strictObject({ tripId: z.string().regex(/^t-[\w-]+$/), pickup: locationSchema });

/** `trip.created` as dispatch reads it (services/trip/asyncapi.yaml); unknown fields are ignored. */
const tripCreatedSchema = z.object({ tripId: z.string().regex(/^t-[\w-]+$/), passengerId: z.string().min(1), pickup: locationSchema });

/** Drivers d-1 … d-<count> scattered around a city centre, the same for the same seed. */
export function seedDrivers(random: Random, count = 50): Driver[] {
  const centre = { lat: 52.52, lng: 13.405 };
  return Array.from({ length: count }, (_, i) => ({
    id: `d-${i + 1}`,
    name: `Driver ${i + 1}`,
    plate: `FL-${String(1000 + Math.floor(random() * 9000))}`,
    location: { lat: centre.lat + (random() - 0.5) * 0.2, lng: centre.lng + (random() - 0.5) * 0.3 },
  }));
}

/**
 * The dispatcher: picks a driver for a trip. Assigning is the side effect that matters: with an
 * Idempotency-Key a repeat returns the first assignment; without one, a repeat assigns another
 * driver and counts as a duplicate.
 */
export const dispatchService: ServiceDefinition = {
  name: 'dispatch',
  dependencies: [],
  effects: ['driver_assigned'],
  // Asynchronous half (services/dispatch/asyncapi.yaml): a new trip arrives as `trip.created`,
  // the assignment leaves as `driver.assigned`.
  messaging: { publishes: ['driver.assigned'], consumes: ['trip.created'], replaces: [] },
  routes: (ctx) => {
    const drivers = seedDrivers(ctx.random);
    const assignmentsByTrip = new Map<string, number>();
    const store = new IdempotencyStore<Reply>();

    const assign = (tripId: string, pickup: Location): Reply => {
      // A repeat for the same trip (no key) skips the drivers already sent, like a real dispatcher would.
      const already = assignmentsByTrip.get(tripId) ?? 0;
      const ranked = [...drivers].sort((a, b) => distanceKm(a.location, pickup) - distanceKm(b.location, pickup));
      const driver = ranked[already % ranked.length]!;
      assignmentsByTrip.set(tripId, already + 1);
      forgetOldest(assignmentsByTrip, rememberedTrips);
      ctx.sideEffects.record('driver_assigned', tripId);
      const etaSeconds = Math.round(60 + distanceKm(driver.location, pickup) * 120);
      return {
        status: 201,
        body: { tripId, driverId: driver.id, driverName: driver.name, plate: driver.plate, etaSeconds, assignedAt: new Date().toISOString() },
      };
    };

    if (ctx.messaging) {
      ctx.messaging.consume('trip.created', (envelope, uow) => {
        const parsed = tripCreatedSchema.safeParse(envelope.payload);
        // A message that can never be handled: failing it sends it to the dead letter (if the
        // profile has one) instead of retrying it forever.
        if (!parsed.success) throw new Error(`trip.created ${envelope.id}: ${parsed.error.issues[0]?.message ?? 'invalid payload'}`);
        const { tripId, passengerId, pickup } = parsed.data;
        const reply = assign(tripId, pickup);
        uow.record({ kind: 'assigned', tripId });
        uow.publish('driver.assigned', 'driver.assigned', { ...(reply.body as object), passengerId });
      });
      ctx.messaging.onRestore((record) => {
        if (record.kind !== 'assigned') return;
        const tripId = record['tripId'] as string;
        assignmentsByTrip.set(tripId, (assignmentsByTrip.get(tripId) ?? 0) + 1);
        ctx.sideEffects.remember('driver_assigned', tripId);
      });
    }

    return [
      {
        method: 'POST',
        path: '/dispatch',
        handler: async ({ body, headers, deadline }) => {
          const parsed = parseBody(dispatchRequestSchema, body);
          if ('reply' in parsed) return parsed.reply;
          const { tripId, pickup } = parsed.value;
          const work = async () => {
            // Never assign a driver for a caller that has already given up.
            if (deadline?.expired()) return errorReply(504, 'deadline_exceeded', 'deadline passed before assignment');
            return assign(tripId, pickup);
          };
          const key = idempotencyKeyOf(headers);
          if (!key) return work();
          const { value, replayed } = await store.run(key, work, (reply) => reply.status < 500);
          return replayed && value.status === 201 ? { ...value, status: 200, headers: { 'idempotent-replayed': 'true' } } : value;
        },
      },
    ];
  },
};
