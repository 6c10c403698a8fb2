import { request } from 'undici';
import { z } from 'zod';
import { durationText, linkText, nameText, ratioValue } from '../../document/fields.ts';
import { parseLink, proxyName } from '../../document/link.ts';
import { formatDuration, parseDuration, parseRatio } from '../../document/units.ts';
import { FaultlineError } from '../../errors.ts';
import type { FaultContext } from '../context.ts';
import { faultObject, type FaultBase, type FaultKind } from '../kind.ts';

/**
 * An HTTP fault: answer `status` for a fraction `rate` of requests, and/or add `delayMs`, or
 * (`abort`, link form only) close the connection without an answer. Two ways to do it:
 * - `service: X` — through the admin hook of a faultline-aware service (its own code answers);
 * - `link: a -> b` — through the embedded Toxiproxy's `http` toxic on the proxy a_to_b, so it
 *   works on any HTTP callee without its cooperation (a faultline extension: a real Toxiproxy
 *   has no HTTP toxics, and a run with `--toxiproxy` refuses it before it starts).
 */
export type HttpFault = FaultBase & {
  kind: 'http';
  status: number;
  rate: number;
  delayMs: number;
  abort: boolean;
} & ({ service: string; caller?: undefined; callee?: undefined } | { service?: undefined; caller: string; callee: string });

/** The toxic type of the link form (toxiproxy/toxics/http.ts). */
export const httpToxicType = 'http';

const document = faultObject('http', {
  service: nameText.optional().meta({ description: "A faultline-aware service whose admin hook answers (instead of 'link')." }),
  link: linkText
    .optional()
    .meta({ description: "A link 'caller -> callee' whose proxy answers, on any HTTP callee (embedded Toxiproxy only; instead of 'service')." }),
  status: z.int().min(200).max(599).optional().meta({ description: 'Status to answer with; omit for a delay-only fault.' }),
  rate: ratioValue.optional().meta({ description: 'Share of requests affected; default 100%.' }),
  delay: durationText.optional().meta({ description: 'Added delay before the answer (or before the request goes on); default 0ms.' }),
  abort: z.boolean().optional().meta({ description: "Close the connection without an answer (with 'link' only); default false." }),
}).superRefine((doc, ctx) => {
  const issue = (path: string[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  if (doc.service !== undefined && doc.link !== undefined)
    issue(['link'], "give either 'service' (its admin hook answers) or 'link' (the proxy answers), not both");
  if (doc.service === undefined && doc.link === undefined)
    issue([], "needs 'service: <a faultline-aware service>' (its admin hook answers) or 'link: <caller -> callee>' (the embedded proxy answers)");
  if (doc.abort === true && doc.service !== undefined)
    issue(['abort'], "'abort' needs 'link' (the proxy closes the connection); a service's admin hook cannot abort");
  if (doc.abort === true && doc.status !== undefined) issue(['abort'], "'abort' closes the connection without an answer: give 'status' or 'abort', not both");
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

const where = (fault: HttpFault): string => (fault.service !== undefined ? fault.service : `${fault.caller} -> ${fault.callee}`);

/** The run's name for the link form's toxic (as for every toxic: a shared server can tell whose). */
const toxicName = (fault: HttpFault, ctx: FaultContext): string => `${ctx.toxicPrefix}${fault.id}`;

export const httpFault: FaultKind<z.infer<typeof document>, HttpFault> = {
  kind: 'http',
  documents: [document],
  normalise: (doc, timing) => {
    const effect = {
      status: doc.status ?? 0,
      rate: doc.rate === undefined ? 1 : parseRatio(doc.rate)!,
      delayMs: doc.delay === undefined ? 0 : parseDuration(doc.delay)!,
      abort: doc.abort === true,
    };
    // Which of service and link (exactly one) is a rule of its own (scenario/rules.ts), so that
    // its message can say so; a document with neither is given the empty service to fail there.
    const link = doc.link === undefined ? undefined : parseLink(doc.link);
    if (link && doc.service === undefined) return { kind: 'http', ...timing, ...effect, caller: link.caller, callee: link.callee };
    return { kind: 'http', ...timing, ...effect, service: doc.service ?? '' };
  },
  slot: (fault) => `an http fault on ${where(fault)}`,
  describe: (fault) => {
    const effect = fault.abort ? 'abort' : fault.status || '';
    return `http ${effect} ${Math.round(fault.rate * 100)}%${fault.delayMs ? ` +${fault.delayMs}ms` : ''} on ${where(fault)}`.replace('  ', ' ');
  },
  target: where,
  detail: (fault) => {
    const status = fault.abort
      ? `abort ${Math.round(fault.rate * 1000) / 10}%`
      : fault.status
        ? `status ${fault.status} for ${Math.round(fault.rate * 1000) / 10}%`
        : '';
    const delay = fault.delayMs ? `delay ${formatDuration(fault.delayMs)}` : '';
    const via = fault.service === undefined ? `, proxy ${proxyName(fault)}, http toxic` : '';
    return `http ${where(fault)} (${[status, delay].filter(Boolean).join(', ')}${via})`;
  },
  async apply(fault, ctx) {
    if (fault.service === undefined) {
      await ctx.proxies.addToxic(proxyName(fault), {
        name: toxicName(fault, ctx),
        type: httpToxicType,
        stream: 'upstream',
        toxicity: 1,
        attributes: { status: fault.status, rate: fault.rate, delay: fault.delayMs, abort: fault.abort ? 1 : 0 },
      });
      return;
    }
    await callHook(ctx.serviceUrl(fault.service), adminHeaders(ctx, fault.service), 'PUT', { status: fault.status, rate: fault.rate, delayMs: fault.delayMs });
  },
  async remove(fault, ctx) {
    if (fault.service === undefined) {
      const proxy = proxyName(fault);
      const name = toxicName(fault, ctx);
      const connectionsAffected = await ctx.proxies.appliedConnections(proxy, name);
      await ctx.proxies.removeToxic(proxy, name);
      return connectionsAffected === undefined ? {} : { connectionsAffected };
    }
    await callHook(ctx.serviceUrl(fault.service), adminHeaders(ctx, fault.service), 'DELETE');
    return {};
  },
};
