import { existsSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { FaultlineError } from '../errors.ts';
import { repoPath } from '../util/tsx.ts';
import { field } from './check.ts';
import { readYamlSource } from './source.ts';

/** Folder of the named scenarios: `<repo>/scenarios`. */
export const scenariosDir = resolve(repoPath('scenarios'));

export interface ScenarioSummary {
  name: string;
  description: string;
  file: string;
}

/** Scenario files in a folder: YAML files that are not topology files. */
async function scenarioFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  return entries.filter((entry) => /\.ya?ml$/.test(entry)).map((entry) => join(dir, entry));
}

/**
 * Named scenarios, sorted by name. A file that does not parse is still listed (its description
 * says so), so a typo does not make a scenario vanish; topology files are left out.
 */
export async function listScenarios(dir: string = scenariosDir): Promise<ScenarioSummary[]> {
  const summaries: ScenarioSummary[] = [];
  for (const file of await scenarioFiles(dir)) {
    const source = await readYamlSource(file);
    if (field(source.data, 'services') !== undefined && field(source.data, 'load') === undefined) continue;
    const description = field(source.data, 'description');
    summaries.push({
      name: basename(file).replace(/\.ya?ml$/, ''),
      description: typeof description === 'string' ? description.split('\n')[0]! : '(invalid file: run `faultline validate` on it)',
      file,
    });
  }
  return summaries.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The file a scenario reference means: an existing path is that file; a name is
 * `<scenarios>/<name>.yaml`. Throws FL_UNKNOWN_SCENARIO listing the known names.
 */
export async function resolveScenarioRef(ref: string, dir: string = scenariosDir): Promise<string> {
  if (existsSync(ref) && statSync(ref).isFile()) return resolve(ref);
  for (const extension of ['.yaml', '.yml']) {
    const file = join(dir, `${ref}${extension}`);
    if (/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(ref) && existsSync(file)) return file;
  }
  const known = (await listScenarios(dir)).map((s) => s.name);
  throw new FaultlineError('FL_UNKNOWN_SCENARIO', `unknown scenario '${ref}': no such file, and no scenario of that name (known: ${known.join(', ') || 'none'})`);
}
