import { fileURLToPath } from 'node:url';

/**
 * Node arguments that let a child process run a TypeScript entry file: the tsx loader,
 * resolved to an absolute URL so the child's working directory does not matter.
 */
export function tsNodeArgs(entryFile: string): string[] {
  return ['--import', import.meta.resolve('tsx'), entryFile];
}

/** Absolute path of a file of this repository, from its repo-relative path. */
export function repoPath(relative: string): string {
  return fileURLToPath(new URL(`../../../${relative}`, import.meta.url));
}
