import { packagePath } from './package-files.ts';

/**
 * Node arguments that let a child process run a TypeScript entry file: the tsx loader,
 * resolved to an absolute URL so the child's working directory does not matter. Only from a
 * clone (tsx is a devDependency); the package's own entries go through `entryArgs`.
 */
export function tsNodeArgs(entryFile: string): string[] {
  return ['--import', import.meta.resolve('tsx'), entryFile];
}

/** Absolute path of a file of this repository, from its repo-relative path. */
export function repoPath(relative: string): string {
  return packagePath(relative);
}
