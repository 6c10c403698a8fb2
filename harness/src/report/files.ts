import { join, resolve } from 'node:path';
import type { ResultFiles } from '../model/events.ts';

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
