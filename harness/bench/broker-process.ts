// Starts the broker benchmark's client process (broker-client.ts) and asks it for measurements.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { MeasureRequest, MeasureResult } from './broker-client.ts';

export interface BrokerClientProcess {
  measure(request: Omit<MeasureRequest, 'id'>): Promise<MeasureResult>;
  /** Ends the process (its connections close with it); SIGKILL after 2 s. Idempotent. */
  stop(): Promise<void>;
}

export async function startBrokerClient(): Promise<BrokerClientProcess> {
  const child: ChildProcess = fork(new URL('./broker-client.ts', import.meta.url), [], {
    execArgv: ['--import', import.meta.resolve('tsx')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = once(child, 'exit');
  const [ready] = (await Promise.race([once(child, 'message'), exited.then(() => [undefined])])) as [{ ready?: boolean } | undefined];
  if (!ready?.ready) throw new Error('the broker bench client exited before it was ready');
  let nextId = 0;
  const pending = new Map<number, { resolve: (result: MeasureResult) => void; reject: (error: Error) => void }>();
  child.on('message', (message: { result?: MeasureResult; id?: number; error?: string }) => {
    const id = message.result?.id ?? message.id;
    const waiting = id === undefined ? undefined : pending.get(id);
    if (!waiting) return;
    pending.delete(id!);
    if (message.result) waiting.resolve(message.result);
    else waiting.reject(new Error(message.error ?? 'measurement failed'));
  });
  void exited.then(() => {
    for (const waiting of pending.values()) waiting.reject(new Error('the broker bench client exited'));
    pending.clear();
  });
  let stopped: Promise<void> | undefined;
  return {
    measure(request) {
      const id = ++nextId;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ ...request, id });
      });
    },
    stop: () =>
      (stopped ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
        if (child.connected) child.disconnect();
        await exited;
        clearTimeout(timer);
      })()),
  };
}
