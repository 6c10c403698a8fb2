import { DependencyError } from '../lib/client/errors.ts';
import type { DependencyResult } from '../lib/client/dependency-client.ts';
import { Deadline } from '../lib/deadline.ts';
import { idempotencyKeyOf } from '../lib/idempotency.ts';
import { errorReply } from '../lib/server/http-io.ts';
import type { Reply } from '../lib/server/router.ts';
import type { ServiceDefinition } from '../lib/server/service.ts';

/** The trip's answer passed through as is, 4xx included (they are the client's business). */
function passThrough(result: DependencyResult): Reply {
  return { status: result.status, body: result.body };
}

function upstreamFailure(error: unknown): Reply {
  if (!(error instanceof DependencyError)) throw error;
  return errorReply(error.outcome === 'timeout' ? 504 : 503, 'upstream_unavailable', error.message);
}

/**
 * The edge: what the passenger's phone talks to. It starts the request's time budget (the
 * profile's requestBudgetMs, unless the client sent its own) and, in profiles with
 * idempotency keys, gives each pickup request a key so the trip can be retried safely.
 */
export const gatewayService: ServiceDefinition = {
  name: 'gateway',
  dependencies: ['trip'],
  effects: [],
  routes: (ctx) => {
    const trip = ctx.clients['trip']!;
    let sequence = 0;
    const budgetFor = (deadline: Deadline | undefined) => {
      const budgetMs = ctx.profile.requestBudgetMs;
      if (budgetMs === null) return deadline;
      return deadline ? deadline.min(budgetMs) : new Deadline(budgetMs);
    };
    return [
      {
        method: 'POST',
        path: '/trips',
        handler: async ({ body, headers, deadline }) => {
          if (typeof body !== 'object' || body === null || Array.isArray(body)) return errorReply(400, 'bad_request', 'body: expected a JSON object');
          const key = idempotencyKeyOf(headers) ?? (ctx.profile.idempotencyKeys ? `gw-${ctx.seed}-${++sequence}` : undefined);
          try {
            return passThrough(await trip.request({ method: 'POST', path: '/trips', body, idempotencyKey: key, deadline: budgetFor(deadline) }));
          } catch (error) {
            return upstreamFailure(error);
          }
        },
      },
      {
        method: 'GET',
        path: '/trips/:id',
        handler: async ({ params, deadline }) => {
          try {
            return passThrough(await trip.request({ method: 'GET', path: `/trips/${encodeURIComponent(params['id']!)}`, deadline: budgetFor(deadline) }));
          } catch (error) {
            return upstreamFailure(error);
          }
        },
      },
    ];
  },
};
