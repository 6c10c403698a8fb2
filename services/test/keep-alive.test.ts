import { Pool } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { passengerService } from '../passenger/app.ts';
import { defaultMaxRequestsPerSocket } from '../lib/server/listen.ts';
import { Cleanup, startService } from './helpers.ts';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

describe('keep-alive connections', () => {
  it(`serve ${defaultMaxRequestsPerSocket} requests each, then the client is asked to reconnect`, async () => {
    const { url } = await startService(cleanup, passengerService);
    const pool = new Pool(url, { connections: 1 });
    cleanup.add(() => pool.destroy());
    let connections = 0;
    pool.on('connect', () => connections++);
    const requests = defaultMaxRequestsPerSocket * 2 + 5;
    for (let i = 0; i < requests; i++) {
      const response = await pool.request({ method: 'GET', path: '/passengers/p-1' });
      await response.body.dump();
      expect(response.statusCode).toBe(200);
    }
    expect(connections).toBe(3);
  });
});
