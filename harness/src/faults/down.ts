import type { DownFault } from '../scenario/model.ts';
import { proxyName } from '../topology/model.ts';
import type { FaultContext, FaultDriver } from './driver.ts';

async function setEnabled(fault: DownFault, ctx: FaultContext, enabled: boolean): Promise<void> {
  const name = proxyName(fault);
  const current = ctx.proxy(name);
  await current.update({ enabled, listen: current.listen, upstream: current.upstream });
}

/** The link is down: the proxy is disabled (new connections refused, open ones closed). */
export const downDriver: FaultDriver<DownFault> = {
  kind: 'down',
  describe: (fault) => `down ${fault.caller} -> ${fault.callee}`,
  async apply(fault, ctx) {
    await ctx.journal.proxyDisabled(proxyName(fault));
    await setEnabled(fault, ctx, false);
  },
  async remove(fault, ctx) {
    await setEnabled(fault, ctx, true);
    await ctx.journal.proxyEnabled(proxyName(fault));
    return {};
  },
};
