import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { FaultlineError } from '../errors.ts';
import { freePort } from '../util/free-port.ts';
import { adminHeadersFor, adminSecretEnv, newAdminSecret } from './admin-secret.ts';
import { boundedLines } from './bounded-lines.ts';
import { isTcpService, readyLineMatcher, type ManagedService } from './model.ts';

// Where its callers always found it; it lives in util/ so the broker folder can use it too.
export { freePort };

export interface LaunchOptions {
  service: ManagedService;
  /** Merged over process.env and service.env (these win). */
  env: Record<string, string>;
  /**
   * The port to listen on, passed in the service's `portEnv`. Undefined or 0: a free port
   * picked here, except that a faultline-aware service is told 0 and announces the one it got.
   * A relaunch passes the previous port, so proxies and callers keep their address.
   */
  port?: number | undefined;
  /** Picks the port of a service that cannot announce its own; default a free port now. A seam
   * for tests: the port can be taken between this pick and the service's bind. */
  pickPort?: () => Promise<number>;
  /** How long the service may take to be healthy, ms. Default: the service's `startTimeoutMs`. */
  startTimeoutMs?: number;
  /** Every line the service writes, as it comes. */
  onOutput?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Aborting it stops a start under way (the process is killed). */
  signal?: AbortSignal;
  /**
   * The fault-hook secret of a faultline-aware service (`FAULTLINE_ADMIN_SECRET`): undefined =
   * a fresh random one for this launch; a string = that one; `false` = none, the service runs
   * without its `/__faultline/*` hook. Ignored for other services, which never get one.
   */
  adminSecret?: string | false;
}

export interface RunningService {
  name: string;
  url: string;
  pid: number;
  exited: Promise<{ code: number | null; signal: string | null }>;
  /** SIGTERM to the process group, SIGKILL after `graceMs` (default 3000). Idempotent. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL to the process group; resolves when the process has exited. */
  kill(): Promise<void>;
  /** Headers that authorise a request to this process's `/__faultline/*` hook (its secret);
   * empty when it has none. */
  adminHeaders(): Record<string, string>;
  /** The last lines it wrote (stdout and stderr, in order), to show when it dies. */
  lastLines(): string[];
}

const tailLines = 20;
const healthPollMs = 50;

/** `--- last lines of its output ---` and the lines, or nothing when it wrote none. */
export function formatLastLines(lines: readonly string[]): string {
  return lines.length ? `\n--- last lines of its output ---\n${lines.join('\n')}` : '';
}

/**
 * Starts a managed service as a child process in its own process group and waits until it is
 * healthy. Faultline-aware services announce their URL in a ready line on stdout and watch
 * their stdin (FAULTLINE_PARENT_WATCH=stdin), so they exit even if this process is SIGKILLed;
 * other services get a free port picked here in their `portEnv`, and once their `readyLine`
 * (if any) has been printed are polled on their health route.
 * On any failure nothing is left running and a FaultlineError names the service and quotes
 * the last lines of its output.
 */
export async function launchService(options: LaunchOptions): Promise<RunningService> {
  // A port picked here can be taken by another process before the service binds it: then it
  // is picked again (a port given by the caller, or one the service chooses, is never retried).
  const picksPort = !options.service.faultlineAware && !options.port;
  for (let attempt = 1; ; attempt++) {
    try {
      return await launchOnce(options);
    } catch (error) {
      if (!(picksPort && attempt < portAttempts && error instanceof FaultlineError && error.code === 'FL_PORT_IN_USE')) throw error;
    }
  }
}

/** Launches before a service that found its picked port taken gives up (FL_PORT_IN_USE). */
const portAttempts = 3;

async function launchOnce(options: LaunchOptions): Promise<RunningService> {
  const { service } = options;
  const startTimeoutMs = options.startTimeoutMs ?? service.startTimeoutMs;
  const env: Record<string, string> = { ...(process.env as Record<string, string>), ...service.env, ...options.env };
  const adminSecret = service.faultlineAware && options.adminSecret !== false ? (options.adminSecret ?? newAdminSecret()) : undefined;
  // Never inherit the port from our own environment (or a caller's env): every service needs
  // its own, and one picked here is free.
  const port = options.port || (service.faultlineAware ? 0 : await (options.pickPort ?? freePort)());
  env[service.portEnv] = String(port);
  if (service.faultlineAware) {
    // Set or removed after the merge: a secret inherited from our own environment (or a
    // topology's env) must never stand in for this launch's, nor switch on a hook meant off.
    delete env[adminSecretEnv];
    if (adminSecret !== undefined) env[adminSecretEnv] = adminSecret;
    env['FAULTLINE_PARENT_WATCH'] = 'stdin';
    env['HOST'] = options.env['HOST'] ?? service.env['HOST'] ?? '127.0.0.1';
  }
  const pickedUrl = service.faultlineAware ? undefined : `${isTcpService(service) ? 'tcp' : 'http'}://127.0.0.1:${port}`;
  const isReadyLine = service.readyLine === undefined ? undefined : readyLineMatcher(service.readyLine);

  // `{port}` in an argument: for programs that take their port as an option (redis-server --port).
  const [command, ...args] = service.command.map((arg) => arg.replaceAll('{port}', String(port)));
  if (!command) throw new FaultlineError('FL_SERVICE_START', `service ${service.name}: empty command`);
  const child = spawn(command, args, { cwd: service.cwd, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  const tail: string[] = [];
  const remember = (line: string) => {
    tail.push(line);
    if (tail.length > tailLines) tail.shift();
  };
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: null, signal: null }));
  });
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  // A closed stdin pipe (child gone) must not crash us with EPIPE.
  child.stdin?.on('error', () => undefined);

  const ready = new Promise<string>((resolve) => {
    boundedLines(child.stdout!, (line) => {
      options.onOutput?.(line, 'stdout');
      remember(line);
      const url = pickedUrl ?? parseReadyLine(line);
      if (url && (isReadyLine === undefined || isReadyLine(line))) resolve(url);
    });
  });
  const outputClosed = Promise.all([child.stdout!, child.stderr!].map((stream) => new Promise<void>((resolve) => stream.once('close', () => resolve()))));
  boundedLines(child.stderr!, (line) => {
    options.onOutput?.(line, 'stderr');
    remember(line);
  });

  const running = { ...makeRunning(service.name, child, exited), adminHeaders: () => adminHeadersFor(adminSecret), lastLines: () => [...tail] };
  const fail = async (code: 'FL_SERVICE_START' | 'FL_PORT_IN_USE', why: string): Promise<never> => {
    await running.kill();
    await Promise.race([outputClosed, sleep(500)]); // let the last lines arrive
    const portInUse = tail.some((l) => l.includes('EADDRINUSE'));
    throw new FaultlineError(
      portInUse ? 'FL_PORT_IN_USE' : code,
      `service ${service.name} ${portInUse ? `could not listen: port ${port} in use` : why}${formatLastLines(tail)}`,
    );
  };

  // Monotonic: a wall-clock step during start-up must not cut it short or stretch it.
  const deadline = performance.now() + startTimeoutMs;
  const timeout = sleep(startTimeoutMs, 'timeout' as const, { ref: false });
  const aborted = abortPromise(options.signal);
  const started = await Promise.race([
    (pickedUrl && !isReadyLine ? Promise.resolve(pickedUrl) : ready).then((url) => ({ kind: 'url' as const, url })),
    exited.then((e) => ({ kind: 'exited' as const, ...e })),
    spawnError.then((error) => ({ kind: 'spawn-error' as const, error })),
    timeout.then(() => ({ kind: 'timeout' as const })),
    aborted.promise.then(() => ({ kind: 'aborted' as const })),
  ]).finally(aborted.dispose);
  if (started.kind === 'exited') return fail('FL_SERVICE_START', `exited during start-up (code ${started.code}, signal ${started.signal})`);
  if (started.kind === 'spawn-error') return fail('FL_SERVICE_START', `could not be spawned: ${started.error.message}`);
  if (started.kind === 'timeout') {
    const waited = service.faultlineAware ? 'announced no address' : `printed no line matching readyLine ${JSON.stringify(service.readyLine)}`;
    return fail('FL_SERVICE_START', `${waited} within ${startTimeoutMs} ms`);
  }
  if (started.kind === 'aborted') {
    await running.kill();
    throw new FaultlineError('FL_INTERRUPTED', `start of service ${service.name} interrupted`);
  }

  const url = started.url;
  while (true) {
    if (options.signal?.aborted) {
      await running.kill();
      throw new FaultlineError('FL_INTERRUPTED', `start of service ${service.name} interrupted`);
    }
    if (child.exitCode !== null || child.signalCode !== null)
      return fail('FL_SERVICE_START', `exited before it was healthy (code ${child.exitCode}, signal ${child.signalCode})`);
    if (isTcpService(service) ? await acceptsConnections(url) : await isHealthy(url + service.health)) break;
    if (performance.now() > deadline) {
      const hint = service.faultlineAware ? '' : ` (it was given ${service.portEnv}=${port}; does it listen on 127.0.0.1 at that port?)`;
      const check = isTcpService(service) ? `accepted no connection at ${url}` : `was not healthy at ${url}${service.health}`;
      return fail('FL_SERVICE_START', `${check} within ${startTimeoutMs} ms${hint}`);
    }
    await sleep(healthPollMs);
  }
  return { ...running, url };
}

function makeRunning(name: string, child: ChildProcess, exited: RunningService['exited']): Omit<RunningService, 'url' | 'adminHeaders' | 'lastLines'> {
  const pid = child.pid ?? -1;
  const isGone = () => child.exitCode !== null || child.signalCode !== null || pid < 0;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal); // the whole group: the service and anything it started
    } catch {
      try {
        child.kill(signal);
      } catch {
        /* already gone */
      }
    }
  };
  let stopping: Promise<void> | undefined;
  const kill = async () => {
    if (!isGone()) signalGroup('SIGKILL');
    child.stdin?.destroy();
    await exited;
  };
  const stop = (graceMs = 3000) =>
    (stopping ??= (async () => {
      if (isGone()) return;
      signalGroup('SIGTERM');
      const result = await Promise.race([exited.then(() => 'exited' as const), sleep(graceMs, 'grace' as const, { ref: false })]);
      if (result === 'grace') await kill();
      child.stdin?.destroy();
    })());
  return { name, pid, exited, stop, kill };
}

function parseReadyLine(line: string): string | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const event = JSON.parse(line) as { event?: unknown; url?: unknown };
    return event.event === 'listening' && typeof event.url === 'string' ? event.url : undefined;
  } catch {
    return undefined;
  }
}

/** A TCP service's readiness: its port accepts a connection (closed again at once). */
export async function acceptsConnections(url: string, timeoutMs = 1000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise<boolean>((resolve) => {
    const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function isHealthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * Resolves when `signal` aborts; `dispose` removes its listener. Every service start of every
 * run adds one to the caller's signal, and `compare` runs many on one signal: a listener left
 * behind per start soon trips node's MaxListenersExceededWarning.
 */
function abortPromise(signal: AbortSignal | undefined): { promise: Promise<void>; dispose: () => void } {
  if (!signal) return { promise: new Promise(() => undefined), dispose: () => undefined };
  if (signal.aborted) return { promise: Promise.resolve(), dispose: () => undefined };
  let onAbort = () => undefined as void;
  const promise = new Promise<void>((resolve) => {
    onAbort = () => resolve();
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}
