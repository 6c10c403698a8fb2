import type { ToxicKind } from './toxic.ts';

/** `noop`: passes everything through (a registered type in Toxiproxy, so it can be created). */
export const noopToxic: ToxicKind = {
  type: 'noop',
  goStruct: 'NoopToxic',
  attributes: [],
  holdMs: () => 0,
};
