import { profileNames } from '../../../services/lib/profile/builtin.ts';
import type { Topology } from '../topology/model.ts';

/** The policy profiles faultline-aware services accept (services/lib/profile). */
export const knownProfiles: readonly string[] = profileNames;

/**
 * Whether the profile matters on this topology: only faultline-aware services read it. On a
 * topology of the user's own services a profile is a label of the run, and any name goes.
 */
export function profilesApply(topology: Topology): boolean {
  return topology.services.some((service) => service.kind === 'managed' && service.faultlineAware);
}
