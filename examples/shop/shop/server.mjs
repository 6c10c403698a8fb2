// The shop of the example: quotes a price for a SKU, from a Redis cache or the pricing service.
// It knows nothing of faultline. Its resilience is switched by one variable, so the same
// scenarios can show what each policy is worth: SHOP_RESILIENCE=on (the default) or off.
//
//               on (resilient)                              off (naive)
// cache      50 ms command timeout; fails fast while     the client's defaults: commands wait
//            disconnected; a cache failure is a miss     while it reconnects, no timeout
// cache set  fire and forget                             awaited
// pricing    150 ms timeout; one retry after a 5xx or    no timeout, no retry; an error is
//            a connection error; then the list price     a 502
import { createServer } from 'node:http';
import { Redis } from 'ioredis';

const resilient = (process.env.SHOP_RESILIENCE ?? 'on') !== 'off';
const pricingUrl = process.env.PRICING_URL;
const listPrice = 49.99;

const cache = resilient
  ? new Redis(process.env.REDIS_URL, {
      commandTimeout: 50,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      connectTimeout: 500,
      retryStrategy: (times) => Math.min(times * 50, 500),
    })
  : new Redis(process.env.REDIS_URL);
// The client reconnects by itself; a failure shows on the commands that meet it.
cache.on('error', () => undefined);

async function cachedPrice(sku) {
  try {
    const value = await cache.get(`price:${sku}`);
    return value === null ? undefined : Number(value);
  } catch (error) {
    if (!resilient) throw error;
    return undefined; // a cache that fails is a cache that misses
  }
}

async function remember(sku, price) {
  const write = cache.set(`price:${sku}`, String(price), 'PX', 2000);
  if (resilient) write.catch(() => undefined);
  else await write;
}

async function askPricing(sku, attempt = 1) {
  const url = `${pricingUrl}/price?sku=${encodeURIComponent(sku)}`;
  let response;
  try {
    response = await fetch(url, resilient ? { signal: AbortSignal.timeout(150) } : {});
  } catch (error) {
    // A timeout is not retried (it would only double the wait); a refused or reset connection is.
    if (resilient && attempt < 2 && error.name !== 'TimeoutError') return askPricing(sku, attempt + 1);
    throw error;
  }
  if (response.status >= 500 && resilient && attempt < 2) {
    await response.body?.cancel();
    return askPricing(sku, attempt + 1);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`pricing answered ${response.status}`);
  }
  return (await response.json()).price;
}

async function quote(sku) {
  const cached = await cachedPrice(sku);
  if (cached !== undefined) return { sku, price: cached, source: 'cache' };
  try {
    const price = await askPricing(sku);
    await remember(sku, price);
    return { sku, price, source: 'pricing' };
  } catch (error) {
    if (!resilient) throw error;
    return { sku, price: listPrice, source: 'list-price' };
  }
}

const send = (res, status, body) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health') return send(res, 200, { status: 'ok', resilient });
  if (req.method !== 'POST' || req.url !== '/quote') return send(res, 404, { error: 'not found' });
  let text = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => (text += chunk));
  req.on('end', async () => {
    let sku;
    try {
      sku = JSON.parse(text).sku;
    } catch {
      return send(res, 400, { error: 'expected {"sku": "..."}' });
    }
    if (typeof sku !== 'string' || sku === '') return send(res, 400, { error: 'expected {"sku": "..."}' });
    try {
      send(res, 200, await quote(sku));
    } catch (error) {
      send(res, 502, { error: String(error.message ?? error) });
    }
  });
});

server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`shop listening on ${process.env.PORT} (resilience ${resilient ? 'on' : 'off'})`));
process.on('SIGTERM', () => {
  cache.disconnect();
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
