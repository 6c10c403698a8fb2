import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FaultlineError, InputError } from '../errors.ts';
import { successTable } from '../load/classify.ts';
import type { LoadEngine, LoadEngineOutcome, LoadEngineRun } from '../load/engine.ts';
import { ArrivalSchedule } from '../load/schedule.ts';
import type { K6Report, RequestSample } from '../model/recording.ts';
import { checkK6 } from './binary.ts';
import { LineFollower } from './follow.ts';
import { K6LiveSeconds } from './live.ts';
import { decodeK6Line } from './ndjson.ts';
import { sampleOfK6Request } from './samples.ts';
import { exportK6Script } from './script.ts';
import { parseK6SummaryText } from './summary.ts';

export interface K6EngineOptions {
  /** The k6 executable (see k6Binary). */
  bin: string;
  /** The user's k6 script; default: `faultline k6 export` of the plan. */
  script?: string | undefined;
  /** Lead between deciding t = 0 and t = 0: k6 must have started and initialised its VUs by
   * then. Default 3 s. */
  startLeadMs?: number | undefined;
}

// k6's exit codes (errext/exitcodes/codes.go) faultline tells apart.
const THRESHOLDS_FAILED = 99;
const EXTERNAL_ABORT = 105;
const SCRIPT_REJECTED = new Set([104 /* InvalidConfig */, 107 /* ScriptException */]);
/** How long k6 gets to stop after SIGINT (it writes its summary) before it is killed. */
const STOP_GRACE_MS = 10_000;
/** How far from t = 0 the first request may be sent before the run says it was misaligned. */
const ALIGNMENT_TOLERANCE_MS = 500;

/**
 * The k6 load engine: runs `k6 run` with the exported script (or the user's) against the target,
 * reads its `--out json` stream while it runs into the same samples the built-in generator
 * records, and k6's own thresholds from `--summary-export`. t = 0 is handed to k6 as an epoch
 * time (`-e FAULTLINE_START_EPOCH_MS`), which the exported script's setup() waits for: setup runs
 * once the VUs exist and before any scenario starts, so k6's load starts when the fault timeline
 * does (docs/k6.md, "t = 0").
 */
export function k6Engine(options: K6EngineOptions): LoadEngine {
  let version: string | undefined;
  // Checked once, however often asked (runScenario asks before its first event, the runner again).
  let checked: Promise<void> | undefined;
  const check = () =>
    (checked ??= (async () => {
      version = await checkK6(options.bin);
      if (options.script !== undefined) await inspectScript(options.bin, options.script);
    })());
  return {
    name: 'k6',
    startLeadMs: options.startLeadMs ?? 3000,
    check,
    async run(run) {
      await check();
      if (version === undefined) throw new FaultlineError('FL_K6_UNAVAILABLE', 'k6 was not checked');
      const dir = await mkdtemp(join(tmpdir(), 'faultline-k6-engine-'));
      try {
        return await runK6(options, version, dir, run);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

async function runK6(options: K6EngineOptions, version: string, dir: string, run: LoadEngineRun): Promise<LoadEngineOutcome> {
  const { plan } = run;
  const script = options.script === undefined ? join(dir, 'script.js') : resolve(options.script);
  if (options.script === undefined) await writeFile(script, exportK6Script(plan, { baseUrl: run.baseUrl }));
  const ndjson = join(dir, 'k6.ndjson');
  const summaryFile = join(dir, 'summary.json');
  const args = ['run', '--quiet', '--no-usage-report', '--out', `json=${ndjson}`, '--summary-export', summaryFile];
  args.push('-e', `BASE_URL=${run.baseUrl}`, '-e', `FAULTLINE_START_EPOCH_MS=${Math.round(run.originEpochMs)}`, script);

  const samples: RequestSample[] = [];
  const dropped: number[] = [];
  const problems: string[] = [];
  const success = successTable(plan.load.successStatuses);
  const live = run.onSecond && new K6LiveSeconds(plan.durationMs, run.onSecond);
  const follower = new LineFollower(ndjson, (line, lineNumber) => {
    if (problems.length > 0) return; // after a bad line, what follows is not trusted either
    try {
      const record = decodeK6Line(line, { file: 'k6 --out json', line: lineNumber });
      if (record.kind === 'request') {
        const sample = sampleOfK6Request(record.request, run.originEpochMs, (status) => success[status] === 1);
        samples.push(sample);
        live?.add(sample);
      } else if (record.kind === 'dropped') {
        const atMs = record.atEpochMs - run.originEpochMs;
        dropped.push(atMs);
        live?.dropped(atMs);
      }
    } catch (error) {
      problems.push(`k6's JSON output could not be read: ${error instanceof InputError ? error.message : String(error)}`);
    }
  });

  const child = spawn(options.bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-8192)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolveExit({ code, signal }));
  });
  // SIGINT is k6's own stop: it ends the test, writes its summary and exits 105; a k6 that does
  // not stop in time is killed.
  let killTimer: NodeJS.Timeout | undefined;
  const stop = () => {
    child.kill('SIGINT');
    killTimer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  };
  if (run.signal?.aborted) stop();
  run.signal?.addEventListener('abort', stop, { once: true });
  const ticker = live && setInterval(() => live.roll(run.now() - run.originMs), 250);
  follower.start();
  let exit: { code: number | null; signal: NodeJS.Signals | null };
  try {
    exit = await exited;
  } catch (error) {
    throw new FaultlineError('FL_K6_UNAVAILABLE', `cannot start k6 ('${options.bin}'): ${(error as Error).message}`, { cause: error });
  } finally {
    run.signal?.removeEventListener('abort', stop);
    clearTimeout(killTimer);
    clearInterval(ticker);
    await follower.finish();
  }
  const aborted = run.signal?.aborted === true;
  const message = lastError(stderr);
  if (exit.code !== null && SCRIPT_REJECTED.has(exit.code))
    throw new FaultlineError('FL_K6_SCRIPT', `k6 rejected the script ${options.script ?? '(exported)'} (exit ${exit.code}): ${message}`);
  if (!aborted && exit.code !== 0 && exit.code !== THRESHOLDS_FAILED)
    problems.push(`k6 exited with ${exit.code === null ? `signal ${exit.signal}` : `code ${exit.code}`}${message ? `: ${message}` : ''}`);
  live?.finish();
  if (!aborted) problems.push(...alignment(samples, run, options.script === undefined));
  const report: K6Report = {
    version,
    ...(exit.code === null ? {} : { exitCode: exit.code }),
    thresholds: await thresholdsOf(summaryFile, problems, aborted || exit.code === EXTERNAL_ABORT),
    script: options.script ?? 'exported',
    startEpochMs: Math.round(run.originEpochMs),
  };
  return { samples, dropped, aborted, problems, k6: report };
}

/**
 * `k6 inspect` of the user's script before anything starts: a script k6 rejects (exit 104/107)
 * stops the run with k6's message and exit 2, with nothing brought up.
 */
async function inspectScript(bin: string, script: string): Promise<void> {
  if (!existsSync(script)) throw new FaultlineError('FL_USAGE', `--k6-script ${script}: no such file`);
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolveRun, reject) => {
    execFile(bin, ['inspect', resolve(script)], { timeout: 60_000 }, (error, _stdout, stderrText) => {
      if (error && typeof error.code === 'string') reject(new FaultlineError('FL_K6_UNAVAILABLE', `cannot run k6 ('${bin}'): ${error.message}`));
      else resolveRun({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stderr: stderrText });
    });
  });
  if (code === 0) return;
  const why = lastError(stderr);
  if (code !== null && SCRIPT_REJECTED.has(code)) throw new FaultlineError('FL_K6_SCRIPT', `k6 rejected the script ${script} (exit ${code}): ${why}`);
  throw new FaultlineError('FL_K6_UNAVAILABLE', `'k6 inspect ${script}' failed (exit ${code ?? 'by a signal'}): ${why}`);
}

/** k6's last error line (logrus `msg="…"`, or the raw line), for a message that says why. */
function lastError(stderr: string): string {
  const lines = stderr.split('\n').filter((line) => line.trim() !== '');
  const errors = lines.filter((line) => /level=error|ERRO/.test(line));
  const line = (errors.at(-1) ?? lines.at(-1) ?? '').trim();
  const msg = /msg="((?:[^"\\]|\\.)*)"/.exec(line)?.[1];
  return msg === undefined ? line : (JSON.parse(`"${msg}"`) as string);
}

/**
 * The load must start at t = 0. For the exported script the first request goes out at the
 * schedule's first arrival; a user's script is only checked for starting before t = 0 (it does
 * not wait for FAULTLINE_START_EPOCH_MS). k6 times a request from its send, after any connect, so
 * a little lateness is normal.
 */
function alignment(samples: readonly RequestSample[], run: LoadEngineRun, exported: boolean): string[] {
  if (samples.length === 0) return [];
  const firstSentMs = Math.min(...samples.map((s) => s.sentMs));
  const plannedMs = new ArrivalSchedule(run.plan.load.stages).timeOfMs(0);
  if (firstSentMs < plannedMs - ALIGNMENT_TOLERANCE_MS)
    return [
      `k6 started its load ${Math.round(plannedMs - firstSentMs)} ms before t = 0: the script must wait for FAULTLINE_START_EPOCH_MS in setup() (docs/k6.md)`,
    ];
  if (exported && firstSentMs > plannedMs + ALIGNMENT_TOLERANCE_MS)
    return [
      `k6 started its load ${Math.round(firstSentMs - plannedMs)} ms after t = 0: it took longer to start than the lead it was given (FAULTLINE_K6_LEAD_MS)`,
    ];
  return [];
}

/** k6's threshold outcomes from its summary export; a missing or unreadable one is a problem
 * unless k6 was stopped (it may not have written it). */
async function thresholdsOf(file: string, problems: string[], stopped: boolean): Promise<K6Report['thresholds']> {
  if (!existsSync(file)) {
    if (!stopped) problems.push('k6 wrote no --summary-export file');
    return [];
  }
  try {
    const summary = parseK6SummaryText(await readFile(file, 'utf8'), 'k6 --summary-export');
    return summary.thresholds.map((t) => ({ threshold: `${t.metric}: ${t.expression}`, ok: t.ok }));
  } catch (error) {
    problems.push(`k6's summary could not be read: ${(error as Error).message}`);
    return [];
  }
}
