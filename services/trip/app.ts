import { z } from 'zod';
import { forgetOldest, rememberedTrips } from '../lib/bounded.ts';
import { DependencyError } from '../lib/client/errors.ts';
import type { Deadline } from '../lib/deadline.ts';
import { locationSchema, type Location } from '../lib/geo.ts';
import { IdempotencyStore, idempotencyKeyOf } from '../lib/idempotency.ts';
import { errorReply } from '../lib/server/http-io.ts';
import type { Reply } from '../lib/server/router.ts';
import type { ServiceContext, ServiceDefinition } from '../lib/server/service.ts';
import { parseBody } from '../lib/server/validate.ts';
import { MessagingUnavailableError } from '../lib/messaging/runtime.ts';

export type TripStatus = 'driver_assigned' | 'awaiting_driver';

export interface Trip {
  id: string;
  passengerId: string;
  passengerName: string;
  status: TripStatus;
  driverId?: string;
  etaSeconds?: number;
  pickup: Location;
  dropoff?: Location;
  createdAt: string;
  /** What was answered by a fallback instead of the real dependency. */
  degraded: string[];
}

/** `driver.assigned` as trip reads it (services/dispatch/asyncapi.yaml). */
const driverAssignedSchema = z.object({ tripId: z.string().min(1), driverId: z.string().min(1), etaSeconds: z.number() });

const tripRequestSchema = z.strictObject({ passengerId: z.string().regex(/^p-\d+$/), pickup: locationSchema, dropoff: locationSchema.optional() });

/** 504 when the dependency timed out, else 503: the trip could not be served right now. */
function unavailable(error: DependencyError, what: string): Reply {
  return errorReply(error.outcome === 'timeout' ? 504 : 503, `${what}_unavailable`, error.message);
}

/**
 * Trip management: verifies the passenger, creates the trip, asks dispatch for a driver, then
 * tells the parties without making the passenger wait (fire-and-forget, bounded by the
 * notification bulkhead in the resilient profile).
 */
export const tripService: ServiceDefinition = {
  name: 'trip',
  dependencies: ['passenger', 'dispatch', 'notification'],
  effects: ['trip_created'],
  // Asynchronous half, as in the seed: connected to a broker, trip announces the new trip
  // (`trip.created`) instead of calling dispatch, and learns its driver from `driver.assigned`;
  // dispatch then tells notification. services/trip/asyncapi.yaml.
  messaging: { publishes: ['trip.created'], consumes: ['driver.assigned'], replaces: ['dispatch', 'notification'] },
  routes: (ctx) => {
    const trips = new Map<string, Trip>();
    const passengerCache = new Map<string, { id: string; name: string }>();
    const store = new IdempotencyStore<Reply>();
    let sequence = 0;
    const { passenger, dispatch, notification } = ctx.clients as Record<
      'passenger' | 'dispatch' | 'notification',
      NonNullable<ServiceContext['clients'][string]>
    >;

    async function createTrip(input: z.infer<typeof tripRequestSchema>, deadline: Deadline | undefined): Promise<Reply> {
      const degraded: string[] = [];
      let who;
      try {
        who = await passenger.request({
          method: 'GET',
          path: `/passengers/${encodeURIComponent(input.passengerId)}`,
          deadline,
          fallback: () => {
            const cached = passengerCache.get(input.passengerId);
            return cached ? { status: 200, body: cached } : undefined;
          },
        });
      } catch (error) {
        if (error instanceof DependencyError) return unavailable(error, 'passenger');
        throw error;
      }
      if (who.status === 404) return errorReply(422, 'unknown_passenger', `no passenger ${input.passengerId}`);
      if (who.status !== 200) return errorReply(502, 'passenger_error', `passenger answered ${who.status}`);
      const profile = who.body as { id: string; name: string };
      if (who.fallback) degraded.push('passenger');
      else passengerCache.set(profile.id, { id: profile.id, name: profile.name });

      const id = `t-${ctx.seed}-${++sequence}`;
      ctx.sideEffects.record('trip_created', id);
      const trip: Trip = {
        id,
        passengerId: profile.id,
        passengerName: profile.name,
        status: 'awaiting_driver',
        pickup: input.pickup,
        createdAt: new Date().toISOString(),
        degraded,
      };
      if (input.dropoff) trip.dropoff = input.dropoff;
      if (ctx.messaging) return announceTrip(trip);
      trips.set(id, trip);
      forgetOldest(trips, rememberedTrips);

      let assignment;
      try {
        assignment = await dispatch.request({
          method: 'POST',
          path: '/dispatch',
          body: { tripId: id, pickup: input.pickup },
          idempotencyKey: ctx.profile.idempotencyKeys ? `dispatch-${id}` : undefined,
          deadline,
          // "Driver assignment pending": the trip stands, a driver follows later.
          fallback: () => ({ status: 202, body: { pending: true } }),
        });
      } catch (error) {
        trips.delete(id);
        if (error instanceof DependencyError) return unavailable(error, 'dispatch');
        throw error;
      }
      if (assignment.fallback) degraded.push('dispatch');
      else if (assignment.status === 200 || assignment.status === 201) {
        const body = assignment.body as { driverId: string; etaSeconds: number };
        trip.status = 'driver_assigned';
        trip.driverId = body.driverId;
        trip.etaSeconds = body.etaSeconds;
        notifyParties(trip);
      } else {
        trips.delete(id);
        return errorReply(502, 'dispatch_error', `dispatch answered ${assignment.status}`);
      }
      return { status: 201, body: trip };
    }

    /**
     * The asynchronous way: the trip and its `trip.created` are one transaction; a driver
     * follows by message. Only a `confirmed` publish the broker did not acknowledge fails the
     * request (503 broker_unavailable) — the outbox never does, fire-and-forget never knows.
     */
    async function announceTrip(trip: Trip): Promise<Reply> {
      try {
        await ctx.messaging!.transaction((uow) => {
          trips.set(trip.id, trip);
          forgetOldest(trips, rememberedTrips);
          uow.record({ kind: 'trip', trip });
          uow.publish('trip.created', 'trip.created', { tripId: trip.id, passengerId: trip.passengerId, pickup: trip.pickup, createdAt: trip.createdAt });
        });
      } catch (error) {
        if (!(error instanceof MessagingUnavailableError)) throw error;
        trips.delete(trip.id);
        return errorReply(503, 'broker_unavailable', error.message);
      }
      return { status: 201, body: trip };
    }

    function applyAssignment(tripId: string, driverId: string, etaSeconds: number): void {
      const trip = trips.get(tripId);
      if (!trip) return;
      trip.status = 'driver_assigned';
      trip.driverId = driverId;
      trip.etaSeconds = etaSeconds;
    }

    if (ctx.messaging) {
      ctx.messaging.consume('driver.assigned', (envelope, uow) => {
        const parsed = driverAssignedSchema.safeParse(envelope.payload);
        if (!parsed.success) throw new Error(`driver.assigned ${envelope.id}: ${parsed.error.issues[0]?.message ?? 'invalid payload'}`);
        const { tripId, driverId, etaSeconds } = parsed.data;
        applyAssignment(tripId, driverId, etaSeconds);
        uow.record({ kind: 'assigned', tripId, driverId, etaSeconds });
      });
      ctx.messaging.onRestore((record) => {
        if (record.kind === 'trip') {
          const trip = record['trip'] as Trip;
          trips.set(trip.id, trip);
          forgetOldest(trips, rememberedTrips);
        } else if (record.kind === 'assigned') applyAssignment(record['tripId'] as string, record['driverId'] as string, record['etaSeconds'] as number);
      });
    }

    /** Not awaited: the passenger does not wait for notifications. Failures are only counted. */
    function notifyParties(trip: Trip): void {
      notification
        .request({
          method: 'POST',
          path: '/notifications',
          body: { tripId: trip.id, passengerId: trip.passengerId, driverId: trip.driverId },
          idempotencyKey: ctx.profile.idempotencyKeys ? `notify-${trip.id}` : undefined,
        })
        .catch(() => undefined);
    }

    return [
      {
        method: 'POST',
        path: '/trips',
        handler: async ({ body, headers, deadline }) => {
          const parsed = parseBody(tripRequestSchema, body);
          if ('reply' in parsed) return parsed.reply;
          const key = idempotencyKeyOf(headers);
          if (!key) return createTrip(parsed.value, deadline);
          return (
            await store.run(
              key,
              () => createTrip(parsed.value, deadline),
              (reply) => reply.status < 500,
            )
          ).value;
        },
      },
      {
        method: 'GET',
        path: '/trips/:id',
        handler: ({ params }) => {
          const trip = trips.get(params['id']!);
          return trip ? { status: 200, body: trip } : errorReply(404, 'not_found', `no trip ${params['id']}`);
        },
      },
    ];
  },
};
