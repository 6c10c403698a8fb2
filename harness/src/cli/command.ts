import type { Writable } from 'node:stream';
import type { ExitCode } from './exit-code.ts';

/** What a command gets from the CLI entry: its arguments, output streams and the environment. */
export interface CommandContext {
  argv: string[];
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT/SIGTERM; long-running commands stop and clean up when it fires. */
  signal: AbortSignal;
}

/** One CLI sub-command. Returns the exit code; throws FaultlineError for coded failures. */
export interface Command {
  name: string;
  /** One line for `faultline --help`. */
  summary: string;
  usage: string;
  run(ctx: CommandContext): Promise<ExitCode>;
}
