import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../src/topology/launch.ts';
import { mosquittoBinary } from '../../src/broker/mosquitto.ts';
import { refused } from '../support/ports.ts';
import { readRepoFile } from './stack-files.ts';

/**
 * The compose broker's configuration (dashboards/mosquitto/mosquitto.conf) read by a real
 * Mosquitto 2 (Debian's 2.0.11; the compose image is 2.0.20, same major version and defaults):
 * it must let the services connect with no account. Its listener line is moved to a free
 * loopback port (no test listens on every interface); every other line is the file's. Without
 * `allow_anonymous true` the same file must be refused, so the line is what lets clients in.
 */

const config = readRepoFile('dashboards/mosquitto/mosquitto.conf');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function mosquittoWith(text: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-mosquitto-conf-'));
  const port = await freePort();
  const file = join(dir, 'mosquitto.conf');
  writeFileSync(file, text.replace(/^listener \d+\s*$/m, `listener ${port} 127.0.0.1`));
  const child: ChildProcess = spawn(mosquittoBinary, ['-c', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await gone;
    rmSync(dir, { recursive: true, force: true });
  });
  const deadline = performance.now() + 10_000;
  while (await refused(port)) {
    if (child.exitCode !== null) throw new Error(`mosquitto exited (${child.exitCode}):\n${log}`);
    if (performance.now() > deadline) throw new Error(`mosquitto did not listen on ${port} within 10 s:\n${log}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return `mqtt://127.0.0.1:${port}`;
}

describe("the compose broker's mosquitto.conf", () => {
  it('has Mosquitto, from Debian’s package, to read it', () => {
    expect(existsSync(mosquittoBinary), `${mosquittoBinary} is missing: apt-get install -y mosquitto (.ci/run does)`).toBe(true);
  });

  it('lets a client with no account connect, subscribe and receive what it published', { timeout: 20_000 }, async () => {
    const url = await mosquittoWith(config);
    const client = await mqtt.connectAsync(url, { clientId: 'compose-conf-test', reconnectPeriod: 0, connectTimeout: 3_000 });
    cleanups.push(() => client.endAsync());
    const received = new Promise<string>((resolve) => client.once('message', (_topic, payload) => resolve(payload.toString('utf8'))));
    await client.subscribeAsync('trip.created', { qos: 1 });
    await client.publishAsync('trip.created', 'hello', { qos: 1 });
    expect(await received).toBe('hello');
  });

  it('refuses that client once allow_anonymous is taken out: that line is what lets the services in', { timeout: 20_000 }, async () => {
    const url = await mosquittoWith(config.replace(/^allow_anonymous true\s*$/m, ''));
    await expect(mqtt.connectAsync(url, { clientId: 'compose-conf-test', reconnectPeriod: 0, connectTimeout: 3_000 })).rejects.toThrow(
      /Not authorized|refused/i,
    );
  });
});
