// Starts the benchmark's target server (load-server.ts) in a child process and stops it.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface BenchTarget {
  url: string;
  stop(): Promise<void>;
}

/** `mode` fast: answers at once; stall: freezes for `stallMs` every `periodMs`. */
export async function startTarget(mode: 'fast' | 'stall', stall = { stallMs: 100, periodMs: 1400 }): Promise<BenchTarget> {
  const child: ChildProcess = fork(
    new URL('./load-server.ts', import.meta.url),
    ['--mode', mode, '--stall-ms', String(stall.stallMs), '--period-ms', String(stall.periodMs)],
    {
      execArgv: ['--import', import.meta.resolve('tsx')],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const [message] = (await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(() => {
      throw new Error('bench target exited before listening');
    }),
  ])) as [{ port: number }];
  return {
    url: `http://127.0.0.1:${message.port}`,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}
