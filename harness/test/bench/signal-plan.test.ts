import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../bench/random.ts';
import { planTrials, trialPhases, type PlanOptions, type Trial } from '../../bench/signal-plan.ts';

const options: PlanOptions = {
  seed: 42,
  trials: 50,
  killTrials: 4,
  scenarios: [
    { name: 'baseline', hasFaults: false },
    { name: 'dispatch-outage', hasFaults: true },
    { name: 'slow-network', hasFaults: true },
  ],
  profiles: ['resilient', 'naive'],
  timeScale: 0.25,
};

const count = (trials: Trial[], where: (t: Trial) => boolean) => trials.filter(where).length;

describe('the signal trial plan', () => {
  it('is the same for the same seed and differs for another', () => {
    expect(planTrials(options)).toEqual(planTrials(options));
    expect(planTrials({ ...options, seed: 43 })).not.toEqual(planTrials(options));
  });

  it('covers every phase equally, and each phase with both signals and both Toxiproxies', () => {
    const trials = planTrials(options).filter((t) => t.signal !== 'SIGKILL');
    expect(trials).toHaveLength(50);
    for (const phase of trialPhases) {
      const inPhase = trials.filter((t) => t.phase === phase);
      expect(inPhase).toHaveLength(10);
      for (const signal of ['SIGINT', 'SIGTERM'] as const)
        for (const where of ['embedded', 'external'] as const) {
          expect(
            count(inPhase, (t) => t.signal === signal && t.toxiproxy === where),
            `${phase} ${signal} ${where}`,
          ).toBeGreaterThan(0);
        }
    }
  });

  it('covers both signals and both Toxiproxies in a five-trial slice', () => {
    const trials = planTrials({ ...options, trials: 5, killTrials: 0 });
    expect(trials.map((t) => t.phase)).toEqual([...trialPhases]);
    expect(new Set(trials.map((t) => t.signal))).toEqual(new Set(['SIGINT', 'SIGTERM']));
    expect(new Set(trials.map((t) => t.toxiproxy))).toEqual(new Set(['embedded', 'external']));
  });

  it('aims at a fault only in scenarios that have one', () => {
    for (const trial of planTrials(options)) {
      if (trial.phase === 'mid-fault' || trial.phase === 'recovery') expect(trial.scenario).not.toBe('baseline');
    }
  });

  it('ends with SIGKILL trials mid-fault that alternate the kill scope and the Toxiproxy', () => {
    const kills = planTrials(options).slice(50);
    expect(kills.map((t) => t.signal)).toEqual(['SIGKILL', 'SIGKILL', 'SIGKILL', 'SIGKILL']);
    expect(kills.every((t) => t.phase === 'mid-fault')).toBe(true);
    expect(kills.map((t) => t.toxiproxy)).toEqual(['external', 'embedded', 'external', 'embedded']);
    expect(kills.map((t) => t.killScope)).toEqual(['group', 'group', 'cli', 'cli']);
    expect(kills.map((t) => t.index)).toEqual([51, 52, 53, 54]);
  });

  it('draws moments inside each phase window, scaled with the scenario time for phases in scenario time', () => {
    const trials = planTrials(options);
    for (const t of trials.filter((t) => t.phase === 'mid-fault')) expect(t.delayMs).toBeLessThanOrEqual(2000 * 0.25);
    for (const t of trials.filter((t) => t.phase === 'teardown')) expect(t.delayMs).toBeLessThanOrEqual(100);
    expect(new Set(trials.map((t) => t.delayMs)).size).toBeGreaterThan(20);
  });
});

describe('seededRandom', () => {
  it('gives numbers in [0, 1) spread over the whole range', () => {
    const random = seededRandom(7);
    const draws = Array.from({ length: 10_000 }, random);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    const low = draws.filter((d) => d < 0.5).length;
    expect(low / draws.length).toBeGreaterThan(0.45);
    expect(low / draws.length).toBeLessThan(0.55);
  });
});
