import type { FaultKind } from './kind.ts';
import { brokerCrashFault } from './kinds/broker-crash.ts';
import { crashFault } from './kinds/crash.ts';
import { downFault } from './kinds/down.ts';
import { httpFault } from './kinds/http.ts';
import { restartFault } from './kinds/restart.ts';
import { toxicFault } from './kinds/toxic.ts';

/** Every fault kind, in the order the scenario JSON Schema lists them. Adding a kind: one file
 * in kinds/ plus one line here. */
export const faultKinds = [downFault, toxicFault, crashFault, restartFault, httpFault, brokerCrashFault] as const;

/** The model form of a fault: one of the kinds' model types, told apart by `kind`. */
export type FaultSpec = (typeof faultKinds)[number] extends infer K ? (K extends { normalise(...args: never[]): infer F } ? F : never) : never;

const byKind: ReadonlyMap<string, FaultKind> = new Map(faultKinds.map((kind) => [kind.kind, kind as unknown as FaultKind]));

/** The kind of a model fault (its document, slot, label and driver). */
export function faultKindOf<F extends FaultSpec>(fault: F): FaultKind<never, F> {
  return byKind.get(fault.kind) as unknown as FaultKind<never, F>;
}

export function describeFault(fault: FaultSpec): string {
  return faultKindOf(fault).describe(fault);
}
