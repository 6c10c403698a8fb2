import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { repoPath } from '../../src/util/tsx.ts';

/** The compose stack's files, parsed once per test file. */

export function readRepoFile(relative: string): string {
  return readFileSync(repoPath(relative), 'utf8');
}

export function readYaml<T = unknown>(relative: string): T {
  // merge: docker-compose.yml shares the image definition through a `<<:` merge key.
  return parse(readRepoFile(relative), { merge: true }) as T;
}

export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  profiles?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test: string[] };
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
}

export interface ToxiproxyProxyConfig {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
}

/** `${VAR:-default}` and `${VAR:+value}` as compose interpolates them with the variables in
 * `env` (set and non-empty: its value, resp. `value`; otherwise `default`, resp. nothing). */
export function interpolated(value: string, env: Record<string, string> = {}): string {
  return value.replace(/\$\{([A-Z0-9_]+):([-+])([^}]*)\}/g, (_all, name: string, operator: string, word: string) => {
    const set = Boolean(env[name]);
    if (operator === '-') return set ? env[name]! : word;
    return set ? word : '';
  });
}

/** The file as compose reads it with no variable set: `${VAR:-default}` → `default`. */
export function withDefaults(value: string): string {
  return interpolated(value);
}

export function compose(): ComposeFile {
  return readYaml<ComposeFile>('docker-compose.yml');
}

export function toxiproxyConfig(): ToxiproxyProxyConfig[] {
  return JSON.parse(readRepoFile('dashboards/toxiproxy.json')) as ToxiproxyProxyConfig[];
}

/** Compose services that run one of the sample services, with the port they listen on. */
export function sampleServices(file: ComposeFile): { name: string; port: number; env: Record<string, string> }[] {
  return Object.entries(file.services)
    .filter(([, s]) => s.command?.some((arg) => /^dist\/services\/[a-z-]+\/main\.js$/.test(arg)))
    .map(([name, s]) => ({ name, port: Number(s.environment?.['PORT']), env: s.environment ?? {} }));
}

export function portOf(hostPort: string): number {
  return Number(hostPort.slice(hostPort.lastIndexOf(':') + 1));
}
