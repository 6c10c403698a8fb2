import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { builtinProfiles, isProfileName, profileNames } from './builtin.ts';
import { profileSchema, type Profile, type ProfileFile } from './schema.ts';

/** A profile could not be chosen or read. Each line starts with `file:line:column field:`. */
export class ProfileError extends Error {
  constructor(where: string, message: string) {
    super(`${where}: ${message}`);
    this.name = 'ProfileError';
  }
}

/** A built-in profile by name. */
export function builtinProfile(name: string): Profile {
  if (!isProfileName(name)) throw new ProfileError('FAULTLINE_PROFILE', `unknown profile '${name}', expected one of ${profileNames.join(', ')}`);
  return builtinProfiles[name];
}

/**
 * Reads and validates a profile file (JSON or YAML; JSON is YAML). Reports every issue, each
 * located at its line and column, then merges the file over the profile it extends.
 */
export function loadProfileFile(file: string): Profile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ProfileError(file, `cannot read profile file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const pos = lineCounter.linePos(first.pos[0]);
    throw new ProfileError(`${file}:${pos.line}:${pos.col}`, `not valid YAML/JSON: ${first.message.split('\n')[0]}`);
  }
  const parsed = profileSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const path = issue.path.map(String);
      // A missing field has no node: point at the nearest enclosing one instead.
      let node: { range?: [number, number, number] } | undefined;
      for (let depth = path.length; depth >= 0 && !node?.range; depth--) node = doc.getIn(path.slice(0, depth), true) as typeof node;
      const pos = node?.range ? lineCounter.linePos(node.range[0]) : { line: 1, col: 1 };
      return `${file}:${pos.line}:${pos.col} ${path.join('.') || '(document)'}: ${issue.message}`;
    });
    throw new ProfileError(`invalid profile file ${file}`, `\n  ${lines.join('\n  ')}`);
  }
  return resolveProfileFile(parsed.data);
}

/** Merges a validated file over its base: per dependency, per policy; `null` switches one off. */
export function resolveProfileFile(file: ProfileFile): Profile {
  const base = file.extends ? builtinProfiles[file.extends] : builtinProfiles.naive;
  const dependencies: Record<string, Profile['dependencies'][string]> = { ...base.dependencies };
  for (const [name, overrides] of Object.entries(file.dependencies ?? {})) {
    dependencies[name] = { ...(base.dependencies[name] ?? base.dependencies['default'] ?? {}), ...overrides };
  }
  return {
    name: file.name,
    idempotencyKeys: file.idempotencyKeys ?? base.idempotencyKeys,
    propagateDeadline: file.propagateDeadline ?? base.propagateDeadline,
    requestBudgetMs: file.requestBudgetMs === undefined ? base.requestBudgetMs : file.requestBudgetMs,
    deadlineReserveMs: file.deadlineReserveMs ?? base.deadlineReserveMs,
    dependencies,
    // zod's partial() types absent fields as undefined; only fields present override.
    messaging: { ...base.messaging, ...Object.fromEntries(Object.entries(file.messaging ?? {}).filter(([, value]) => value !== undefined)) },
  };
}

/** The profile the environment asks for: `FAULTLINE_PROFILE_FILE` wins over `FAULTLINE_PROFILE`. */
export function profileFromEnv(env: NodeJS.ProcessEnv): Profile {
  const file = env['FAULTLINE_PROFILE_FILE'];
  if (file) return loadProfileFile(file);
  return builtinProfile(env['FAULTLINE_PROFILE'] || 'resilient');
}
