import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where faultline's own files are, whether it runs from a clone (TypeScript source under
 * harness/src, run through tsx) or from an installed package (compiled JavaScript under
 * dist/harness/src, plain Node). The two differ in depth and in extension; everything that
 * names one of the package's files (the built-in scenarios, the sample services, the worker
 * entry) asks here instead of counting `../`.
 */

/** Whether this code is the TypeScript source (a clone) rather than the compiled package. */
export const runsFromSource = import.meta.url.endsWith('.ts');

let root: string | undefined;

/** The folder holding faultline's package.json: the clone, or node_modules/faultline. */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!isFaultlinePackage(dir)) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`faultline's package.json not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return (root = dir);
}

function isFaultlinePackage(dir: string): boolean {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return false;
  return (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === 'faultline';
}

/** Absolute path of a file of the package, from its package-relative path. */
export function packagePath(relative: string): string {
  return join(packageRoot(), relative);
}

/**
 * Node arguments (after `node`) that run one of the package's TypeScript entry files, given by
 * its source path (`services/trip/main.ts`): through the tsx loader from a clone, the compiled
 * file under dist/ from an installed package.
 */
export function entryArgs(sourceFile: string): string[] {
  if (runsFromSource) return ['--import', import.meta.resolve('tsx'), packagePath(sourceFile)];
  return [packagePath(join('dist', sourceFile.replace(/\.ts$/, '.js')))];
}

/** The URL of a module beside `base` (an `import.meta.url`), named without extension: the
 * `.ts` file from source, the `.js` file when compiled. */
export function siblingModule(name: string, base: string): URL {
  return new URL(`./${name}${base.endsWith('.ts') ? '.ts' : '.js'}`, base);
}
