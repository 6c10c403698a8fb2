import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listScenarios } from '../../src/scenario/index.ts';
import { calleeEnvName, linkEnds, loadTopology, proxyName, taxiAsyncTopology, taxiTopology } from '../../src/topology/index.ts';
import { calleeEnv } from '../../src/topology/model.ts';
import { repoPath } from '../../src/util/tsx.ts';
import { compose, interpolated, portOf, readRepoFile, readYaml, sampleServices, toxiproxyConfig, withDefaults } from './stack-files.ts';

const file = compose();
const proxies = toxiproxyConfig();
const services = sampleServices(file);
const taxi = taxiTopology();
/** The links of taxi-async that touch the broker: the ones compose wires with FAULTLINE_MESSAGING. */
const brokerLinks = taxiAsyncTopology().edges.filter((e) => e.caller === 'broker' || e.callee === 'broker');
/** What compose reads with the asynchronous half switched on. */
const messagingOn = { FAULTLINE_MESSAGING: '1' };
/** The broker's listener port from its mounted config (`listener <port>`). */
const brokerConfig = readRepoFile('dashboards/mosquitto/mosquitto.conf');
const brokerPort = Number(/^listener (\d+)\s*$/m.exec(brokerConfig)?.[1]);

describe('docker-compose.yml', () => {
  it('runs every sample service of services/ from the shared image, each on its own fixed port', () => {
    const onDisk = readdirSync(repoPath('services'), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(repoPath(`services/${d.name}/main.ts`)))
      .map((d) => d.name);
    expect(services.map((s) => s.name).sort()).toEqual(onDisk.sort());
    for (const s of services) {
      expect(file.services[s.name]!.image, s.name).toBe('faultline:local');
      // The image is compiled (Dockerfile): each service runs its built entry with plain Node.
      expect(file.services[s.name]!.command, s.name).toEqual(['node', `dist/services/${s.name}/main.js`]);
      expect(s.env['HOST'], s.name).toBe('0.0.0.0');
      expect(Number.isInteger(s.port) && s.port > 0, `${s.name} PORT`).toBe(true);
      expect(withDefaults(s.env['FAULTLINE_PROFILE'] ?? ''), s.name).toBe('resilient');
    }
    expect(new Set(services.map((s) => s.port)).size).toBe(services.length);
  });

  it('names every proxy caller_to_callee for an edge of the taxi app or a broker link of taxi-async, and no other', () => {
    expect(proxies.map((p) => p.name).sort()).toEqual([...taxi.edges, ...brokerLinks].map(proxyName).sort());
    expect(new Set(proxies.map((p) => portOf(p.listen))).size).toBe(proxies.length);
  });

  it("points every caller's <CALLEE>_URL at its own proxy, whose upstream is the callee's port", () => {
    for (const edge of taxi.edges) {
      const caller = services.find((s) => s.name === edge.caller)!;
      const callee = services.find((s) => s.name === edge.callee)!;
      const proxy = proxies.find((p) => p.name === proxyName(edge))!;
      expect(caller.env[calleeEnvName(edge.callee)], `${edge.caller} -> ${edge.callee}`).toBe(`http://toxiproxy:${portOf(proxy.listen)}`);
      expect(proxy.upstream).toBe(`${edge.callee}:${callee.port}`);
      expect(proxy.listen.startsWith('0.0.0.0:'), `${proxy.name} listens for other containers`).toBe(true);
    }
  });

  it('with FAULTLINE_MESSAGING set, wires every broker link of taxi-async through its own proxy, whose upstream is the broker', () => {
    expect(brokerLinks).toHaveLength(6);
    for (const edge of brokerLinks) {
      // A consuming link (broker -> dispatch) is opened by its callee; its variable is BROKER_SUBSCRIBE_URL.
      const { client } = linkEnds(edge);
      const service = services.find((s) => s.name === client)!;
      const proxy = proxies.find((p) => p.name === proxyName(edge))!;
      for (const [name, value] of Object.entries(calleeEnv(edge, `http://toxiproxy:${portOf(proxy.listen)}`)))
        expect(interpolated(service.env[name] ?? '', messagingOn), `${edge.caller} -> ${edge.callee}: ${client} ${name}`).toBe(value);
      expect(proxy.upstream, proxy.name).toBe(`broker:${brokerPort}`);
      expect(proxy.listen.startsWith('0.0.0.0:'), `${proxy.name} listens for other containers`).toBe(true);
    }
  });

  it('without FAULTLINE_MESSAGING, connects no service to the broker: the HTTP app the default scenario faults', () => {
    for (const s of services) {
      for (const [key, value] of Object.entries(s.env)) if (key.startsWith('BROKER_')) expect(interpolated(value), `${s.name} ${key}`).toBe('');
    }
    // …and the harness runs against the HTTP topology.
    const argv = (file.services['faultline']!.command ?? []).map((a) => interpolated(a));
    expect(argv[argv.indexOf('--topology') + 1]).toBe('dashboards/compose-topology.yaml');
  });

  it('gives no service a dependency or broker URL that bypasses Toxiproxy', () => {
    for (const s of services) {
      for (const [key, value] of Object.entries(s.env)) {
        if (key.endsWith('_URL')) expect(interpolated(value, messagingOn), `${s.name} ${key}`).toMatch(/^(http|mqtt):\/\/toxiproxy:\d+$/);
      }
    }
  });

  it('loads the proxies into Toxiproxy 2.12 from the mounted config, with proxy metrics on', () => {
    const toxiproxy = file.services['toxiproxy']!;
    expect(toxiproxy.image).toBe('ghcr.io/shopify/toxiproxy:2.12.0');
    expect(toxiproxy.command).toContain('-config=/config/toxiproxy.json');
    expect(toxiproxy.command).toContain('-proxy-metrics');
    expect(toxiproxy.volumes).toContain('./dashboards/toxiproxy.json:/config/toxiproxy.json:ro');
  });

  it('mounts only files and folders that exist in the repository', () => {
    for (const [name, s] of Object.entries(file.services)) {
      for (const volume of s.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('./') && source !== './results') expect(existsSync(repoPath(source.slice(2))), `${name}: ${source}`).toBe(true);
      }
    }
  });

  it('waits only on services that exist, for health only where a healthcheck is defined', () => {
    const conditions = ['service_started', 'service_healthy', 'service_completed_successfully'];
    for (const [name, s] of Object.entries(file.services)) {
      const deps = Array.isArray(s.depends_on) ? Object.fromEntries(s.depends_on.map((d) => [d, { condition: 'service_started' }])) : (s.depends_on ?? {});
      for (const [dep, { condition }] of Object.entries(deps)) {
        expect(Object.keys(file.services), `${name} depends on ${dep}`).toContain(dep);
        expect(conditions, `${name} -> ${dep}`).toContain(condition);
        if (condition === 'service_healthy') expect(file.services[dep]!.healthcheck, `${dep} has a healthcheck`).toBeDefined();
      }
    }
  });

  it('publishes host ports on loopback only', () => {
    for (const [name, s] of Object.entries(file.services)) {
      for (const port of s.ports ?? []) expect(port, name).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    }
  });
});

describe('the broker of docker-compose.yml', () => {
  const broker = file.services['broker']!;

  it('is Mosquitto pinned to an exact version, configured from the mounted file', () => {
    expect(broker.image).toMatch(/^eclipse-mosquitto:\d+\.\d+\.\d+$/);
    expect(broker.volumes).toContain('./dashboards/mosquitto/mosquitto.conf:/mosquitto/config/mosquitto.conf:ro');
  });

  it('listens on one port for the compose network, published on loopback only, anonymous because nothing else reaches it', () => {
    // No bind address: inside its container Mosquitto must accept Toxiproxy's and the observer's connections.
    expect(brokerConfig).toMatch(/^listener \d+\s*$/m);
    expect(brokerConfig.match(/^listener /gm)).toHaveLength(1);
    expect(brokerConfig).toMatch(/^allow_anonymous true\s*$/m);
    expect(broker.ports).toEqual([`127.0.0.1:${brokerPort}:${brokerPort}`]);
  });

  it('is scraped by no Prometheus job: Mosquitto serves no /metrics (the services and Toxiproxy show it)', () => {
    const config = readYaml<{ scrape_configs: { static_configs: { targets: string[] }[] }[] }>('dashboards/prometheus/prometheus.yml');
    const targets = config.scrape_configs.flatMap((c) => c.static_configs.flatMap((s) => s.targets));
    expect(targets.filter((t) => t.startsWith('broker:'))).toEqual([]);
  });
});

describe('the admin surfaces of docker-compose.yml are ours alone', () => {
  it('keeps every service’s fault hook off unless FAULTLINE_ADMIN_SECRET is set, passed through with an empty default', () => {
    for (const s of services) {
      expect(s.env['FAULTLINE_ADMIN_SECRET'], s.name).toBe('${FAULTLINE_ADMIN_SECRET:-}');
      expect(withDefaults(s.env['FAULTLINE_ADMIN_SECRET']!), `${s.name}: off by default`).toBe('');
    }
  });

  it('gives the secret to no other container: the harness drives no http faults against these external services', async () => {
    const topology = await loadTopology(repoPath('dashboards/compose-topology.yaml'));
    // http faults need a faultline-aware service the runner launched (the gate refuses others).
    expect(topology.services.filter((t) => t.kind === 'managed' && t.faultlineAware)).toEqual([]);
    const sampleNames = new Set(services.map((s) => s.name));
    for (const [name, s] of Object.entries(file.services)) {
      if (!sampleNames.has(name)) expect(Object.keys(s.environment ?? {}), name).not.toContain('FAULTLINE_ADMIN_SECRET');
    }
  });

  it('shows Grafana read-only to everyone, with no account and so no default password', () => {
    const env = file.services['grafana']!.environment ?? {};
    expect(env['GF_AUTH_ANONYMOUS_ENABLED']).toBe('true');
    expect(env['GF_AUTH_ANONYMOUS_ORG_ROLE']).toBe('Viewer');
    expect(env['GF_SECURITY_DISABLE_INITIAL_ADMIN_CREATION']).toBe('true');
    expect(env['GF_AUTH_DISABLE_LOGIN_FORM']).toBe('true');
    expect(env['GF_AUTH_BASIC_ENABLED']).toBe('false');
    expect(env['GF_USERS_ALLOW_SIGN_UP']).toBe('false');
    // A password, if ever configured, must come from the environment with no fallback.
    const password = env['GF_SECURITY_ADMIN_PASSWORD'];
    if (password !== undefined) expect(password).toMatch(/^\$\{GF_SECURITY_ADMIN_PASSWORD:\?[^}]+\}$/);
    expect(env['GF_SECURITY_ADMIN_USER']).toBeUndefined();
  });

  it('runs Prometheus without its lifecycle and admin endpoints (a web page could POST /-/quit)', () => {
    const command = file.services['prometheus']!.command ?? [];
    expect(command).not.toContain('--web.enable-lifecycle');
    expect(command).not.toContain('--web.enable-admin-api');
  });
});

describe('the faultline service of docker-compose.yml', () => {
  const harness = file.services['faultline']!;
  const argv = (harness.command ?? []).map(withDefaults);
  const option = (flag: string) => argv[argv.indexOf(flag) + 1];

  it('is not started by default (profile run)', () => {
    expect(harness.profiles).toEqual(['run']);
  });

  it('runs a scenario that exists, against the compose Toxiproxy and topology, serving metrics for Prometheus', () => {
    expect(argv.slice(0, 3)).toEqual(['node', 'bin/faultline.js', 'run']);
    expect(listScenarios().map((s) => s.name)).toContain(argv[3]);
    expect(option('--toxiproxy')).toBe('http://toxiproxy:8474');
    expect(option('--topology')).toBe('dashboards/compose-topology.yaml');
    expect(option('--metrics-host')).toBe('0.0.0.0');
    expect(Number(option('--metrics-port'))).toBeGreaterThan(0);
  });
});

describe('dashboards/compose-topology.yaml', () => {
  it('loads, with every compose service external at its compose address and the taxi edges', async () => {
    const topology = await loadTopology(repoPath('dashboards/compose-topology.yaml'));
    for (const s of services) {
      const service = topology.services.find((t) => t.name === s.name);
      expect(service?.kind, s.name).toBe('external');
      if (service?.kind === 'external') expect(service.url).toBe(`http://${s.name}:${s.port}`);
    }
    expect(topology.edges.map(proxyName).sort()).toEqual(taxi.edges.map(proxyName).sort());
  });
});

describe('dashboards/compose-topology-async.yaml', () => {
  it('loads, with every compose service external, the compose broker at its listener, and the links of taxi-async', async () => {
    const topology = await loadTopology(repoPath('dashboards/compose-topology-async.yaml'));
    for (const s of services) {
      const service = topology.services.find((t) => t.name === s.name);
      expect(service?.kind, s.name).toBe('external');
      if (service?.kind === 'external') expect(service.url).toBe(`http://${s.name}:${s.port}`);
    }
    expect(topology.services.find((t) => t.name === 'broker')).toMatchObject({ kind: 'external', broker: 'mqtt', url: `mqtt://broker:${brokerPort}` });
    expect(topology.edges.map(proxyName).sort()).toEqual(taxiAsyncTopology().edges.map(proxyName).sort());
  });

  it('is the topology the faultline service runs against with FAULTLINE_MESSAGING set', () => {
    const argv = (file.services['faultline']!.command ?? []).map((a) => interpolated(a, messagingOn));
    expect(argv[argv.indexOf('--topology') + 1]).toBe('dashboards/compose-topology-async.yaml');
  });
});

describe('Dockerfile', () => {
  const dockerfile = readRepoFile('Dockerfile');

  it('builds on Node 20 with npm ci and copies folders that exist', () => {
    expect(dockerfile).toMatch(/^FROM node:20(-[a-z]+)?(\s|$)/m);
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
    for (const [, args] of dockerfile.matchAll(/^COPY (?!--from=)(.+)$/gm)) {
      const sources = args!.trim().split(/\s+/).slice(0, -1);
      for (const path of sources) expect(existsSync(repoPath(path)), path).toBe(true);
    }
  });

  it('compiles in a build stage and runs the services from dist/ with production dependencies only', () => {
    expect(dockerfile).toMatch(/^FROM node:20(-[a-z]+)? AS build$/m);
    expect(dockerfile).toMatch(/^RUN npm run build$/m);
    expect(dockerfile).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m);
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev\b/m);
  });

  it('keeps what the services and the harness need in the build context', () => {
    const ignored = readRepoFile('.dockerignore')
      .split('\n')
      .map((l) => l.trim());
    for (const needed of ['bin', 'harness/src', 'services', 'scenarios', 'dashboards', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'])
      expect(ignored).not.toContain(needed);
    expect(ignored).toContain('node_modules');
  });
});
