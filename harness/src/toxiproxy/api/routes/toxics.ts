import { toxicJson } from '../../proxy/active-toxic.ts';
import { ApiError } from '../../proxy/collection.ts';
import type { Proxy } from '../../proxy/proxy.ts';
import type { ApiContext, Handler } from '../context.ts';
import { parseBody } from '../go-json.ts';
import { sendEmpty, sendJson } from '../respond.ts';
import { decodeNewToxic, decodeToxicUpdate } from '../toxic-body.ts';

function findToxic(proxy: Proxy, name: string) {
  const toxic = proxy.toxics.find(name);
  if (!toxic) throw new ApiError('toxic not found', 404);
  return toxic;
}

function proxyOf({ proxies, params }: ApiContext): Proxy {
  return proxies.get(params.proxy!);
}

/** GET /proxies/{proxy}/toxics: upstream chain, then downstream. */
export const listToxics: Handler = async (ctx) => {
  sendJson(ctx.res, 200, proxyOf(ctx).toxics.list().map(toxicJson));
};

/** POST /proxies/{proxy}/toxics: 200 (not 201) with the toxic. */
export const createToxic: Handler = async (ctx) => {
  const proxy = proxyOf(ctx);
  const body = parseBody(await ctx.body());
  const toxic = await ctx.proxies.serialize(async () => {
    const created = decodeNewToxic(body, proxy.toxics);
    await proxy.addToxic(created);
    return created;
  });
  sendJson(ctx.res, 200, toxicJson(toxic));
};

export const getToxic: Handler = async (ctx) => {
  sendJson(ctx.res, 200, toxicJson(findToxic(proxyOf(ctx), ctx.params.toxic!)));
};

/** PATCH (or POST) /proxies/{proxy}/toxics/{toxic}: toxicity and attributes only. */
export const updateToxic: Handler = async (ctx) => {
  const proxy = proxyOf(ctx);
  const toxic = findToxic(proxy, ctx.params.toxic!);
  const update = decodeToxicUpdate(parseBody(await ctx.body()), toxic);
  await ctx.proxies.serialize(async () => {
    toxic.toxicity = update.toxicity;
    toxic.attributes = update.attributes;
    await proxy.updateToxic(toxic);
  });
  sendJson(ctx.res, 200, toxicJson(toxic));
};

export const deleteToxic: Handler = async (ctx) => {
  const proxy = proxyOf(ctx);
  const toxic = findToxic(proxy, ctx.params.toxic!);
  await ctx.proxies.serialize(() => proxy.removeToxic(toxic));
  sendEmpty(ctx.res, 204);
};
