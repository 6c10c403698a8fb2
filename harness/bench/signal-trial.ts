// One signal trial: start `faultline run` (real CLI, own process group), wait for the planned
// phase, signal it, and check that it exited as promised and left nothing behind — no process,
// no listener, no proxy or toxic, no journal entry; SIGKILL trials then run `faultline cleanup`.
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCliProcess, type CliProcess } from './cli-process.ts';
import type { ExternalToxiproxy } from './external-toxiproxy.ts';
import { isListening, listenerHolders, listeningPorts, processesOfRun, type RunMarks } from './proc.ts';
import { phaseMarkers, type Trial } from './signal-plan.ts';

/** GitHub Actions' grace between SIGINT/SIGTERM and SIGKILL when a job is cancelled. */
export const exitBudgetMs = 7500;
/** What each signal's exit code must be (harness/src/cli/exit-code.ts). */
const expectedCode = { SIGINT: 130, SIGTERM: 143 } as const;
/** How long a run's processes and listeners may take to vanish after its exit: a service notices
 * a SIGKILLed parent when the pipe it watches closes, then stops like on SIGTERM. */
const settleMs = { graceful: 3000, killed: 10_000 };

export interface TrialOptions {
  timeScale: number;
  /** Needed by trials on the external Toxiproxy. */
  external?: ExternalToxiproxy | undefined;
  /** How long a phase's console line may take to appear, ms (start-up on a busy machine is slow). */
  phaseTimeoutMs?: number;
}

export interface TrialOutcome {
  trial: Trial;
  /** False when the run ended by itself before the signal was sent (a missed aim: nothing was
   * tested, and it is reported apart from passes and failures). */
  delivered: boolean;
  /** Signal to exit, ms (SIGKILL: until the process was reaped). */
  exitMs?: number;
  exit?: string;
  /** Everything wrong; empty = passed. */
  problems: string[];
  /** What was seen but is not the run's doing (a freed port taken by another process). */
  notes: string[];
  /** What the run had when it was signalled, so a pass says what was checked. */
  checked: { ports: number; processes: number; proxiesAdded: number };
  /** The end of the run's output (and cleanup's), for a failure report. */
  outputTail: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await check()) return true;
    await sleep(50);
  }
  return check();
}

function describeProcess(pid: number): string {
  try {
    return `${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim().slice(0, 120)}`;
  } catch {
    return `${pid}`;
  }
}

function tail(text: string, lines = 15): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Proxies on the external Toxiproxy that are not in its baseline (names only). */
async function proxiesAdded(external: ExternalToxiproxy): Promise<number> {
  const now = JSON.parse(await external.state()) as Record<string, unknown>;
  const before = JSON.parse(external.baseline) as Record<string, unknown>;
  return Object.keys(now).filter((name) => !(name in before)).length;
}

export async function runTrial(trial: Trial, options: TrialOptions): Promise<TrialOutcome> {
  const external = trial.toxiproxy === 'external' ? options.external : undefined;
  if (trial.toxiproxy === 'external' && !external) throw new Error(`trial ${trial.index} needs the external Toxiproxy`);
  const stateDir = await mkdtemp(join(tmpdir(), 'faultline-trial-state-'));
  const outDir = await mkdtemp(join(tmpdir(), 'faultline-trial-out-'));
  const tagName = 'FAULTLINE_SIGNAL_TRIAL';
  const tagValue = `${process.pid}-${trial.index}-${Math.random().toString(36).slice(2)}`;
  const args = ['run', trial.scenario, '--profile', trial.profile, '--time-scale', String(options.timeScale), '--out', outDir];
  if (external) args.push('--toxiproxy', external.url);
  const run: CliProcess = startCliProcess(args, { FAULTLINE_STATE_DIR: stateDir, [tagName]: tagValue });
  const marks: RunMarks = { rootPid: run.pid, pgid: run.pid, envTag: `${tagName}=${tagValue}` };
  const problems: string[] = [];
  const outcome: TrialOutcome = { trial, delivered: false, problems, notes: [], checked: { ports: 0, processes: 0, proxiesAdded: 0 }, outputTail: '' };
  let extraOutput = '';
  try {
    const marker = phaseMarkers[trial.phase];
    if (!(await run.waitForOutput(marker.line, options.phaseTimeoutMs ?? 120_000))) {
      problems.push(`the ${trial.phase} phase never came (no line matching ${String(marker.line)}); ${run.hasExited() ? 'the run exited' : 'timed out'}`);
      return outcome;
    }
    await sleep(trial.delayMs);
    // What must be gone afterwards, taken just before the signal.
    const pids = processesOfRun(marks);
    const ports = listeningPorts(pids);
    outcome.checked = { ports: ports.length, processes: pids.length, proxiesAdded: external ? await proxiesAdded(external) : 0 };
    if (run.hasExited()) return outcome;
    const sentAt = performance.now();
    if (trial.signal === 'SIGKILL' && trial.killScope === 'group') process.kill(-marks.pgid, 'SIGKILL');
    else run.child.kill(trial.signal);
    outcome.delivered = true;

    const exit = await Promise.race([run.exited, sleep(20_000).then(() => undefined)]);
    if (!exit) {
      problems.push('still running 20 s after the signal');
      return outcome;
    }
    outcome.exitMs = exit.atMs - sentAt;
    outcome.exit = exit.signal ?? String(exit.code);
    if (trial.signal === 'SIGKILL') {
      if (exit.signal !== 'SIGKILL') problems.push(`exit ${outcome.exit}, expected death by SIGKILL`);
    } else {
      if (exit.code !== expectedCode[trial.signal]) problems.push(`exit ${outcome.exit}, expected ${expectedCode[trial.signal]}`);
      if (outcome.exitMs >= exitBudgetMs) problems.push(`took ${(outcome.exitMs / 1000).toFixed(1)} s to exit (budget ${exitBudgetMs / 1000} s)`);
    }

    const settle = trial.signal === 'SIGKILL' ? settleMs.killed : settleMs.graceful;
    if (!(await waitUntil(() => processesOfRun(marks).length === 0, settle))) {
      problems.push(`processes left: ${processesOfRun(marks).map(describeProcess).join('; ')}`);
    }
    // A port the run listened on must be free now, or held by a process that is not the run's:
    // an ephemeral port freed by the run may be taken by anyone on a busy machine (noted, not a
    // failure). A holder of the run's, or one that cannot be told, is a leak — this catches a
    // process that escaped every mark above (own group, re-parented, environment cleared).
    for (const port of ports.filter(isListening)) {
      const holders = listenerHolders(port);
      const run = new Set(processesOfRun(marks));
      if (holders.length === 0 || holders.some((pid) => run.has(pid)))
        problems.push(`listener left on port ${port} (${holders.map(describeProcess).join('; ') || 'holder unknown'})`);
      else outcome.notes.push(`port ${port} reused by ${holders.map(describeProcess).join('; ')}`);
    }

    if (external) {
      if (trial.signal === 'SIGKILL') {
        // A SIGKILLed run cannot undo anything: what it journaled is for `faultline cleanup`.
        const cleanup = startCliProcess(['cleanup', '--toxiproxy', external.url], { FAULTLINE_STATE_DIR: stateDir });
        const { code } = await cleanup.exited;
        extraOutput = `\n$ faultline cleanup\n${cleanup.output()}`;
        if (code !== 0) problems.push(`faultline cleanup exited ${code}`);
        else if (outcome.checked.proxiesAdded > 0 && !/undone: run /.test(cleanup.output()))
          problems.push('faultline cleanup undid no run, yet the run had created proxies');
      }
      const state = await external.state();
      if (state !== external.baseline) problems.push(`the external Toxiproxy is not as before the run: ${state}`);
    }
    const journal = await readdir(stateDir);
    if (journal.length > 0) problems.push(`journal entries left: ${journal.join(', ')}`);
    return outcome;
  } finally {
    outcome.outputTail = tail(run.output() + extraOutput);
    // Whatever happened, nothing of this trial outlives it.
    if (!run.hasExited()) process.kill(-marks.pgid, 'SIGKILL');
    for (const pid of processesOfRun(marks)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    await rm(stateDir, { recursive: true, force: true });
    await rm(outDir, { recursive: true, force: true });
  }
}
