import { z } from 'zod';
import { durationText, nameText } from '../document/fields.ts';
import type { FaultContext, FaultEvidence } from './context.ts';

/** What every fault has in the model, already converted: id (given or default), atMs, forMs. */
export interface FaultTiming {
  /** Unique within the scenario; defaults to `<type>-<link or service>-<index>`. */
  id: string;
  atMs: number;
  /** How long the fault stays; `undefined` = until the end of the load (for `crash`: never
   * restarted). */
  forMs?: number;
}

/** The model form every kind extends: timing plus its `kind` tag. */
export interface FaultBase extends FaultTiming {
  kind: string;
}

/** YAML fields every fault kind shares (a kind may leave `for` out, as `restart` does). */
export const timingFields = {
  id: nameText.optional().meta({ description: 'Unique id; default `<type>-<link or service>-<n>`.' }),
  at: durationText.meta({ description: 'When the fault starts, from the start of the load.' }),
  for: durationText.optional().meta({ description: 'How long it lasts; default until the end of the load.' }),
};

/** A strict object schema for one `type` value with the shared timing fields. */
export function faultObject<T extends string, S extends z.ZodRawShape>(type: T, shape: S) {
  return z.strictObject({ type: z.literal(type), ...shape, ...timingFields });
}

/**
 * One kind of fault, whole: its YAML form, its model form, what it occupies while active, and
 * how the runner applies and removes it. Adding a kind is one file in kinds/ plus one line in
 * registry.ts; the scenario parser builds its discriminated union from the registry.
 */
export interface FaultKind<D = never, F extends FaultBase = FaultBase> {
  /** The model's `kind` it produces. */
  kind: F['kind'];
  /** Strict object schemas of the YAML form, one per `type` value the kind answers to. */
  documents: readonly z.ZodObject[];
  /** The model form of a document that passed one of `documents`. */
  normalise(doc: D, timing: FaultTiming): F;
  /** What the fault holds while active; two faults active at once in one slot would collide
   * (Toxiproxy toxic names, the service's single fault hook). */
  slot(fault: F): string;
  /** Human label, e.g. `latency trip -> passenger (downstream)`. */
  describe(fault: F): string;
  /** What it acts on: `caller -> callee` or the service's name. */
  target(fault: F): string;
  /** Every setting, for `faultline plan`, e.g. `latency trip -> dispatch (proxy trip_to_dispatch, downstream, latency=800 jitter=0)`. */
  detail(fault: F): string;
  apply(fault: F, ctx: FaultContext): Promise<void>;
  /** Removes the fault, returning whatever evidence it can gather. Must be safe to call after a
   * failed apply. */
  remove(fault: F, ctx: FaultContext): Promise<FaultEvidence>;
}
