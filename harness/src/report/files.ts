import { join } from 'node:path';
import type { RunResult } from '../slo/result.ts';
import type { ResultFiles } from './events.ts';
import { writeHtml } from './html/document.ts';
import { writeResultJson } from './json.ts';
import { writeJunit } from './junit.ts';

/** Names of the files in a result folder. */
export const RESULT_FILE_NAMES = { json: 'result.json', junit: 'junit.xml', html: 'report.html' } as const;

/**
 * Write a result folder: result.json, junit.xml and report.html side by side in `dir`
 * (created if needed). Returns the paths, ready for `onResult`.
 */
export async function writeResultFiles(result: RunResult, dir: string): Promise<Required<ResultFiles>> {
  const files = {
    dir,
    json: join(dir, RESULT_FILE_NAMES.json),
    junit: join(dir, RESULT_FILE_NAMES.junit),
    html: join(dir, RESULT_FILE_NAMES.html),
  };
  await Promise.all([writeResultJson(result, files.json), writeJunit([result], files.junit), writeHtml([result], files.html)]);
  return files;
}
