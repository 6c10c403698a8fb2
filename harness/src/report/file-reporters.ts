import { join, resolve } from 'node:path';
import { encodeRecording } from '../model/recording-file.ts';
import type { RunResult } from '../model/result.ts';
import { writeTextFile } from '../util/write-text-file.ts';
import { writeHtml } from './html/document.ts';
import { renderResultJson, writeResultJson } from './json.ts';
import { writeJunit } from './junit.ts';
import type { Reporter } from './reporter.ts';

/**
 * The reporters that write files. Each writes in an awaited hook, atomically (temporary file +
 * rename), into the folder its hook names: a run's own folder on onRecording/onResult, the
 * invocation's combined folder (compare) or an aggregate file (`--json`, `--junit`) on onEnd.
 */

function renderJsonList(results: readonly RunResult[]): string {
  return results.length === 1 ? renderResultJson(results[0]!) : `${JSON.stringify(results, null, 2)}\n`;
}

/** recording.json: what the run observed, so `faultline analyse` can judge it again. */
export function createRecordingReporter(): Reporter {
  return {
    name: 'recording',
    async onRecording(recording, files) {
      if (files.recording) await writeTextFile(files.recording, encodeRecording(recording));
    },
  };
}

export interface AggregateOptions {
  /** Also write every result of the invocation to this file when it ends (CI copies). */
  aggregate?: string;
}

/** result.json per run; in a combined folder result.json holds them all, plus
 * result-<profile>.json each; `aggregate`: one result as an object, several as an array. */
export function createJsonReporter(options: AggregateOptions = {}): Reporter {
  return {
    name: 'json',
    async onResult(result, files) {
      if (files.json) await writeResultJson(result, files.json);
    },
    async onEnd(results, files) {
      if (results.length === 0) return;
      if (files?.json) {
        await writeTextFile(files.json, `${JSON.stringify(results, null, 2)}\n`);
        for (const result of results) await writeResultJson(result, join(files.dir, `result-${result.profile}.json`));
      }
      if (options.aggregate) await writeTextFile(resolve(options.aggregate), renderJsonList(results));
    },
  };
}

/** junit.xml per run (one test case per SLO); combined and aggregate files hold every run. */
export function createJunitReporter(options: AggregateOptions = {}): Reporter {
  return {
    name: 'junit',
    async onResult(result, files) {
      if (files.junit) await writeJunit([result], files.junit);
    },
    async onEnd(results, files) {
      if (results.length === 0) return;
      if (files?.junit) await writeJunit(results, files.junit);
      if (options.aggregate) await writeJunit(results, resolve(options.aggregate));
    },
  };
}

/** report.html: the self-contained report of a run; in a combined folder, the comparison. */
export function createHtmlReporter(): Reporter {
  return {
    name: 'html',
    async onResult(result, files) {
      if (files.html) await writeHtml([result], files.html);
    },
    async onEnd(results, files) {
      if (results.length > 0 && files?.html) await writeHtml(results, files.html);
    },
  };
}
