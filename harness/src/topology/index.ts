/** Topologies: the built-in taxi app and user topology files. */
export { loadTopology, checkTopology } from './load.ts';
export { resolveTopology, builtinTopologies, topologyRef } from './resolve.ts';
export { taxiTopology, taxiAsyncTopology, taxiServiceNames } from './taxi.ts';
export { brokerOf, withExternalBroker } from './broker.ts';
export { parseLink, formatLink } from '../document/link.ts';
export { proxyName, calleeEnvName, linkEnds } from './model.ts';
export type * from './model.ts';
