import { request } from 'undici';
import { FaultlineError } from '../errors.ts';
import type { HttpFault } from '../scenario/model.ts';
import type { FaultContext, FaultDriver } from './driver.ts';

const hookPath = '/__faultline/fault';

async function callHook(url: string, admin: Record<string, string>, method: 'PUT' | 'DELETE', body?: unknown): Promise<void> {
  const response = await request(`${url}${hookPath}`, {
    method,
    headers: { ...admin, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
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

/** Service-level HTTP fault through the service's loopback admin hook, authorised by its secret. */
export const httpDriver: FaultDriver<HttpFault> = {
  kind: 'http',
  describe: (fault) => `http ${fault.status || ''} ${Math.round(fault.rate * 100)}%${fault.delayMs ? ` +${fault.delayMs}ms` : ''} on ${fault.service}`.replace('  ', ' '),
  async apply(fault, ctx) {
    await callHook(ctx.serviceUrl(fault.service), adminHeaders(ctx, fault.service), 'PUT', { status: fault.status, rate: fault.rate, delayMs: fault.delayMs });
  },
  async remove(fault, ctx) {
    await callHook(ctx.serviceUrl(fault.service), adminHeaders(ctx, fault.service), 'DELETE');
    return {};
  },
};
