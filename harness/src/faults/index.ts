/** Fault kinds: each one's YAML form, model form and driver in one file (kinds/), one registry. */
export { describeFault, faultKindOf, faultKinds, type FaultSpec } from './registry.ts';
export type { BrokerControl, FaultContext, FaultEvidence, ProxyControl, ToxicSpec } from './context.ts';
export type { FaultBase, FaultKind, FaultTiming } from './kind.ts';
export type { BrokerCrashFault } from './kinds/broker-crash.ts';
export type { CrashFault } from './kinds/crash.ts';
export type { DownFault } from './kinds/down.ts';
export type { HttpFault } from './kinds/http.ts';
export type { RestartFault } from './kinds/restart.ts';
export type { ToxicFault } from './kinds/toxic.ts';
export { isTimeAttribute, toxicAttributes, toxicTypes, type ToxicAttribute, type ToxicType } from './toxics.ts';
