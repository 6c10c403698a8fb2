import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { FaultlineError } from '../errors.ts';
import { repoPath } from '../util/tsx.ts';
import { field } from '../document/check.ts';
import { sourceFromText } from '../document/source.ts';

/** Folder of the named scenarios: `<repo>/scenarios`. */
export const scenariosDir = resolve(repoPath('scenarios'));

export interface ScenarioSummary {
  name: string;
  description: string;
  file: string;
}

/** Scenario files in a folder: YAML files that are not topology files. */
function scenarioFiles(dir: string): string[] {
  const entries = existsSync(dir) ? readdirSync(dir) : [];
  return entries.filter((entry) => /\.ya?ml$/.test(entry)).map((entry) => join(dir, entry));
}

/**
 * Named scenarios, sorted by name. A file that does not parse is still listed (its description
 * says so), so a typo does not make a scenario vanish; topology files are left out.
 */
export function listScenarios(dir: string = scenariosDir): ScenarioSummary[] {
  const summaries: ScenarioSummary[] = [];
  for (const file of scenarioFiles(dir)) {
    const source = sourceFromText(file, readFileSync(file, 'utf8'));
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
export function resolveScenarioRef(ref: string, dir: string = scenariosDir): string {
  if (existsSync(ref) && statSync(ref).isFile()) return resolve(ref);
  for (const extension of ['.yaml', '.yml']) {
    const file = join(dir, `${ref}${extension}`);
    if (/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(ref) && existsSync(file)) return file;
  }
  const known = listScenarios(dir).map((s) => s.name);
  // A path is looked for as a file only; a name as a file here and in the scenarios folder.
  const looksLikePath = /[\\/]|\.ya?ml$/.test(ref);
  const where = looksLikePath ? `no scenario file at ${resolve(ref)}` : `no file at ${resolve(ref)}, and no ${ref}.yaml in ${dir}`;
  throw new FaultlineError('FL_UNKNOWN_SCENARIO', `unknown scenario '${ref}': ${where} (named scenarios: ${known.join(', ') || 'none'})`);
}
