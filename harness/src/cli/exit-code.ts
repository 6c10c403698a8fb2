import { InputError, isFaultlineError, type ErrorCode } from '../errors.ts';
import type { RunResult } from '../model/result.ts';

/**
 * Exit codes of the `faultline` CLI (a documented contract, docs/cli.md), decided here and
 * nowhere else: from a command's typed outcome, or from the coded error it threw.
 */
export const ExitCode = {
  /** Every SLO met. */
  Ok: 0,
  /** At least one SLO missed (or, for compare, a verdict that is not the expected one). */
  SloFailed: 1,
  /** Usage or input error: bad flag, bad scenario/topology file. Nothing was started. */
  Usage: 2,
  /** Environment error: port taken, a service or proxy failed, Toxiproxy unreachable, an
   * inconclusive run (a fault that touched no traffic), cleanup failed. */
  Environment: 3,
  /** Interrupted by SIGINT. */
  Interrupted: 130,
  /** Terminated by SIGTERM. */
  Terminated: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

const exitCodeByErrorCode: { readonly [C in ErrorCode]: ExitCode } = {
  FL_USAGE: ExitCode.Usage,
  FL_INVALID_INPUT: ExitCode.Usage,
  FL_UNKNOWN_SCENARIO: ExitCode.Usage,
  FL_ENVIRONMENT: ExitCode.Environment,
  FL_PORT_IN_USE: ExitCode.Environment,
  FL_SERVICE_START: ExitCode.Environment,
  FL_TOXIPROXY_UNREACHABLE: ExitCode.Environment,
  FL_FAULT_APPLY: ExitCode.Environment,
  FL_CLEANUP: ExitCode.Environment,
  // No k6, or one older than faultline supports: the environment's to fix.
  FL_K6_UNAVAILABLE: ExitCode.Environment,
  // k6 rejected the script (its ScriptException or InvalidConfig): the input's to fix.
  FL_K6_SCRIPT: ExitCode.Usage,
  FL_INTERRUPTED: ExitCode.Interrupted,
  FL_TERMINATED: ExitCode.Terminated,
};

/** The exit code of a thrown error: its code's, or Environment for anything uncoded. */
export function exitCodeForError(error: unknown): ExitCode {
  if (error instanceof InputError) return ExitCode.Usage;
  return isFaultlineError(error) ? exitCodeByErrorCode[error.code] : ExitCode.Environment;
}

/** Exit code of one result: pass 0, fail 1, inconclusive 3, interrupted 130 (the CLI entry
 * makes it 143 when the signal was SIGTERM). */
export function exitCodeFor(result: Pick<RunResult, 'status' | 'verdict'>): ExitCode {
  if (result.status === 'interrupted' || result.verdict === 'interrupted') return ExitCode.Interrupted;
  if (result.verdict === 'pass') return ExitCode.Ok;
  if (result.verdict === 'fail') return ExitCode.SloFailed;
  return ExitCode.Environment;
}

const severity: readonly ExitCode[] = [ExitCode.Ok, ExitCode.SloFailed, ExitCode.Usage, ExitCode.Environment, ExitCode.Terminated, ExitCode.Interrupted];

/** The worst of several exit codes: interrupted > terminated > environment > usage > SLO missed > ok. */
export function worstExitCode(codes: readonly ExitCode[]): ExitCode {
  return codes.reduce<ExitCode>((worst, code) => (severity.indexOf(code) > severity.indexOf(worst) ? code : worst), ExitCode.Ok);
}

/**
 * Exit code of `faultline compare`: 0 when every profile got its expected verdict; 1 when one
 * did not; 3 when a run was inconclusive and that was not expected; 130 when a run was
 * interrupted or never ran (the CLI entry makes it 143 for SIGTERM).
 */
export function exitCodeForComparison(
  results: readonly Pick<RunResult, 'profile' | 'status' | 'verdict'>[],
  expected: ReadonlyMap<string, RunResult['verdict']>,
  profilesCompared: number,
): ExitCode {
  if (results.length < profilesCompared || results.some((r) => exitCodeFor(r) === ExitCode.Interrupted)) return ExitCode.Interrupted;
  const wrong = results.filter((r) => expected.get(r.profile) !== r.verdict);
  if (wrong.length === 0) return ExitCode.Ok;
  return wrong.some((r) => r.verdict === 'inconclusive') ? ExitCode.Environment : ExitCode.SloFailed;
}
