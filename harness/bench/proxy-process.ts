// Starts and stops the benchmark's child processes (proxy-child.ts) and reads their CPU time.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface BenchProcess {
  /** Where to send traffic: `http://127.0.0.1:PORT`. */
  url: string;
  /** The embedded server's admin API (faultline role only). */
  api?: string;
  /** User + system CPU time of the process so far, in µs. */
  cpuMicros(): Promise<number>;
  /** Starts sampling the process's event-loop delay. */
  startLoopDelay(): Promise<void>;
  /** Stops sampling; the delay beyond the 20 ms probe interval (p99, max; ms). */
  loopDelayMs(): Promise<{ p99: number; max: number }>;
  stop(): Promise<void>;
}

export async function startBenchProcess(role: 'http' | 'pipe' | 'faultline', upstream = ''): Promise<BenchProcess> {
  const child: ChildProcess = fork(new URL('./proxy-child.ts', import.meta.url), ['--role', role, '--upstream', upstream], {
    execArgv: ['--import', import.meta.resolve('tsx')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = once(child, 'exit').then(() => {
    throw new Error(`bench ${role} process exited before listening`);
  });
  const [ready] = (await Promise.race([once(child, 'message'), exited])) as [{ port: number; api?: string }];
  return {
    url: `http://127.0.0.1:${ready.port}`,
    api: ready.api,
    async cpuMicros() {
      child.send('cpu');
      for (;;) {
        const [message] = (await once(child, 'message')) as [{ cpu?: NodeJS.CpuUsage }];
        if (message.cpu) return message.cpu.user + message.cpu.system;
      }
    },
    async startLoopDelay() {
      child.send('loop-delay-start');
      for (;;) {
        const [message] = (await once(child, 'message')) as [{ loopDelayStarted?: boolean }];
        if (message.loopDelayStarted) return;
      }
    },
    async loopDelayMs() {
      child.send('loop-delay');
      for (;;) {
        const [message] = (await once(child, 'message')) as [{ loopDelayMs?: { p99: number; max: number } }];
        if (message.loopDelayMs) return message.loopDelayMs;
      }
    },
    async stop() {
      if (child.exitCode !== null) return;
      const gone = once(child, 'exit');
      child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await gone;
      clearTimeout(timer);
    },
  };
}
