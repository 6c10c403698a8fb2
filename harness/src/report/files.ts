import { dirname, join, resolve } from 'node:path';
import { FaultlineError } from '../errors.ts';
import type { ResultFiles } from '../model/events.ts';
import { FileWriteError, checkWritableDir } from '../util/write-text-file.ts';

/** The files of a result folder, by their fixed names; `dir` absolute. */
export function resultFiles(dir: string): Required<ResultFiles> {
  const absolute = resolve(dir);
  return {
    dir: absolute,
    json: join(absolute, 'result.json'),
    junit: join(absolute, 'junit.xml'),
    html: join(absolute, 'report.html'),
    recording: join(absolute, 'recording.json'),
  };
}

/** A time as a folder name: `2026-11-30T14-05-09Z` (no colons, no fraction). */
export function folderStamp(iso: string): string {
  return iso.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
}

/** `results/<scenario>/<timestamp>-<suffix>/` under `cwd`: suffix the profile, or `compare`. */
export function defaultOutDir(scenario: string, startedAt: string, suffix: string, cwd = process.cwd()): string {
  return join(cwd, 'results', scenario, `${folderStamp(startedAt)}-${suffix}`);
}

/**
 * Checks, before anything starts, that the result folder (or, for the default one, the
 * scenario's `results/<scenario>/`) and the folders of `--json`/`--junit` copies can be
 * written: FL_ENVIRONMENT (exit 3) naming the folder otherwise.
 */
export async function checkResultsWritable(folders: { outDir?: string; scenario?: string; copies?: readonly string[]; cwd?: string }): Promise<void> {
  const cwd = folders.cwd ?? process.cwd();
  const dirs = [
    ...(folders.outDir !== undefined ? [resolve(cwd, folders.outDir)] : folders.scenario !== undefined ? [join(cwd, 'results', folders.scenario)] : []),
    ...(folders.copies ?? []).map((file) => dirname(resolve(cwd, file))),
  ];
  for (const dir of dirs) await savingResults(() => checkWritableDir(dir));
}

/** Runs `write`, turning a failed file write into FL_ENVIRONMENT (exit 3) that names the file. */
export async function savingResults<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof FileWriteError) throw new FaultlineError('FL_ENVIRONMENT', `results not saved: ${error.message}`, { cause: error });
    throw error;
  }
}
