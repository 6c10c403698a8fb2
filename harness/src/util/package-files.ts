import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
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
 * Where `npm test` has just compiled the clone's source (`npm run build:compiled`), when it says
 * so: `FAULTLINE_COMPILED_DIR`, relative to the clone. A process started through tsx spends most
 * of a second more starting than the same code compiled, and the catalog alone starts services
 * hundreds of times; the harness itself still runs from source. Never set it by hand without
 * building first: the compiled copy does not follow edits.
 */
function compiledDir(): string | undefined {
  const dir = process.env['FAULTLINE_COMPILED_DIR'];
  if (!runsFromSource || !dir) return undefined;
  return isAbsolute(dir) ? dir : packagePath(dir);
}

/**
 * Node arguments (after `node`) that run one of the package's TypeScript entry files, given by
 * its source path (`services/trip/main.ts`): through the tsx loader from a clone (or the copy
 * `npm test` compiled, see compiledDir), the compiled file under dist/ from an installed package.
 */
export function entryArgs(sourceFile: string): string[] {
  const compiled = compiledDir();
  if (compiled) {
    const file = join(compiled, sourceFile.replace(/\.ts$/, '.js'));
    if (!existsSync(file)) throw new Error(`FAULTLINE_COMPILED_DIR is set but ${file} is missing: run \`npm run build:compiled\` first`);
    return [file];
  }
  if (runsFromSource) return ['--import', import.meta.resolve('tsx'), packagePath(sourceFile)];
  return [packagePath(join('dist', sourceFile.replace(/\.ts$/, '.js')))];
}

/** The URL of a module beside `base` (an `import.meta.url`), named without extension: the
 * `.ts` file from source, the `.js` file when compiled. */
export function siblingModule(name: string, base: string): URL {
  return new URL(`./${name}${base.endsWith('.ts') ? '.ts' : '.js'}`, base);
}
