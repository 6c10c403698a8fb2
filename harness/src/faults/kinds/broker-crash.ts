import { z } from 'zod';
import { faultObject, type FaultBase, type FaultKind } from '../kind.ts';

/** The message broker goes down for the fault's `for` and comes back on the same port. */
export interface BrokerCrashFault extends FaultBase {
  kind: 'broker-crash';
  /** Whether sessions, subscriptions and queued messages survive the outage (a durable broker). */
  keepState: boolean;
}

const document = faultObject('broker-crash', {
  keepState: z.boolean().optional().meta({
    description:
      'Whether sessions, subscriptions and queued messages survive (a durable broker); default true. A broker started by command is stopped with SIGTERM (true) or SIGKILL (false): what survives is then its own persistence.',
  }),
});

const survives = (fault: BrokerCrashFault) => (fault.keepState ? 'state kept' : 'state lost');

/**
 * The topology's broker crashes and restarts: the embedded one closes its port and cuts every
 * connection (broker/embedded.ts); one started by `command` is stopped and relaunched on its port
 * like a crashed service. Without `for`, it stays down until the end of the load. A broker
 * faultline did not start cannot be crashed: the gate refuses the fault (gate/topology-rules.ts).
 */
export const brokerCrashFault: FaultKind<z.infer<typeof document>, BrokerCrashFault> = {
  kind: 'broker-crash',
  documents: [document],
  normalise: (doc, timing) => ({ kind: 'broker-crash', ...timing, keepState: doc.keepState ?? true }),
  // One broker per topology: two crashes of it at once would collide.
  slot: () => 'a broker crash',
  describe: (fault) => `broker crash (${survives(fault)})`,
  target: () => 'broker',
  detail: (fault) => `broker crash (down until the fault ends, then back on the same port; ${survives(fault)})`,
  async apply(fault, ctx) {
    await ctx.broker().crash(fault.keepState);
  },
  async remove(_fault, ctx) {
    // Safe after a failed apply: a broker that is up is left alone.
    await ctx.broker().restart();
    return {};
  },
};
