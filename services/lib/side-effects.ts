import { forgetOldest, rememberedTrips } from './bounded.ts';
import type { ServiceMetrics } from './metrics.ts';

/**
 * Counts side effects per subject, so a scenario can prove "no duplicate work": performing an
 * effect again for a subject already affected (a second driver for one trip) is a duplicate.
 * Only the last `maxSubjects` subjects of each effect are remembered (a duplicate comes within
 * seconds, a retry's time), so a long-running service does not grow without bound.
 */
export class SideEffectLedger {
  private readonly seen = new Map<string, Set<string>>();
  constructor(
    private readonly metrics: ServiceMetrics,
    private readonly maxSubjects = rememberedTrips,
  ) {}

  /** Knows of an effect done before a restart (replayed from the journal), without counting it again. */
  remember(effect: string, subject: string): void {
    let subjects = this.seen.get(effect);
    if (!subjects) this.seen.set(effect, (subjects = new Set()));
    subjects.add(subject);
    forgetOldest(subjects, this.maxSubjects);
  }

  /** Records one effect on `subject`; returns true when it is a duplicate. */
  record(effect: string, subject: string): boolean {
    let subjects = this.seen.get(effect);
    if (!subjects) this.seen.set(effect, (subjects = new Set()));
    const duplicate = subjects.has(subject);
    subjects.add(subject);
    forgetOldest(subjects, this.maxSubjects);
    this.metrics.sideEffects.inc({ effect });
    if (duplicate) this.metrics.sideEffectDuplicates.inc({ effect });
    return duplicate;
  }
}
