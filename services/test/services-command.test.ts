import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { servicesCommand } from '../../harness/src/cli/commands/services.ts';

describe('faultline services', () => {
  it('brings up the five services, prints `name url` for each, serves a trip end to end, and stops all on abort', async () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    stdout.on('data', (d: Buffer) => (out += d.toString()));
    stderr.resume();
    const controller = new AbortController();
    const env = { ...process.env };
    delete env['FAULTLINE_ADMIN_SECRET'];
    const exit = servicesCommand.run({ argv: ['--profile', 'resilient', '--seed', '5'], stdout, stderr, env, signal: controller.signal });
    try {
      for (let i = 0; i < 300 && out.split('\n').filter(Boolean).length < 5; i++) await new Promise((r) => setTimeout(r, 100));
      const urls = Object.fromEntries(
        out
          .trim()
          .split('\n')
          .map((line) => line.split(' ') as [string, string]),
      );
      expect(Object.keys(urls).sort()).toEqual(['dispatch', 'gateway', 'notification', 'passenger', 'trip']);
      const response = await fetch(`${urls['gateway']}/trips`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ passengerId: 'p-2', pickup: { lat: 52.52, lng: 13.4 } }),
      });
      expect(response.status).toBe(201);
      expect(((await response.json()) as { status: string }).status).toBe('driver_assigned');
      const health = (await (await fetch(`${urls['trip']}/health`)).json()) as { profile: string };
      expect(health.profile).toBe('resilient');
      // No FAULTLINE_ADMIN_SECRET given: no fault hook at all.
      expect((await fetch(`${urls['gateway']}/__faultline/fault`)).status).toBe(404);
      controller.abort();
      expect(await exit).toBe(0);
      for (const url of Object.values(urls)) await expect(fetch(`${url}/health`)).rejects.toThrow();
    } finally {
      controller.abort();
      await exit.catch(() => undefined);
    }
  });

  it('refuses a FAULTLINE_ADMIN_SECRET too short to be one, before starting anything', async () => {
    const sink = new PassThrough();
    await expect(
      servicesCommand.run({ argv: [], stdout: sink, stderr: sink, env: { FAULTLINE_ADMIN_SECRET: 'hunter2' }, signal: new AbortController().signal }),
    ).rejects.toMatchObject({
      code: 'FL_USAGE',
      message: expect.stringContaining('FAULTLINE_ADMIN_SECRET'),
    });
  });

  it('refuses an unknown profile as a usage error', async () => {
    const sink = new PassThrough();
    await expect(
      servicesCommand.run({ argv: ['--profile', 'sturdy'], stdout: sink, stderr: sink, env: {}, signal: new AbortController().signal }),
    ).rejects.toMatchObject({ code: 'FL_USAGE' });
  });
});
