import { parseArgs, type ParseArgsConfig } from 'node:util';
import { existsSync } from 'node:fs';
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

/** The load-engine options `run` and `compare` share (docs/k6.md). */
export const loadEngineOptions = {
  load: { type: 'string' },
  k6: { type: 'string' },
  'k6-script': { type: 'string' },
} as const;

export const loadEngineUsage = `  --load <engine>       what sends the load: builtin (default) or k6 (docs/k6.md)
  --k6 <path>           the k6 executable for --load k6 (env K6_BIN; default k6 on PATH)
  --k6-script <file>    run this k6 script instead of the exported one (--load k6)`;

/** `--load`, `--k6`, `--k6-script` checked at parse time (exit 2), as runScenario options; the
 * k6 executable defaults to `env.K6_BIN`. */
export function parseLoadEngineOptions(
  values: { load?: string | undefined; k6?: string | undefined; 'k6-script'?: string | undefined },
  env: NodeJS.ProcessEnv,
): {
  load?: 'builtin' | 'k6';
  k6?: string;
  k6Script?: string;
} {
  const load = values.load;
  if (load !== undefined && load !== 'builtin' && load !== 'k6') throw new FaultlineError('FL_USAGE', `--load expects builtin or k6, got '${load}'`);
  if (load !== 'k6' && (values.k6 !== undefined || values['k6-script'] !== undefined))
    throw new FaultlineError('FL_USAGE', `--k6 and --k6-script go with --load k6`);
  const script = values['k6-script'];
  if (script !== undefined && !existsSync(script)) throw new FaultlineError('FL_USAGE', `--k6-script ${script}: no such file`);
  const k6 = load === 'k6' ? (values.k6 ?? env.K6_BIN) : undefined;
  return { ...(load ? { load } : {}), ...(k6 ? { k6 } : {}), ...(script ? { k6Script: script } : {}) };
}
