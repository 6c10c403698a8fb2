import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { FaultlineError } from '../errors.ts';
import { freePort } from '../util/free-port.ts';

/**
 * A real Mosquitto (Debian's `mosquitto` package) beside the embedded broker, for the tests that
 * hold the two to the same behaviour and for `npm run bench:broker`, which measures them side by
 * side: on a free loopback port, anonymous, with persistence in a throw-away folder so a restart
 * keeps sessions and queued messages as a production broker would. `.ci/run` installs the package.
 */
export const mosquittoBinary = '/usr/sbin/mosquitto';

export interface MosquittoServer {
  url: string;
  port: number;
  /** Kill (SIGKILL: a crash) or stop (SIGTERM: a clean shutdown, state saved). Resolves on exit. */
  halt(signal: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  /** Start again on the same port with the same persistence folder. */
  restart(): Promise<void>;
  /** Stop for good and remove the folder. Idempotent. */
  stop(): Promise<void>;
}

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/** Whether something accepts a connection on a loopback port now. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startMosquitto(): Promise<MosquittoServer> {
  if (!existsSync(mosquittoBinary))
    throw new FaultlineError(
      'FL_ENVIRONMENT',
      `${mosquittoBinary} is missing: install Debian's mosquitto package (apt-get install -y mosquitto); .ci/run does`,
    );
  const dir = mkdtempSync(join(tmpdir(), 'faultline-mosquitto-'));
  const port = await freePort();
  const config = join(dir, 'mosquitto.conf');
  writeFileSync(
    config,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      // Started as root, Mosquitto drops to the user `mosquitto`, which cannot write this folder
      // (ours): its persistence then fails silently ("Error saving in-memory database … Permission
      // denied") and a restart keeps no session. Naming the user that starts it keeps it that user.
      `user ${userInfo().username}`,
      'persistence true',
      `persistence_location ${dir}/`,
      // Save right away: a crash then loses only what arrived in the last moment.
      'autosave_interval 1',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      '',
    ].join('\n'),
  );
  let child: ChildProcess | undefined;
  let log = '';
  const launch = async () => {
    const started = spawn(mosquittoBinary, ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    started.stderr!.on('data', (chunk: Buffer) => (log = (log + chunk.toString('utf8')).slice(-4000)));
    child = started;
    const deadline = performance.now() + 10_000;
    while (performance.now() < deadline) {
      if (exited(started))
        throw new FaultlineError('FL_ENVIRONMENT', `mosquitto exited (${started.exitCode ?? started.signalCode}) before it was ready:\n${log}`);
      if (await accepts(port)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    started.kill('SIGKILL');
    throw new FaultlineError('FL_ENVIRONMENT', `mosquitto did not accept connections on ${port} within 10 s:\n${log}`);
  };
  const halt = async (signal: 'SIGKILL' | 'SIGTERM') => {
    const current = child;
    if (!current || exited(current)) return;
    const gone = new Promise<void>((resolve) => current.once('exit', () => resolve()));
    current.kill(signal);
    const timer = setTimeout(() => current.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(timer);
  };
  let stopped: Promise<void> | undefined;
  try {
    await launch();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    halt,
    restart: launch,
    stop: () =>
      (stopped ??= (async () => {
        await halt('SIGTERM');
        rmSync(dir, { recursive: true, force: true });
      })()),
  };
}
