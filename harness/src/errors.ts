/**
 * One catalog of coded errors. Library code throws these; only the CLI turns them into an
 * exit code (cli/exit-code.ts), each code into exactly one, so the CLI needs no special cases.
 */

/** The error codes of faultline; the CLI maps each to one exit code (cli/exit-code.ts). */
export const errorCodes = [
  'FL_USAGE',
  'FL_INVALID_INPUT',
  'FL_UNKNOWN_SCENARIO',
  'FL_ENVIRONMENT',
  'FL_PORT_IN_USE',
  'FL_SERVICE_START',
  'FL_TOXIPROXY_UNREACHABLE',
  'FL_FAULT_APPLY',
  'FL_CLEANUP',
  'FL_K6_UNAVAILABLE',
  'FL_K6_SCRIPT',
  'FL_INTERRUPTED',
  'FL_TERMINATED',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

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
