import { parsePrometheusText } from '../metrics/parse.ts';
import type { ToxicFault } from '../scenario/model.ts';
import { proxyName } from '../topology/model.ts';
import type { FaultContext, FaultDriver } from './driver.ts';

function toxicName(fault: ToxicFault, ctx: FaultContext): string {
  return `${ctx.toxicPrefix}${fault.id}`;
}

/**
 * Connections the toxic was applied to, from the embedded server's per-toxic counter. A real
 * Toxiproxy has no such series (or no /metrics at all): then the evidence stays unknown and
 * analysis falls back to the callers' attempt counters.
 */
async function appliedConnections(ctx: FaultContext, proxy: string, toxic: string): Promise<number | undefined> {
  try {
    const text = await ctx.toxiproxy.getApi().getText(`${ctx.toxiproxy.host}/metrics`);
    const sample = parsePrometheusText(text).find(
      (s) => s.name === 'toxiproxy_toxic_applied_connections_total' && s.labels.proxy === proxy && s.labels.toxic === toxic,
    );
    return sample?.value;
  } catch {
    return undefined;
  }
}

/** A Toxiproxy toxic on one link, added at `at`, removed at `at + for`. */
export const toxicDriver: FaultDriver<ToxicFault> = {
  kind: 'toxic',
  describe: (fault) => `${fault.toxic} ${fault.caller} -> ${fault.callee} (${fault.stream}${fault.toxicity < 1 ? `, toxicity ${fault.toxicity}` : ''})`,
  async apply(fault, ctx) {
    const proxy = proxyName(fault);
    const name = toxicName(fault, ctx);
    // Journal first: if we die between the two, cleanup tries a removal that finds nothing.
    await ctx.journal.toxicAdded(proxy, name);
    await ctx.proxy(proxy).addToxic({
      name,
      type: fault.toxic,
      stream: fault.stream,
      toxicity: fault.toxicity,
      attributes: { ...fault.attributes },
    });
  },
  async remove(fault, ctx) {
    const proxy = proxyName(fault);
    const name = toxicName(fault, ctx);
    const connectionsAffected = await appliedConnections(ctx, proxy, name);
    try {
      const toxic = await ctx.proxy(proxy).getToxic(name);
      await toxic.remove();
    } catch (error) {
      // Already gone (a failed apply, or removed by hand) is fine; anything else is not.
      if (!String(error).includes('404')) throw error;
    }
    await ctx.journal.toxicRemoved(proxy, name);
    return connectionsAffected === undefined ? {} : { connectionsAffected };
  },
};
