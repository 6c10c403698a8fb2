import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { FaultlineError } from '../errors.ts';
import { loadTopology } from './load.ts';
import type { Topology } from './model.ts';
import { taxiTopology } from './taxi.ts';

/** Names of the built-in topologies. */
export const builtinTopologies: Readonly<Record<string, () => Topology>> = { taxi: taxiTopology };

/** Absolute file of a topology reference, or the built-in name itself. */
export function topologyRef(ref: string, baseDir: string): string {
  return Object.hasOwn(builtinTopologies, ref) ? ref : resolve(baseDir, ref);
}

/**
 * A built-in topology by name (`taxi`) or a topology file (relative to `baseDir`).
 * Throws FL_USAGE for an unknown reference, InputError for an invalid file.
 */
export async function resolveTopology(ref: string, baseDir: string = process.cwd()): Promise<Topology> {
  const builtin = Object.hasOwn(builtinTopologies, ref) ? builtinTopologies[ref] : undefined;
  if (builtin) return builtin();
  const file = resolve(baseDir, ref);
  if (!existsSync(file)) {
    throw new FaultlineError('FL_USAGE', `unknown topology '${ref}': not a built-in (${Object.keys(builtinTopologies).join(', ')}) and no file at ${file}`);
  }
  return loadTopology(file);
}
