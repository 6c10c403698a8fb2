import type { z } from 'zod';
import { nameText } from '../../document/fields.ts';
import { faultObject, type FaultBase, type FaultKind } from '../kind.ts';

/** SIGKILL a managed service; with `forMs`, start it again after that long. */
export interface CrashFault extends FaultBase {
  kind: 'crash';
  service: string;
}

const document = faultObject('crash', { service: nameText });

/** SIGKILL a managed service; when the fault ends (`for`), start it again on the same port. */
export const crashFault: FaultKind<z.infer<typeof document>, CrashFault> = {
  kind: 'crash',
  documents: [document],
  normalise: (doc, timing) => ({ kind: 'crash', ...timing, service: doc.service }),
  slot: (fault) => `a process fault on ${fault.service}`,
  describe: (fault) => `crash ${fault.service}`,
  target: (fault) => fault.service,
  detail: (fault) => `crash ${fault.service}`,
  async apply(fault, ctx) {
    await ctx.stopService(fault.service, 'kill');
  },
  async remove(fault, ctx) {
    if (!ctx.service(fault.service)) await ctx.relaunch(fault.service);
    return {};
  },
};
