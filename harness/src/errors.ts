/**
 * One catalog of coded errors. Library code throws these; only the CLI entry turns them
 * into an exit code (see ExitCode). Each code maps to exactly one exit code, so the CLI needs
 * no special cases.
 */

/** Exit codes of the `faultline` CLI (a documented contract, see docs/cli.md). */
export const ExitCode = {
  /** Every SLO met. */
  Ok: 0,
  /** At least one SLO missed. */
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

const exitCodeByErrorCode = {
  FL_USAGE: ExitCode.Usage,
  FL_INVALID_INPUT: ExitCode.Usage,
  FL_UNKNOWN_SCENARIO: ExitCode.Usage,
  FL_ENVIRONMENT: ExitCode.Environment,
  FL_PORT_IN_USE: ExitCode.Environment,
  FL_SERVICE_START: ExitCode.Environment,
  FL_TOXIPROXY_UNREACHABLE: ExitCode.Environment,
  FL_FAULT_APPLY: ExitCode.Environment,
  FL_CLEANUP: ExitCode.Environment,
  FL_INTERRUPTED: ExitCode.Interrupted,
  FL_TERMINATED: ExitCode.Terminated,
} as const;
export type ErrorCode = keyof typeof exitCodeByErrorCode;

/** A located problem in an input file: `file:line:column field: message`. */
export interface InputIssue {
  file: string;
  line: number;
  column: number;
  /** Dotted path of the field, e.g. `faults[1].at`; empty for the whole document. */
  field: string;
  message: string;
}

export function formatIssue(issue: InputIssue): string {
  const where = `${issue.file}:${issue.line}:${issue.column}`;
  return issue.field ? `${where} ${issue.field}: ${issue.message}` : `${where} ${issue.message}`;
}

export class FaultlineError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FaultlineError';
    this.code = code;
  }
  get exitCode(): ExitCode {
    return exitCodeByErrorCode[this.code];
  }
}

/** Bad input, with every located issue found (not just the first). */
export class InputError extends FaultlineError {
  readonly issues: readonly InputIssue[];
  constructor(issues: readonly InputIssue[]) {
    super('FL_INVALID_INPUT', issues.map(formatIssue).join('\n'));
    this.name = 'InputError';
    this.issues = issues;
  }
}

export function isFaultlineError(error: unknown): error is FaultlineError {
  return error instanceof FaultlineError;
}
