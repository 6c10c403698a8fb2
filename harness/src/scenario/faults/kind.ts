import { z } from 'zod';
import { durationText, nameText } from '../../document/fields.ts';
import type { FaultSpec } from '../model.ts';

/** What every fault has, already converted: id (given or default), atMs and forMs. */
export interface FaultTiming {
  id: string;
  atMs: number;
  forMs?: number;
}

/** YAML fields every fault kind shares (a kind may leave `for` out, as `restart` does). */
export const timingFields = {
  id: nameText.optional().meta({ description: 'Unique id; default `<type>-<link or service>-<n>`.' }),
  at: durationText.meta({ description: 'When the fault starts, from the start of the load.' }),
  for: durationText.optional().meta({ description: 'How long it lasts; default until the end of the load.' }),
};

/**
 * One kind of scenario fault: its YAML form, its model form and what it occupies while active.
 * Adding a kind is one file in this folder plus one line in index.ts (and its driver in
 * harness/src/faults/).
 */
export interface FaultKind<D = never, F extends FaultSpec = FaultSpec> {
  /** The model's `kind` it produces. */
  kind: F['kind'];
  /** Strict object schemas of the YAML form, one per `type` value the kind answers to. */
  documents: readonly z.ZodObject[];
  /** The model form of a document that passed one of `documents`. */
  normalise(doc: D, timing: FaultTiming): F;
  /** What the fault holds while active; two faults active at once in one slot would collide
   * (Toxiproxy toxic names, the service's single fault hook). */
  slot(fault: F): string;
}

/** A strict object schema for one `type` value with the shared timing fields. */
export function faultObject<T extends string, S extends z.ZodRawShape>(type: T, shape: S) {
  return z.strictObject({ type: z.literal(type), ...shape, ...timingFields });
}
