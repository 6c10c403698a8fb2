import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** faultline's own version, from the root package.json. */
export function faultlineVersion(): string {
  cached ??= (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return cached;
}
