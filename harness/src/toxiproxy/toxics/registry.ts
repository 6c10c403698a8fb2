import { bandwidthToxic } from './bandwidth.ts';
import { httpToxic } from './http.ts';
import { latencyToxic } from './latency.ts';
import { limitDataToxic } from './limit-data.ts';
import { noopToxic } from './noop.ts';
import { resetPeerToxic } from './reset-peer.ts';
import { slicerToxic } from './slicer.ts';
import { slowCloseToxic } from './slow-close.ts';
import { timeoutToxic } from './timeout.ts';
import type { ToxicKind } from './toxic.ts';

/** Every toxic type by its API name. Adding a toxic: one file plus one line here. */
const kinds: ReadonlyMap<string, ToxicKind> = new Map(
  ([latencyToxic, bandwidthToxic, slowCloseToxic, timeoutToxic, resetPeerToxic, slicerToxic, limitDataToxic, noopToxic, httpToxic] as ToxicKind[]).map(
    (kind) => [kind.type, kind],
  ),
);

export function toxicKind(type: string): ToxicKind | undefined {
  return kinds.get(type);
}

export function toxicTypes(): string[] {
  return [...kinds.keys()];
}

/** The toxics that are faultline's own, not Toxiproxy's (`GET /extensions` lists them). */
export function extensionToxics(): ToxicKind[] {
  return [...kinds.values()].filter((kind) => kind.extension !== undefined);
}
