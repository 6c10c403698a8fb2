import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { FaultlineError } from '../errors.ts';
import { admitScenario } from '../gate/index.ts';
import { combineReporters, type ResultFiles, type RunEvents } from '../model/events.ts';
import type { Recording } from '../model/recording.ts';
import { decodeRecording } from '../model/recording-file.ts';
import type { RunResult } from '../model/result.ts';
import { resultFiles } from '../report/files.ts';
import { fileReporters } from '../report/reporters.ts';
import { analyse } from '../slo/analyse.ts';

export interface AnalyseSavedOptions {
  /** A result folder holding recording.json (written by `faultline run`). */
  dir: string;
  /** Scenario file to judge with, e.g. a copy with a tightened SLO; default: the file the run
   * was planned from. It passes the validation gate like any scenario. */
  scenario?: string;
  /** Topology to check the scenario against (when the run used `--topology`). */
  topology?: string;
  /** Where the outputs go; default: `dir` itself; `false` writes nothing. */
  outDir?: string | false;
  /** Reporters; default: the file reporters (with a folder to write to). */
  reporters?: readonly RunEvents[];
  /** One more reporter after `reporters` (e.g. the console). */
  events?: RunEvents;
}

export interface AnalyseSavedOutcome {
  result: RunResult;
  recording: Recording;
  files?: ResultFiles;
}

/** The recording saved in a result folder. Compare folders hold one per profile subfolder. */
export async function readRecording(dir: string): Promise<Recording> {
  const folder = resolve(dir);
  const file = join(folder, 'recording.json');
  if (!existsSync(file)) {
    const inside = existsSync(folder)
      ? readdirSync(folder, { withFileTypes: true }).filter((e) => e.isDirectory() && existsSync(join(folder, e.name, 'recording.json')))
      : [];
    const hint =
      inside.length > 0
        ? `; its subfolders have one: ${inside.map((e) => join(folder, e.name)).join(', ')}`
        : '; give the folder of a run (results/<scenario>/<timestamp>-<profile>/)';
    throw new FaultlineError('FL_USAGE', `no recording.json in ${folder}${hint}`);
  }
  return decodeRecording(await readFile(file, 'utf8'), file);
}

/**
 * Judges a saved run again — nothing runs: reads its recording, admits the scenario (the
 * recorded one, or `scenario`) through the gate, analyses, and hands both to the reporters,
 * which write the same outputs as the run did. Analysis is pure, so the same recording and
 * scenario give exactly the run's verdict; an edited SLO gives the verdict it now deserves.
 */
export async function analyseSaved(options: AnalyseSavedOptions): Promise<AnalyseSavedOutcome> {
  const recording = await readRecording(options.dir);
  const scenarioFile = options.scenario ?? recording.scenarioFile;
  const { scenario } = await admitScenario(scenarioFile, {
    ...(options.topology !== undefined ? { topology: options.topology } : {}),
    profiles: [recording.profile],
  });
  const chosen = options.reporters ?? (options.outDir === false ? [] : fileReporters());
  const events = combineReporters(...chosen, ...(options.events ? [options.events] : []));
  const files: ResultFiles = options.outDir === false ? { dir: '' } : resultFiles(options.outDir ?? options.dir);
  await events.onRecording?.(recording, files);
  const result = analyse(recording, scenario);
  await events.onResult?.(result, files);
  return { result, recording, ...(files.dir ? { files } : {}) };
}
