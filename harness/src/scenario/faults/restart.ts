import { z } from 'zod';
import { nameText } from '../../document/fields.ts';
import type { RestartFault } from '../model.ts';
import { timingFields } from './kind.ts';
import type { FaultKind } from './kind.ts';

// No `for`: a restart is instantaneous (use `crash` with `for` to keep a service down).
const document = z.strictObject({ type: z.literal('restart'), service: nameText, id: timingFields.id, at: timingFields.at });

/** Stop a managed service gracefully and start it again at once. */
export const restartFaultKind: FaultKind<z.infer<typeof document>, RestartFault> = {
  kind: 'restart',
  documents: [document],
  normalise: (doc, timing) => ({ kind: 'restart', id: timing.id, atMs: timing.atMs, service: doc.service }),
  slot: (fault) => `a process fault on ${fault.service}`,
};
