import type { z } from 'zod';
import { linkText } from '../../document/fields.ts';
import { formatLink, parseLink, proxyName } from '../../document/link.ts';
import { faultObject, type FaultBase, type FaultKind } from '../kind.ts';

/** The link is down: the proxy is disabled (connections refused, open ones closed). */
export interface DownFault extends FaultBase {
  kind: 'down';
  caller: string;
  callee: string;
}

const document = faultObject('down', { link: linkText });

/** The link is down: its proxy is disabled, and enabled again when the fault ends. */
export const downFault: FaultKind<z.infer<typeof document>, DownFault> = {
  kind: 'down',
  documents: [document],
  normalise: (doc, timing) => ({ kind: 'down', ...timing, ...parseLink(doc.link)! }),
  slot: (fault) => `'down' on ${formatLink(fault)}`,
  describe: (fault) => `down ${fault.caller} -> ${fault.callee}`,
  target: (fault) => formatLink(fault),
  detail: (fault) => `down ${formatLink(fault)} (proxy ${proxyName(fault)})`,
  async apply(fault, ctx) {
    await ctx.proxies.setEnabled(proxyName(fault), false);
  },
  async remove(fault, ctx) {
    await ctx.proxies.setEnabled(proxyName(fault), true);
    return {};
  },
};
