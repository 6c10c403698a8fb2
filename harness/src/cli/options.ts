import { parseArgs, type ParseArgsConfig } from 'node:util';
import { FaultlineError } from '../errors.ts';

/** parseArgs with faultline's usage errors (exit 2, the command's usage in the message). */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, usage: string, allowPositionals = true) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (error) {
    throw new FaultlineError('FL_USAGE', `${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
  }
}

export function parseNumberOption(value: string | undefined, flag: string, check: (n: number) => boolean, expected: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || !check(n)) throw new FaultlineError('FL_USAGE', `${flag} expects ${expected}, got '${value}'`);
  return n;
}
