import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { FaultlineError, InputError } from '../errors.ts';
import { IssueList, schemaIssues } from '../document/check.ts';
import { sourceFromText } from '../document/source.ts';

/**
 * Where the user's own scenarios are. faultline runs from the user's project, so a name is
 * looked for there first: `--scenarios DIR`, else the `scenarios` of `faultline.config.json`
 * in the working directory, else `./scenarios/`. The built-in catalog comes after (catalog.ts).
 */

export const configFileName = 'faultline.config.json';

/** The config file: small on purpose, and strict, so a typo is an error rather than ignored. */
export const projectConfigDocument = z
  .strictObject({
    $schema: z.string().optional(),
    scenarios: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "Folder of the project's scenarios and topologies, relative to this file; default 'scenarios'." }),
  })
  .meta({ title: 'faultline project config' });

export interface ProjectOptions {
  /** The project's folder; default the working directory. */
  cwd?: string | undefined;
  /** `--scenarios DIR` (relative to `cwd`): wins over the config file. */
  scenarios?: string | undefined;
}

export interface ProjectScenarios {
  dir: string;
  /** What chose it, for messages. */
  from: '--scenarios' | typeof configFileName | 'default';
}

/** The project's scenarios folder (it may not exist when it is the default). Throws FL_USAGE
 * for a `--scenarios` folder that does not exist, InputError for a bad config file. */
export function projectScenarios(options: ProjectOptions = {}): ProjectScenarios {
  const cwd = resolve(options.cwd ?? process.cwd());
  if (options.scenarios !== undefined) {
    const dir = resolve(cwd, options.scenarios);
    if (!isFolder(dir)) throw new FaultlineError('FL_USAGE', `--scenarios: no folder at ${dir}`);
    return { dir, from: '--scenarios' };
  }
  const configured = readProjectConfig(cwd);
  if (configured) return { dir: configured, from: configFileName };
  return { dir: join(cwd, 'scenarios'), from: 'default' };
}

/** The scenarios folder a config file in `cwd` names, or undefined without one. */
function readProjectConfig(cwd: string): string | undefined {
  const file = join(cwd, configFileName);
  if (!existsSync(file)) return undefined;
  // JSON is YAML: the YAML reader gives every issue a line and column.
  const source = sourceFromText(file, readFileSync(file, 'utf8'));
  if (source.issues.length > 0) throw new InputError(source.issues);
  const issues = new IssueList(source);
  issues.issues.push(...schemaIssues(projectConfigDocument, source));
  const parsed = projectConfigDocument.safeParse(source.data);
  if (!parsed.success || parsed.data.scenarios === undefined) {
    if (issues.issues.length > 0) throw new InputError(issues.sorted());
    return undefined;
  }
  const dir = resolve(cwd, parsed.data.scenarios);
  if (!isFolder(dir)) {
    issues.add(['scenarios'], `no folder at ${dir}`);
    throw new InputError(issues.sorted());
  }
  return dir;
}

function isFolder(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}
