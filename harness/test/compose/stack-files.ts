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

/** `${VAR:-default}` → `default`, as compose interpolates with VAR unset. */
export function withDefaults(value: string): string {
  return value.replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1');
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
