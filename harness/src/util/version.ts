import { readFileSync } from 'node:fs';
import { packagePath } from './package-files.ts';

let cached: string | undefined;

/** faultline's own version, from the root package.json. */
export function faultlineVersion(): string {
  cached ??= (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
  return cached;
}
