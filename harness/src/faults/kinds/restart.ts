import { z } from 'zod';
import { nameText } from '../../document/fields.ts';
import { timingFields, type FaultBase, type FaultKind } from '../kind.ts';

/** Stop a service gracefully (SIGTERM) and start it again at once. */
export interface RestartFault extends FaultBase {
  kind: 'restart';
  service: string;
}

// No `for`: a restart is instantaneous (use `crash` with `for` to keep a service down).
const document = z.strictObject({ type: z.literal('restart'), service: nameText, id: timingFields.id, at: timingFields.at });

/** Graceful stop (SIGTERM, drain) and an immediate start on the same port. */
export const restartFault: FaultKind<z.infer<typeof document>, RestartFault> = {
  kind: 'restart',
  documents: [document],
  normalise: (doc, timing) => ({ kind: 'restart', id: timing.id, atMs: timing.atMs, service: doc.service }),
  slot: (fault) => `a process fault on ${fault.service}`,
  describe: (fault) => `restart ${fault.service}`,
  target: (fault) => fault.service,
  detail: (fault) => `restart ${fault.service}`,
  async apply(fault, ctx) {
    await ctx.stopService(fault.service, 'graceful');
    await ctx.relaunch(fault.service);
  },
  async remove(fault, ctx) {
    // Nothing to undo once it is back; make sure it is, in case apply failed half-way.
    if (!ctx.service(fault.service)) await ctx.relaunch(fault.service);
    return {};
  },
};
