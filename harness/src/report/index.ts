/**
 * Reporters: they subscribe to run events (all hooks optional) and format a RunResult; none
 * computes anything analysis should. Console (live progress + summary), result.json, JUnit XML,
 * a self-contained HTML report, and the text table of `faultline compare`.
 */
export type { AsyncEvent, FaultEvent, PlanInfo, ResultFiles, RunEvents, RunPhase, SecondProgress, StackInfo } from '../model/events.ts';
export { combineReporters } from '../model/events.ts';
export type { Reporter } from './reporter.ts';
export { reporters, fileReporters, type ReporterName } from './reporters.ts';
export { createHtmlReporter, createJsonReporter, createJunitReporter, createRecordingReporter } from './file-reporters.ts';
export { defaultOutDir, resultFiles } from './files.ts';
export { consoleMode, createConsoleReporter, type ConsoleReporterOptions } from './console.ts';
export { renderSummary, type SummaryOptions } from './summary.ts';
export { renderResultJson, writeResultJson } from './json.ts';
export { FAULT_EVIDENCE_CASE, renderJunit, writeJunit } from './junit.ts';
export { renderHtml, writeHtml } from './html/document.ts';
export { renderComparison, type ComparisonOptions } from './compare.ts';
