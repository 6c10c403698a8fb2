// Starts and stops the benchmark's child processes (proxy-child.ts) and reads their CPU time.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface BenchProcess {
  /** Where to send traffic: `http://127.0.0.1:PORT`. */
  url: string;
  /** The embedded server's admin API (faultline role only). */
  api?: string | undefined;
  /** User + system CPU time of the process so far, in µs. */
  cpuMicros(): Promise<number>;
  /** Starts probing the process: event-loop delay and garbage-collection pauses. */
  startProbe(): Promise<void>;
  /** Stops probing; what the process went through since `startProbe`. */
  probe(): Promise<ProcessProbe>;
  stop(): Promise<void>;
}

/** How a benchmark process fared during one measurement. */
export interface ProcessProbe {
  /** Event-loop delay beyond the 20 ms probe interval (p99 and max of the probes), ms. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** Garbage-collection pauses: how many, the longest and their sum, ms. */
  gcPauses: number;
  gcMaxMs: number;
  gcTotalMs: number;
}

export async function startBenchProcess(role: 'http' | 'pipe' | 'hold' | 'faultline', upstream = ''): Promise<BenchProcess> {
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
    async startProbe() {
      child.send('probe-start');
      for (;;) {
        const [message] = (await once(child, 'message')) as [{ probeStarted?: boolean }];
        if (message.probeStarted) return;
      }
    },
    async probe() {
      child.send('probe');
      for (;;) {
        const [message] = (await once(child, 'message')) as [{ probe?: ProcessProbe }];
        if (message.probe) return message.probe;
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
