import { once } from 'node:events';
import { request } from 'node:http';
import { connect, createServer, type AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { toxiproxyCommand } from '../../src/cli/commands/toxiproxy.ts';
import { FaultlineError } from '../../src/errors.ts';
import { closedPort, onCleanup } from './helpers.ts';

function context(argv: string[]) {
  const controller = new AbortController();
  const stdout = new PassThrough();
  let printed = '';
  stdout.on('data', (d: Buffer) => (printed += d.toString()));
  return { controller, printed: () => printed, ctx: { argv, stdout, stderr: new PassThrough(), env: {}, signal: controller.signal } };
}

describe('faultline toxiproxy', () => {
  it('prints its URL, serves until the signal, then closes and returns 0', async () => {
    const port = await closedPort();
    const { controller, printed, ctx } = context(['--port', String(port), '--seed', '9']);
    const exit = toxiproxyCommand.run(ctx);
    await expect.poll(printed).toContain(`http://127.0.0.1:${port}`);
    const answer = await fetch(`http://127.0.0.1:${port}/version`);
    expect(answer.status).toBe(200);
    controller.abort();
    expect(await exit).toBe(0);
    const probe = connect(port, '127.0.0.1');
    const [error] = (await once(probe, 'error')) as [NodeJS.ErrnoException];
    expect(error.code).toBe('ECONNREFUSED');
  });

  it('fails with FL_PORT_IN_USE naming the port when the port is taken', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    onCleanup(() => new Promise<void>((r) => blocker.close(() => r())));
    const port = (blocker.address() as AddressInfo).port;
    const { ctx } = context(['--port', String(port)]);
    const failure = await toxiproxyCommand.run(ctx).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(FaultlineError);
    expect((failure as FaultlineError).code).toBe('FL_PORT_IN_USE');
    expect((failure as FaultlineError).message).toContain(String(port));
  });

  it('serves the hosts given with --allow-host (repeated or comma-separated) and refuses others', async () => {
    const port = await closedPort();
    const { controller, printed, ctx } = context(['--port', String(port), '--allow-host', 'toxiproxy,tp', '--allow-host', 'chaos.internal']);
    const exit = toxiproxyCommand.run(ctx);
    await expect.poll(printed).toContain(`http://127.0.0.1:${port}`);
    const status = (host: string) =>
      new Promise<number>((resolve, reject) =>
        request({ port, host: '127.0.0.1', path: '/version', headers: { Host: host }, agent: false }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        })
          .on('error', reject)
          .end(),
      );
    expect(await Promise.all(['toxiproxy', `tp:${port}`, 'chaos.internal', 'evil.example'].map(status))).toEqual([200, 200, 200, 403]);
    controller.abort();
    expect(await exit).toBe(0);
  });

  it('rejects an --allow-host with a scheme or port as a usage error', async () => {
    const { ctx } = context(['--port', '0', '--allow-host', 'http://toxiproxy:8474']);
    await expect(toxiproxyCommand.run(ctx)).rejects.toMatchObject({ code: 'FL_USAGE' });
  });

  it('rejects a bad --port as a usage error', async () => {
    const { ctx } = context(['--port', 'lots']);
    await expect(toxiproxyCommand.run(ctx)).rejects.toMatchObject({ code: 'FL_USAGE' });
  });
});
