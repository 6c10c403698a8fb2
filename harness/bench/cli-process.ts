// `faultline <args>` as a child process of a bench: in its own process group (so the group can
// be SIGKILLed as a CI runner would), output captured, exit awaited.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface CliProcess {
  child: ChildProcess;
  pid: number;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves when `pattern` appears in the output (true), or false once the process has exited
   * without it or `timeoutMs` passed. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<boolean>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>;
  hasExited(): boolean;
}

export function startCliProcess(args: readonly string[], env: Record<string, string>): CliProcess {
  const child = spawn(process.execPath, [`${repoRoot}bin/faultline.js`, ...args], {
    cwd: repoRoot,
    env: { ...process.env, CI: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (data: Buffer) => {
    text += data.toString();
    for (const listener of listeners) listener();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>((resolve) =>
    child.once('exit', (code, signal) => {
      done = true;
      for (const listener of listeners) listener();
      resolve({ code, signal, atMs: performance.now() });
    }),
  );
  return {
    child,
    pid: child.pid!,
    output: () => text,
    exited,
    hasExited: () => done,
    waitForOutput(pattern, timeoutMs) {
      return new Promise((resolve) => {
        const finish = (found: boolean) => {
          listeners.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const check = () => {
          if (pattern.test(text)) finish(true);
          else if (done) finish(false);
        };
        const timer = setTimeout(() => finish(pattern.test(text)), timeoutMs);
        listeners.add(check);
        check();
      });
    },
  };
}
