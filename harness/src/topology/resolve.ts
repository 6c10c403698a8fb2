import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { FaultlineError } from '../errors.ts';
import { loadTopology } from './load.ts';
import type { Topology } from './model.ts';
import { taxiAsyncTopology, taxiTopology } from './taxi.ts';

/** Names of the built-in topologies. */
export const builtinTopologies: Readonly<Record<string, () => Topology>> = { taxi: taxiTopology, 'taxi-async': taxiAsyncTopology };

/** A file stands for its folder, so a scenario's own path works as the base. */
function folderOf(base: string): string {
  return existsSync(base) && statSync(base).isFile() ? dirname(base) : base;
}

/**
 * Absolute file of a topology reference, or the built-in name itself. A path is relative to
 * `baseDir` (the file that names it, or its folder); without an extension, `shop` there also
 * finds `shop.yaml` / `shop.yml`, so scenarios can name a topology beside them as they name scenarios.
 */
export function topologyRef(ref: string, baseDir: string): string {
  if (Object.hasOwn(builtinTopologies, ref)) return ref;
  const file = resolve(folderOf(baseDir), ref);
  if (existsSync(file) || /\.ya?ml$/.test(ref)) return file;
  return [`${file}.yaml`, `${file}.yml`].find((f) => existsSync(f)) ?? file;
}

/**
 * A built-in topology by name (`taxi`) or a topology file (relative to `baseDir`, a folder or
 * a file such as the scenario's own).
 * Throws FL_USAGE for an unknown reference, InputError for an invalid file.
 */
export async function resolveTopology(ref: string, baseDir: string = process.cwd()): Promise<Topology> {
  const builtin = Object.hasOwn(builtinTopologies, ref) ? builtinTopologies[ref] : undefined;
  if (builtin) return builtin();
  const file = topologyRef(ref, baseDir);
  if (!existsSync(file)) {
    throw new FaultlineError('FL_USAGE', `unknown topology '${ref}': not a built-in (${Object.keys(builtinTopologies).join(', ')}) and no file at ${file}`);
  }
  return loadTopology(file);
}
