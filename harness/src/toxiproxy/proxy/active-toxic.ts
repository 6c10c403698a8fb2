import type { Attributes, ToxicKind } from '../toxics/toxic.ts';

export type Direction = 'upstream' | 'downstream';

/** Connections (directions) a toxic was applied to; outlives the toxic for /metrics. */
export interface AppliedCounter {
  readonly proxy: string;
  readonly toxic: string;
  readonly type: string;
  readonly stream: string;
  count: number;
}

/** A toxic as it lives on a proxy: the API's view plus what the data path needs. */
export interface ActiveToxic {
  readonly name: string;
  readonly kind: ToxicKind;
  /** The stream exactly as sent (Toxiproxy echoes e.g. `UpStream`). */
  readonly stream: string;
  readonly direction: Direction;
  toxicity: number;
  attributes: Attributes;
  readonly appliedConnections: AppliedCounter;
}

/** The toxic object of the API: `attributes` first, every attribute of the type present. */
export function toxicJson(toxic: ActiveToxic): Record<string, unknown> {
  const attributes: Record<string, number> = {};
  for (const spec of toxic.kind.attributes) attributes[spec.name] = toxic.attributes[spec.name] ?? 0;
  return { attributes, name: toxic.name, type: toxic.kind.type, stream: toxic.stream, toxicity: toxic.toxicity };
}
