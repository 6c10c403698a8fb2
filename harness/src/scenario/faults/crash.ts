import type { z } from 'zod';
import { nameText } from '../../document/fields.ts';
import type { CrashFault } from '../model.ts';
import { faultObject } from './kind.ts';
import type { FaultKind } from './kind.ts';

const document = faultObject('crash', { service: nameText });

/** SIGKILL a managed service; with `for`, start it again after that long. */
export const crashFaultKind: FaultKind<z.infer<typeof document>, CrashFault> = {
  kind: 'crash',
  documents: [document],
  normalise: (doc, timing) => ({ kind: 'crash', ...timing, service: doc.service }),
  slot: (fault) => `a process fault on ${fault.service}`,
};
