import { metricsContentType, renderMetrics } from '../../metrics.ts';
import type { Handler } from '../context.ts';
import { extensionToxics } from '../../toxics/registry.ts';
import { sendEmpty } from '../respond.ts';

/** The Toxiproxy release whose API we speak; clients may check it. */
export const toxiproxyVersion = '2.12.0';

export const version: Handler = async ({ res }) => {
  const body = `{"version": "${toxiproxyVersion}"}\n`;
  res.writeHead(200, { 'Content-Type': 'application/json;charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
};

/** POST /reset: every proxy enabled, every toxic removed. */
export const reset: Handler = async ({ res, proxies }) => {
  await proxies.serialize(() => proxies.reset());
  sendEmpty(res, 204);
};

/** GET /metrics (any method, always on): Prometheus text. */
export const metrics: Handler = async ({ res, metrics: snapshot }) => {
  const body = renderMetrics(snapshot());
  res.writeHead(200, { 'Content-Type': metricsContentType, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
};

/**
 * GET /extensions — faultline's own, not Toxiproxy's (a real Toxiproxy answers 404): the toxic
 * types this server has beyond Toxiproxy's, so a client can tell before it relies on one.
 */
export const extensions: Handler = async ({ res }) => {
  const toxics = extensionToxics().map((kind) => ({
    type: kind.type,
    streams: kind.streams ?? ['upstream', 'downstream'],
    attributes: kind.attributes.map((a) => ({ name: a.name, type: a.goType })),
    description: kind.extension!.description,
  }));
  const body = `${JSON.stringify({ toxics })}\n`;
  res.writeHead(200, { 'Content-Type': 'application/json;charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
};
