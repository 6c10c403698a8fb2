import { goJson, parseBody } from '../go-json.ts';
import type { Handler } from '../context.ts';
import { decodePopulate, decodeProxy, missingField } from '../proxy-body.ts';
import { sendEmpty, sendJson } from '../respond.ts';
import { ApiError } from '../../proxy/collection.ts';
import type { Proxy } from '../../proxy/proxy.ts';

/** GET /proxies: an object keyed by name, sorted. */
export const listProxies: Handler = async ({ res, proxies }) => {
  sendJson(res, 200, Object.fromEntries(proxies.all().map((p) => [p.name, p.toJSON()])));
};

/** POST /proxies: 201 with the proxy; 400 / 409 / 500 as Toxiproxy. */
export const createProxy: Handler = async ({ res, proxies, body }) => {
  const spec = decodeProxy(parseBody(await body()), { name: '', listen: '', upstream: '', enabled: true });
  if (!spec.name) throw missingField('name');
  if (!spec.upstream) throw missingField('upstream');
  const proxy = await proxies.serialize(() => proxies.create(spec));
  sendJson(res, 201, proxy.toJSON());
};

export const getProxy: Handler = async ({ res, proxies, params }) => {
  sendJson(res, 200, proxies.get(params.proxy!).toJSON());
};

/** PATCH (or the deprecated POST) /proxies/{proxy}: listen, upstream, enabled merged over the current. */
export const updateProxy: Handler = async ({ res, proxies, params, body }) => {
  const proxy = proxies.get(params.proxy!);
  const input = decodeProxy(parseBody(await body()), { name: proxy.name, listen: proxy.listen, upstream: proxy.upstream, enabled: proxy.enabled });
  await proxies.serialize(() => proxies.update(proxy, input));
  sendJson(res, 200, proxy.toJSON());
};

export const deleteProxy: Handler = async ({ res, proxies, params }) => {
  await proxies.serialize(() => proxies.remove(params.proxy!));
  sendEmpty(res, 204);
};

/**
 * POST /populate: validate the whole array, then create or replace in order; stop at the first
 * failure without rolling back. Errors carry the proxies done so far, as JSON (not text/plain).
 */
export const populate: Handler = async ({ res, proxies, body }) => {
  const done: Proxy[] = [];
  const answer = (status: number, error?: ApiError): void => {
    const list = done.length > 0 ? done.map((p) => p.toJSON()) : null;
    const text = goJson(error ? { error: error.message, status, proxies: list } : { proxies: list });
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  };
  try {
    const specs = decodePopulate(parseBody(await body()));
    await proxies.serialize(async () => {
      for (const spec of specs) done.push(await proxies.createOrReplace(spec));
    });
    answer(201);
  } catch (error) {
    const apiError = error instanceof ApiError ? error : new ApiError(error instanceof Error ? error.message : String(error), 500);
    answer(apiError.status, apiError);
  }
};
