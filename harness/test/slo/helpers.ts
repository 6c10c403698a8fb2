import { analyse } from '../../src/slo/analyse.ts';
import type { Recording } from '../../src/model/recording.ts';
import type { SloSpec } from '../../src/scenario/model.ts';
import type { SloVerdict } from '../../src/model/result.ts';
import { scenario } from '../fixtures/builders.ts';

/** The verdict of one SLO on a recording, through the public entry point. */
export function verdictOf(recording: Recording, slo: SloSpec): SloVerdict {
  return analyse(recording, scenario([slo])).slos[0]!;
}
