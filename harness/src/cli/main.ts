import { InputError, isFaultlineError } from '../errors.ts';
import { ExitCode, exitCodeForError } from './exit-code.ts';
import { FileWriteError } from '../util/write-text-file.ts';
import type { CommandContext } from './command.ts';
import { commands } from './commands/index.ts';

function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 8);
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return ['Usage: faultline <command> [options]', '', 'Commands:', ...lines, '', 'Run `faultline <command> --help` for its options.'].join('\n');
}

/**
 * The one place that maps outcomes to exit codes. SIGINT/SIGTERM abort the command's signal;
 * the command cleans up and the exit code becomes 130/143.
 */
export async function main(argv: string[], io: Pick<CommandContext, 'stdout' | 'stderr' | 'env'> = process): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(helpText() + '\n');
    return name ? ExitCode.Ok : ExitCode.Usage;
  }
  if (name === '--version' || name === '-v') {
    const { faultlineVersion } = await import('../util/version.ts');
    io.stdout.write(faultlineVersion() + '\n');
    return ExitCode.Ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`faultline: unknown command '${name}'\n\n${helpText()}\n`);
    return ExitCode.Usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.usage}\n`);
    return ExitCode.Ok;
  }

  const controller = new AbortController();
  let signalExit: number | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (signalExit !== undefined) return; // second signal: the cleanup already under way wins
    signalExit = sig === 'SIGINT' ? ExitCode.Interrupted : ExitCode.Terminated;
    controller.abort(new Error(`received ${sig}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const code = await command.run({ argv: rest, stdout: io.stdout, stderr: io.stderr, env: io.env, signal: controller.signal });
    return signalExit ?? code;
  } catch (error) {
    if (signalExit !== undefined) return signalExit;
    if (error instanceof InputError) {
      io.stderr.write(`${error.message}\n`);
      return exitCodeForError(error);
    }
    if (isFaultlineError(error)) {
      io.stderr.write(`faultline: ${error.message}\n`);
      return exitCodeForError(error);
    }
    // A file that could not be written (`k6 export --out`, the schemas): an environment error
    // that names the file and says why, not an internal one with a stack.
    if (error instanceof FileWriteError) {
      io.stderr.write(`faultline: ${error.message}\n`);
      return ExitCode.Environment;
    }
    io.stderr.write(`faultline: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return ExitCode.Environment;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
