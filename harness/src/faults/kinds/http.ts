import { request } from 'undici';
import { z } from 'zod';
import { durationText, nameText, ratioValue } from '../../document/fields.ts';
import { formatDuration, parseDuration, parseRatio } from '../../document/units.ts';
import { FaultlineError } from '../../errors.ts';
import type { FaultContext } from '../context.ts';
import { faultObject, type FaultBase, type FaultKind } from '../kind.ts';

/** Service-level HTTP fault (admin route of a faultline-aware service): answer `status` for a
 * fraction `rate` of requests, and/or add `delayMs` of processing delay. */
export interface HttpFault extends FaultBase {
  kind: 'http';
  service: string;
  status: number;
  rate: number;
  delayMs: number;
}

const document = faultObject('http', {
  service: nameText,
  status: z.int().min(100).max(599).optional().meta({ description: 'Status to answer with; omit for a delay-only fault.' }),
  rate: ratioValue.optional().meta({ description: 'Share of requests affected; default 100%.' }),
  delay: durationText.optional().meta({ description: 'Added processing delay; default 0ms.' }),
});

const hookPath = '/__faultline/fault';

async function callHook(url: string, admin: Record<string, string>, method: 'PUT' | 'DELETE', body?: unknown): Promise<void> {
  const response = await request(`${url}${hookPath}`, {
    method,
    headers: { ...admin, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    headersTimeout: 5000,
    bodyTimeout: 5000,
  });
  const text = await response.body.text();
  if (response.statusCode >= 300) {
    throw new FaultlineError('FL_FAULT_APPLY', `${method} ${url}${hookPath} answered ${response.statusCode}: ${text.slice(0, 200)}`);
  }
}

/** The secret header of the running process (a relaunch has a new one); none while it is down. */
const adminHeaders = (ctx: FaultContext, service: string): Record<string, string> => ctx.service(service)?.adminHeaders() ?? {};

/** Service-level HTTP fault through a faultline-aware service's loopback admin hook, authorised by its secret. */
export const httpFault: FaultKind<z.infer<typeof document>, HttpFault> = {
  kind: 'http',
  documents: [document],
  normalise: (doc, timing) => ({
    kind: 'http',
    ...timing,
    service: doc.service,
    status: doc.status ?? 0,
    rate: doc.rate === undefined ? 1 : parseRatio(doc.rate)!,
    delayMs: doc.delay === undefined ? 0 : parseDuration(doc.delay)!,
  }),
  slot: (fault) => `an http fault on ${fault.service}`,
  describe: (fault) =>
    `http ${fault.status || ''} ${Math.round(fault.rate * 100)}%${fault.delayMs ? ` +${fault.delayMs}ms` : ''} on ${fault.service}`.replace('  ', ' '),
  target: (fault) => fault.service,
  detail: (fault) => {
    const status = fault.status ? `status ${fault.status} for ${Math.round(fault.rate * 1000) / 10}%` : '';
    const delay = fault.delayMs ? `delay ${formatDuration(fault.delayMs)}` : '';
    return `http ${fault.service} (${[status, delay].filter(Boolean).join(', ')})`;
  },
  async apply(fault, ctx) {
    await callHook(ctx.serviceUrl(fault.service), adminHeaders(ctx, fault.service), 'PUT', { status: fault.status, rate: fault.rate, delayMs: fault.delayMs });
  },
  async remove(fault, ctx) {
    await callHook(ctx.serviceUrl(fault.service), adminHeaders(ctx, fault.service), 'DELETE');
    return {};
  },
};
