import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { FaultlineError } from '../errors.ts';
import { packagePath } from '../util/package-files.ts';
import { field } from '../document/check.ts';
import { sourceFromText } from '../document/source.ts';
import { projectScenarios, type ProjectOptions } from './project.ts';

/** Folder of faultline's built-in scenarios (the taxi app's catalog): `<package>/scenarios`. */
export const builtinScenariosDir = resolve(packagePath('scenarios'));

export interface ScenarioSummary {
  name: string;
  description: string;
  file: string;
  /** From faultline's built-in catalog rather than the user's project. */
  builtin: boolean;
}

/** Where named scenarios are looked for: a folder, or the project's (see project.ts). */
export type CatalogOptions = ProjectOptions;

export interface CatalogDir {
  dir: string;
  builtin: boolean;
}

/**
 * The folders a name is looked for in, in order: the project's, then the built-in catalog. Run
 * from faultline's own clone the two are one folder, which counts as the project's.
 * A string is one folder alone (as in tests).
 */
export function catalogDirs(options: CatalogOptions | string = {}): CatalogDir[] {
  if (typeof options === 'string') return [{ dir: resolve(options), builtin: false }];
  const project = projectScenarios(options).dir;
  return project === builtinScenariosDir
    ? [{ dir: project, builtin: false }]
    : [
        { dir: project, builtin: false },
        { dir: builtinScenariosDir, builtin: true },
      ];
}

/** Scenario files in a folder: YAML files that are not topology files. */
function scenarioFiles(dir: string): string[] {
  const entries = existsSync(dir) ? readdirSync(dir) : [];
  return entries.filter((entry) => /\.ya?ml$/.test(entry)).map((entry) => join(dir, entry));
}

function summariesOf({ dir, builtin }: CatalogDir): ScenarioSummary[] {
  const summaries: ScenarioSummary[] = [];
  for (const file of scenarioFiles(dir)) {
    const source = sourceFromText(file, readFileSync(file, 'utf8'));
    if (field(source.data, 'services') !== undefined && field(source.data, 'load') === undefined) continue;
    const description = field(source.data, 'description');
    summaries.push({
      name: basename(file).replace(/\.ya?ml$/, ''),
      description: typeof description === 'string' ? description.split('\n')[0]! : '(invalid file: run `faultline validate` on it)',
      file,
      builtin,
    });
  }
  return summaries.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Named scenarios: the project's sorted by name, then the built-in ones its own do not shadow.
 * A file that does not parse is still listed (its description says so), so a typo does not
 * make a scenario vanish; topology files are left out.
 */
export function listScenarios(options: CatalogOptions | string = {}): ScenarioSummary[] {
  const seen = new Set<string>();
  const all: ScenarioSummary[] = [];
  for (const dir of catalogDirs(options)) {
    for (const summary of summariesOf(dir)) {
      if (seen.has(summary.name)) continue;
      seen.add(summary.name);
      all.push(summary);
    }
  }
  return all;
}

/**
 * The file a scenario reference means: an existing path is that file (relative to the working
 * directory); a name is `<name>.yaml` in the project's folder, else in the built-in catalog.
 * Throws FL_UNKNOWN_SCENARIO listing the known names.
 */
export function resolveScenarioRef(ref: string, options: CatalogOptions | string = {}): string {
  const cwd = typeof options === 'string' ? process.cwd() : resolve(options.cwd ?? process.cwd());
  const asPath = resolve(cwd, ref);
  if (existsSync(asPath) && statSync(asPath).isFile()) return asPath;
  const dirs = catalogDirs(options);
  if (/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(ref)) {
    for (const { dir } of dirs) {
      for (const extension of ['.yaml', '.yml']) {
        const file = join(dir, `${ref}${extension}`);
        if (existsSync(file)) return file;
      }
    }
  }
  const known = listScenarios(options).map((s) => s.name);
  // A path is looked for as a file only; a name as a file here and in the scenario folders.
  const looksLikePath = /[\\/]|\.ya?ml$/.test(ref);
  const folders = dirs.map((d) => d.dir).join(' nor in ');
  const where = looksLikePath ? `no scenario file at ${asPath}` : `no file at ${asPath}, and no ${ref}.yaml in ${folders}`;
  throw new FaultlineError('FL_UNKNOWN_SCENARIO', `unknown scenario '${ref}': ${where} (named scenarios: ${known.join(', ') || 'none'})`);
}
