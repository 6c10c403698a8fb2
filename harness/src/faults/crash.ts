import type { CrashFault, RestartFault } from '../scenario/model.ts';
import type { FaultDriver } from './driver.ts';

/** SIGKILL a managed service; when the fault ends (`for`), start it again on the same port. */
export const crashDriver: FaultDriver<CrashFault> = {
  kind: 'crash',
  describe: (fault) => `crash ${fault.service}`,
  async apply(fault, ctx) {
    await ctx.stopService(fault.service, 'kill');
  },
  async remove(fault, ctx) {
    if (!ctx.service(fault.service)) await ctx.relaunch(fault.service);
    return {};
  },
};

/** Graceful stop (SIGTERM, drain) and an immediate start on the same port. */
export const restartDriver: FaultDriver<RestartFault> = {
  kind: 'restart',
  describe: (fault) => `restart ${fault.service}`,
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
