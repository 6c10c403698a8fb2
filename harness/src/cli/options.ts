import { parseArgs, type ParseArgsConfig } from 'node:util';
import { FaultlineError } from '../errors.ts';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;
/** What parseArgs answers for `options` (named, so the declaration emit can spell it). */
export type ParsedCommandArgs<T extends OptionsConfig> = ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: boolean; strict: true }>>;

/** parseArgs with faultline's usage errors (exit 2, the command's usage in the message). */
export function parseCommandArgs<T extends OptionsConfig>(argv: string[], options: T, usage: string, allowPositionals = true): ParsedCommandArgs<T> {
  try {
    return parseArgs({ args: joinNegativeValues(argv, options), options, allowPositionals, strict: true });
  } catch (error) {
    throw new FaultlineError('FL_USAGE', `${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
  }
}

/**
 * `--time-scale -1` as `--time-scale=-1`. parseArgs reads a value that starts with a dash as
 * another flag and answers with a message about ambiguity plus the whole usage; joined, the
 * value reaches the option's own check, which says what it expects (the same message as for
 * `--time-scale=-1`). Only a negative number after a string option is joined, and nothing after
 * `--`.
 */
export function joinNegativeValues(argv: readonly string[], options: OptionsConfig): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const next = argv[i + 1];
    if (next !== undefined && /^-(\d|\.\d)/.test(next) && takesValue(arg, options)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

function takesValue(arg: string, options: OptionsConfig): boolean {
  if (!arg.startsWith('--') || arg.includes('=')) return false;
  return options[arg.slice(2)]?.type === 'string';
}

export function parseNumberOption(value: string | undefined, flag: string, check: (n: number) => boolean, expected: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || !check(n)) throw new FaultlineError('FL_USAGE', `${flag} expects ${expected}, got '${value}'`);
  return n;
}
