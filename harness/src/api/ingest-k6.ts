import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { cpus } from 'node:os';
import { basename } from 'node:path';
import { FaultlineError } from '../errors.ts';
import { faultKindOf } from '../faults/index.ts';
import { admitScenario } from '../gate/index.ts';
import { mergeK6Outputs, type K6Output } from '../k6/merge.ts';
import { decodeK6Text } from '../k6/ndjson.ts';
import { successTable } from '../load/classify.ts';
import { combineReporters, type ResultFiles, type RunEvents } from '../model/events.ts';
import type { Recording } from '../model/recording.ts';
import type { RunResult } from '../model/result.ts';
import { resultFiles } from '../report/files.ts';
import { fileReporters } from '../report/reporters.ts';
import { newRunId } from '../run/run-scenario.ts';
import { analyse } from '../slo/analyse.ts';
import { faultlineVersion } from '../util/version.ts';
import { readRecording } from './analyse-saved.ts';
import { planScenario } from './run-scenario.ts';

export interface IngestK6Options {
  /** k6 `--out json` files, one per k6 instance. */
  files: readonly string[];
  /** A saved run folder whose recording the files join (its faults, scrapes and samples stay);
   * t = 0 is its k6 start unless `startEpochMs` says otherwise. */
  into?: string | undefined;
  /** Without `into`: the scenario the files ran (name or file); its SLOs judge them. */
  scenario?: string | undefined;
  profile?: string | undefined;
  timeScale?: number | undefined;
  topology?: string | undefined;
  /** t = 0 as epoch ms: the FAULTLINE_START_EPOCH_MS the instances were given. */
  startEpochMs?: number | undefined;
  /** Result folder; default: `into`; `false` writes nothing. */
  outDir?: string | false | undefined;
  reporters?: readonly RunEvents[];
}

export interface IngestK6Outcome {
  result: RunResult;
  recording: Recording;
  files?: ResultFiles;
}

async function readOutputs(files: readonly string[]): Promise<K6Output[]> {
  return Promise.all(
    files.map(async (file) => {
      let text: string;
      try {
        // k6 gzips its JSON output when the file name ends in .gz.
        const bytes = await readFile(file);
        text = (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
      } catch (error) {
        throw new FaultlineError('FL_USAGE', `cannot read k6 output ${file}: ${(error as Error).message}`, { cause: error });
      }
      return decodeK6Text(text, file);
    }),
  );
}

/**
 * Several k6 instances' JSON outputs judged as one run (docs/scale-out.md): merged by time into
 * one recording — the recording of the faultline run that drove the faults (`into`), or a new one
 * holding only the k6 load for `scenario` (no faults applied, no scrapes: its fault and
 * service-side SLOs cannot be judged) — then analysed once, like `faultline analyse`.
 */
export async function ingestK6(options: IngestK6Options): Promise<IngestK6Outcome> {
  if (options.files.length === 0) throw new FaultlineError('FL_USAGE', 'name at least one k6 JSON output file');
  const outputs = await readOutputs(options.files);
  const names = options.files.map((file) => basename(file)).join(', ');
  let recording: Recording;
  let scenarioRef: string;
  if (options.into !== undefined) {
    const base = await readRecording(options.into);
    const originEpochMs = options.startEpochMs ?? base.k6?.startEpochMs;
    if (originEpochMs === undefined)
      throw new FaultlineError('FL_USAGE', `the run in ${options.into} was not sent by k6, so its t = 0 is not known: give --start <epoch ms>`);
    const { scenario } = await admitScenario(base.scenarioFile, { profiles: [base.profile], ...(options.topology ? { topology: options.topology } : {}) });
    const merged = mergeK6Outputs(outputs, originEpochMs, successOf(scenario.load.successStatuses), base);
    const script = base.k6 ? `${base.k6.script} + ${names}` : names;
    recording = { ...base, ...merged, k6: { ...(base.k6 ?? { thresholds: [] }), script, startEpochMs: originEpochMs } };
    scenarioRef = base.scenarioFile;
  } else {
    if (options.scenario === undefined) throw new FaultlineError('FL_USAGE', 'give the scenario the k6 instances ran (--scenario), or a run to join (--into)');
    if (options.startEpochMs === undefined)
      throw new FaultlineError('FL_USAGE', 'give t = 0 of the k6 instances (--start <epoch ms>, their FAULTLINE_START_EPOCH_MS)');
    const plan = await planScenario({
      scenario: options.scenario,
      ...(options.profile ? { profile: options.profile } : {}),
      ...(options.timeScale !== undefined ? { timeScale: options.timeScale } : {}),
      ...(options.topology ? { topology: options.topology } : {}),
    });
    const merged = mergeK6Outputs(outputs, options.startEpochMs, successOf(plan.load.successStatuses));
    recording = {
      runId: newRunId(),
      scenario: plan.scenario.name,
      scenarioFile: plan.scenario.file,
      profile: plan.profile,
      seed: plan.seed,
      timeScale: plan.timeScale,
      status: 'completed',
      problems: [],
      startedAt: new Date(options.startEpochMs).toISOString(),
      durationMs: plan.durationMs,
      ...merged,
      scrapes: [],
      policyEvents: [],
      policyEventSources: [],
      // Nothing applied them: analysis says so (inconclusive) if the scenario has faults.
      faults: plan.faults.map((fault) => ({ id: fault.id, kind: fault.kind, target: faultKindOf(fault).target(fault) })),
      windows: plan.windows,
      environment: {
        faultlineVersion: faultlineVersion(),
        node: process.version,
        toxiproxy: 'none',
        platform: `${process.platform}-${process.arch}`,
        cpus: cpus().length,
      },
      k6: { thresholds: [], script: names, startEpochMs: options.startEpochMs },
    };
    scenarioRef = plan.scenario.file;
  }
  const { scenario } = await admitScenario(scenarioRef, { profiles: [recording.profile], ...(options.topology ? { topology: options.topology } : {}) });
  const outDir = options.outDir ?? options.into;
  const chosen = options.reporters ?? (outDir === undefined || outDir === false ? [] : fileReporters());
  const events = combineReporters(...chosen);
  const files: ResultFiles = outDir === undefined || outDir === false ? { dir: '' } : resultFiles(outDir);
  await events.onRecording?.(recording, files);
  const result = analyse(recording, scenario);
  await events.onResult?.(result, files);
  return { result, recording, ...(files.dir ? { files } : {}) };
}

function successOf(statuses: readonly number[] | undefined): (status: number) => boolean {
  const table = successTable(statuses);
  return (status) => table[status] === 1;
}
