import { z } from 'zod';
import { durationText, nameText, ratioValue } from '../../document/fields.ts';
import type { HttpFault } from '../model.ts';
import { parseDuration, parseRatio } from '../../document/units.ts';
import { faultObject } from './kind.ts';
import type { FaultKind } from './kind.ts';

const document = faultObject('http', {
  service: nameText,
  status: z.int().min(100).max(599).optional().meta({ description: 'Status to answer with; omit for a delay-only fault.' }),
  rate: ratioValue.optional().meta({ description: 'Share of requests affected; default 100%.' }),
  delay: durationText.optional().meta({ description: 'Added processing delay; default 0ms.' }),
});

/** Service-level HTTP fault through a faultline-aware service's admin hook. */
export const httpFaultKind: FaultKind<z.infer<typeof document>, HttpFault> = {
  kind: 'http',
  documents: [document],
  normalise: (doc, timing) => ({
    kind: 'http',
    ...timing,
    service: doc.service,
    status: doc.status ?? 0,
    rate: doc.rate === undefined ? 1 : parseRatio(doc.rate)!,
    delayMs: doc.delay === undefined ? 0 : parseDuration(doc.delay)!,
  }),
  slot: (fault) => `an http fault on ${fault.service}`,
};
