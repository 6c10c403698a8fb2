import { z } from 'zod';
import { IdempotencyStore, idempotencyKeyOf } from '../lib/idempotency.ts';
import type { Reply } from '../lib/server/router.ts';
import type { ServiceDefinition } from '../lib/server/service.ts';
import { parseBody } from '../lib/server/validate.ts';

const notificationRequestSchema = z.strictObject({
  tripId: z.string().min(1),
  passengerId: z.string().min(1),
  driverId: z.string().min(1),
  message: z.string().max(500).optional(),
});

/** `driver.assigned` as notification reads it (services/dispatch/asyncapi.yaml). */
const driverAssignedSchema = z.object({ tripId: z.string().min(1), passengerId: z.string().min(1), driverId: z.string().min(1) });

/**
 * Notification: one request fans out to every party of a trip (one-to-many). Each delivery is
 * a side effect counted per trip and recipient, so a repeated notification shows as a duplicate.
 */
export const notificationService: ServiceDefinition = {
  name: 'notification',
  dependencies: [],
  effects: ['notification_sent'],
  // Asynchronous half (services/notification/asyncapi.yaml): tells both parties once a driver is assigned.
  messaging: { publishes: [], consumes: ['driver.assigned'], replaces: [] },
  routes: (ctx) => {
    const store = new IdempotencyStore<Reply>();
    let sequence = 0;
    if (ctx.messaging) {
      ctx.messaging.consume('driver.assigned', (envelope) => {
        const parsed = driverAssignedSchema.safeParse(envelope.payload);
        if (!parsed.success) throw new Error(`driver.assigned ${envelope.id}: ${parsed.error.issues[0]?.message ?? 'invalid payload'}`);
        const { tripId, passengerId, driverId } = parsed.data;
        ctx.sideEffects.record('notification_sent', `${tripId}/passenger/${passengerId}`);
        ctx.sideEffects.record('notification_sent', `${tripId}/driver/${driverId}`);
      });
    }
    return [
      {
        method: 'POST',
        path: '/notifications',
        handler: async ({ body, headers }) => {
          const parsed = parseBody(notificationRequestSchema, body);
          if ('reply' in parsed) return parsed.reply;
          const { tripId, passengerId, driverId, message } = parsed.value;
          const work = async (): Promise<Reply> => {
            const recipients = [
              { kind: 'passenger', id: passengerId },
              { kind: 'driver', id: driverId },
            ];
            for (const recipient of recipients) ctx.sideEffects.record('notification_sent', `${tripId}/${recipient.kind}/${recipient.id}`);
            return {
              status: 202,
              body: { notificationId: `n-${++sequence}`, tripId, message: message ?? `Trip ${tripId}: driver ${driverId} is on the way`, recipients },
            };
          };
          const key = idempotencyKeyOf(headers);
          return key ? (await store.run(key, work, (reply) => reply.status < 500)).value : work();
        },
      },
    ];
  },
};
