// The plan of a signal-trials bench: which scenario, profile, Toxiproxy, signal and moment each
// trial uses, drawn from one seed so that a failing trial can be run again exactly. Pure.
import { seededRandom } from './random.ts';

/** The moments of a run a signal is aimed at, each found by a line of the run's console output. */
export const trialPhases = ['start-up', 'warm-up', 'mid-fault', 'recovery', 'teardown'] as const;
export type TrialPhase = (typeof trialPhases)[number];

/** Phases that exist only in a scenario with a fault. */
const needsFault: ReadonlySet<TrialPhase> = new Set(['mid-fault', 'recovery']);

/** The console line (CI mode) that opens each phase, and how long after it the signal may fall, ms
 * of wall time at time scale 1 (the bench scales the ranges that follow scenario time). */
export const phaseMarkers: Readonly<Record<TrialPhase, { line: RegExp; maxDelayMs: number; scaled: boolean }>> = {
  // Start-up: the embedded or external Toxiproxy reached, services starting (seconds of it).
  'start-up': { line: /^phase starting/m, maxDelayMs: 1500, scaled: false },
  // Warm-up is a few seconds of scenario time: aim inside its first half.
  'warm-up': { line: /^phase warming/m, maxDelayMs: 4000, scaled: true },
  // Faults of the catalog last 10–20 s: aim inside the first 2 s of one.
  'mid-fault': { line: /\bfault on\b/, maxDelayMs: 2000, scaled: true },
  // After a fault is removed the load runs on for 20 s: aim inside its first 2 s.
  recovery: { line: /\bfault off\b/, maxDelayMs: 2000, scaled: true },
  // Teardown (draining, cleanup, analysis) lasts a few hundred ms: aim right at its start.
  teardown: { line: /^phase draining/m, maxDelayMs: 100, scaled: false },
};

export type TrialSignal = 'SIGINT' | 'SIGTERM' | 'SIGKILL';

export interface ScenarioChoice {
  name: string;
  /** Whether it has a fault (mid-fault and recovery need one). */
  hasFaults: boolean;
}

export interface Trial {
  /** 1-based position in the plan. */
  index: number;
  scenario: string;
  profile: string;
  toxiproxy: 'embedded' | 'external';
  signal: TrialSignal;
  phase: TrialPhase;
  /** Wall time between the phase's console line and the signal, ms. */
  delayMs: number;
  /** SIGKILL only: the whole process group (a CI runner cancelling a job) or the CLI process
   * alone (the OOM killer) — its services must then notice their parent is gone. */
  killScope?: 'group' | 'cli';
}

export interface PlanOptions {
  seed: number;
  /** SIGINT/SIGTERM trials. */
  trials: number;
  /** SIGKILL + `faultline cleanup` trials, after the others. */
  killTrials: number;
  scenarios: readonly ScenarioChoice[];
  profiles: readonly string[];
  timeScale: number;
}

/**
 * The trials of one bench run. Phases go round in order (so N trials cover each phase N/5
 * times), signal and Toxiproxy go round their four combinations offset by phase (so every phase
 * meets both signals and both Toxiproxies, and so does a five-trial slice); scenario, profile and the moment within the phase
 * are drawn at random. SIGKILL trials aim mid-fault (when the journal holds the most) and
 * alternate the kill's scope and the Toxiproxy.
 */
export function planTrials(options: PlanOptions): Trial[] {
  const random = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const withFaults = options.scenarios.filter((s) => s.hasFaults);
  if (options.scenarios.length === 0 || options.profiles.length === 0) throw new Error('a trial plan needs scenarios and profiles');
  const delay = (phase: TrialPhase): number => {
    const marker = phaseMarkers[phase];
    return Math.round(random() * marker.maxDelayMs * (marker.scaled ? options.timeScale : 1));
  };
  const trials: Trial[] = [];
  for (let i = 0; i < options.trials; i++) {
    let phase = trialPhases[i % trialPhases.length]!;
    if (needsFault.has(phase) && withFaults.length === 0) phase = 'warm-up';
    const scenario = pick(needsFault.has(phase) ? withFaults : options.scenarios).name;
    // Round r of phase p takes combination (r + p) mod 4 of {SIGINT, SIGTERM} × {embedded,
    // external}: four rounds give every phase all four, and one round all four across phases.
    const combination = (Math.floor(i / trialPhases.length) + (i % trialPhases.length)) % 4;
    trials.push({
      index: trials.length + 1,
      scenario,
      profile: pick(options.profiles),
      toxiproxy: combination % 2 === 0 ? 'embedded' : 'external',
      signal: combination < 2 ? 'SIGINT' : 'SIGTERM',
      phase,
      delayMs: delay(phase),
    });
  }
  const killable = withFaults.length > 0 ? withFaults : options.scenarios;
  for (let k = 0; k < options.killTrials; k++) {
    const phase: TrialPhase = withFaults.length > 0 ? 'mid-fault' : 'warm-up';
    trials.push({
      index: trials.length + 1,
      scenario: pick(killable).name,
      profile: pick(options.profiles),
      toxiproxy: k % 2 === 0 ? 'external' : 'embedded',
      signal: 'SIGKILL',
      phase,
      delayMs: delay(phase),
      killScope: Math.floor(k / 2) % 2 === 0 ? 'group' : 'cli',
    });
  }
  return trials;
}
