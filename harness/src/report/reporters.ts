import { createConsoleReporter } from './console.ts';
import { createMetricsReporter } from './exposition.ts';
import { createHtmlReporter, createJsonReporter, createJunitReporter, createRecordingReporter } from './file-reporters.ts';
import type { Reporter } from './reporter.ts';

/**
 * The reporters by name. None is special: each subscribes to the run events it needs. Adding one
 * is one file plus one line here.
 */
export const reporters = {
  /** Live progress and the verdict block. */
  console: createConsoleReporter,
  /** result.json; `--json` aggregate. */
  json: createJsonReporter,
  /** junit.xml; `--junit` aggregate. */
  junit: createJunitReporter,
  /** report.html, self-contained. */
  html: createHtmlReporter,
  /** recording.json, for `faultline analyse`. */
  recording: createRecordingReporter,
  /** The harness's Prometheus exposition (`--metrics-port`). */
  exposition: createMetricsReporter,
} as const;

export type ReporterName = keyof typeof reporters;

/** The reporters of a result folder, in writing order: recording, json, junit, html. */
export function fileReporters(options: { json?: string; junit?: string } = {}): Reporter[] {
  return [
    reporters.recording(),
    reporters.json(options.json === undefined ? {} : { aggregate: options.json }),
    reporters.junit(options.junit === undefined ? {} : { aggregate: options.junit }),
    reporters.html(),
  ];
}
