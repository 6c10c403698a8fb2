import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { writeHtml, writeJunit, writeResultJson } from './index.ts';
import type { RunResult } from '../model/result.ts';

export interface OutputFiles {
  dir: string;
  json: string;
  junit: string;
  html: string;
}

/** `results/<scenario>/<timestamp>-<profile>/` under `cwd`. */
export function defaultOutDir(result: RunResult, cwd = process.cwd()): string {
  const stamp = result.startedAt.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
  return join(cwd, 'results', result.scenario.name, `${stamp}-${result.profile}`);
}

/**
 * Writes one result folder: result.json (one result) or result-<profile>.json each (a
 * comparison), junit.xml and a self-contained report.html.
 */
export async function writeResultFolder(results: readonly RunResult[], outDir?: string): Promise<OutputFiles> {
  const first = results[0]!;
  const dir = resolve(outDir ?? defaultOutDir(first));
  await mkdir(dir, { recursive: true });
  const files: OutputFiles = { dir, json: join(dir, 'result.json'), junit: join(dir, 'junit.xml'), html: join(dir, 'report.html') };
  if (results.length === 1) {
    await writeResultJson(first, files.json);
  } else {
    for (const result of results) await writeResultJson(result, join(dir, `result-${result.profile}.json`));
    await writeJsonArray(results, files.json);
  }
  await writeJunit([...results], files.junit);
  await writeHtml([...results], files.html);
  return files;
}

async function writeJsonArray(results: readonly RunResult[], file: string): Promise<void> {
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
}

/** The CI copies asked for with --json / --junit, covering every scenario of the invocation. */
export async function writeAggregates(results: readonly RunResult[], options: { json?: string; junit?: string }): Promise<void> {
  if (options.json) {
    const file = resolve(options.json);
    await mkdir(dirname(file), { recursive: true });
    if (results.length === 1) await writeResultJson(results[0]!, file);
    else await writeJsonArray(results, file);
  }
  if (options.junit) {
    const file = resolve(options.junit);
    await mkdir(dirname(file), { recursive: true });
    await writeJunit([...results], file);
  }
}
