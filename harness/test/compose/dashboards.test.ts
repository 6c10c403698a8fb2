import { describe, expect, it } from 'vitest';
import { createHarnessMetrics } from '../../src/report/exposition.ts';
import { renderMetrics } from '../../src/toxiproxy/metrics.ts';
import { createServiceMetrics } from '../../../services/lib/metrics.ts';
import { createMessagingMetrics } from '../../../services/lib/messaging/metrics.ts';
import { dashboardDir, dashboardFiles, dataPanels, expressions, linkedUid, type Dashboard } from './dashboard-files.ts';
import { exposedNames, metricNamesIn } from './promql-names.ts';
import { compose, portOf, readYaml, sampleServices, withDefaults } from './stack-files.ts';

const dashboards = dashboardFiles();

/**
 * The Toxiproxy metrics the compose stack's real Toxiproxy 2.12 exposes with -proxy-metrics
 * (../shared/reference/toxiproxy-api.md §3.8). The embedded server exposes these and more.
 */
const realToxiproxyNames = ['toxiproxy_proxy_received_bytes_total', 'toxiproxy_proxy_sent_bytes_total'];

/** Series Prometheus itself writes for every target: `up` (1 scraped, 0 not). */
const prometheusOwnNames = ['up'];

/** Every metric name that exists: the services' registry (with the messaging families a service
 * connected to a broker adds to it), the harness's, the embedded Toxiproxy's (its `# TYPE` lines,
 * present even with no proxy) and Prometheus's own. */
async function realMetricNames(): Promise<Set<string>> {
  const service = createServiceMetrics({ service: 'probe', dependencies: ['callee'], effects: ['effect'], processMetrics: false });
  createMessagingMetrics(service.registry, ['channel']);
  const toxiproxy = [...renderMetrics([]).matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => ({ name: m[1]!, type: m[2]! }));
  const families = [...(await service.registry.getMetricsAsJSON()), ...(await createHarnessMetrics().registry.getMetricsAsJSON())];
  const names = exposedNames([...families.map((f) => ({ name: f.name, type: String(f.type) })), ...toxiproxy]);
  for (const name of prometheusOwnNames) names.add(name);
  return names;
}

/** Every `datasource.uid` anywhere in a JSON value. */
function datasourceUids(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => datasourceUids(v, found));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'datasource' && v && typeof v === 'object' && 'uid' in v) found.push(String((v as { uid: unknown }).uid));
      else datasourceUids(v, found);
    }
  }
  return found;
}

describe('metric names in PromQL', () => {
  it('are found in metric position, not in functions, labels, strings, ranges, grouping or variables', () => {
    const expr =
      'histogram_quantile(0.99, sum by (service, le) (rate(a_seconds_bucket{service=~"$service", x="b_total"}[$__rate_interval]))) / on (service) group_left max(c_total offset 5m) > bool 1e3 and label_values(d_total, service)';
    expect(metricNamesIn(expr).sort()).toEqual(['a_seconds_bucket', 'c_total', 'd_total']);
  });

  it('catch a misspelt metric', async () => {
    const names = await realMetricNames();
    const unknown = metricNamesIn('rate(dependency_attempt_total[1m])').filter((n) => !names.has(n));
    expect(unknown).toEqual(['dependency_attempt_total']);
  });
});

describe('Grafana dashboards', () => {
  const provisioned = readYaml<{ datasources: { uid: string; type: string; url: string }[] }>('dashboards/grafana/provisioning/datasources/prometheus.yaml');
  const uids = provisioned.datasources.map((d) => d.uid);

  it('are the two expected, valid JSON, schemaVersion 36 or later, unique uids and panel ids', () => {
    const parsed = dashboards.map((d) => d.dashboard);
    expect(parsed.map((d) => d.title).sort()).toEqual(['faultline — run', 'faultline — services']);
    expect(new Set(parsed.map((d) => d.uid)).size).toBe(parsed.length);
    for (const d of parsed) {
      expect(d.schemaVersion, d.title).toBeGreaterThanOrEqual(36);
      const ids = [...d.panels.filter((p) => p.type === 'row'), ...dataPanels(d)].map((p) => p.id);
      expect(new Set(ids).size, d.title).toBe(ids.length);
    }
  });

  it('query only metric names that the services or the harness expose', async () => {
    const names = await realMetricNames();
    for (const { file, text } of dashboards) {
      const exprs = expressions(JSON.parse(text) as Dashboard);
      expect(exprs.length, file).toBeGreaterThan(5);
      for (const expr of exprs) {
        const used = metricNamesIn(expr);
        expect(used.length, `${file}: no metric in ${expr}`).toBeGreaterThan(0);
        expect(
          used.filter((n) => !names.has(n)),
          `${file}: ${expr}`,
        ).toEqual([]);
      }
    }
  });

  it('cover what the brief asks of each dashboard', () => {
    const all = (file: string) => expressions(dashboards.find((d) => d.file === file)!.dashboard).join('\n');
    const services = all('faultline-services.json');
    for (const metric of [
      'http_server_request_duration_seconds_bucket',
      'dependency_request_duration_seconds_count',
      'dependency_attempts_total',
      'dependency_calls_total',
      'circuit_breaker_state',
      'bulkhead_active',
      'bulkhead_queued',
      'bulkhead_rejections_total',
      'side_effect_duplicates_total',
      'toxiproxy_proxy_sent_bytes_total',
      'faultline_run_active',
      // Messaging: every policy observable (issue 12).
      'messages_published_total',
      'message_publish_failures_total',
      'messages_delivered_total',
      'messages_redelivered_total',
      'messages_duplicates_total',
      'dead_letters_total',
      'messages_dropped_total',
      'outbox_pending',
      'consumer_inflight',
      'broker_connected',
      'message_delivery_lag_seconds_bucket',
    ]) {
      expect(services, metric).toContain(metric);
    }
    const run = all('faultline-run.json');
    for (const metric of [
      'faultline_requests_total',
      'faultline_request_duration_seconds_bucket',
      'faultline_fault_active',
      'faultline_slo_passed',
      'faultline_run_active',
      'faultline_async_accepted_total',
      'faultline_async_completed_total',
      'faultline_async_duplicates_total',
      'faultline_async_redeliveries_total',
      'faultline_async_latency_seconds_bucket',
    ])
      expect(run, metric).toContain(metric);
  });

  it('give every panel a unit; `none` only where value mappings name the values', () => {
    for (const { file, dashboard } of dashboards) {
      for (const panel of dataPanels(dashboard)) {
        const defaults = panel.fieldConfig?.defaults ?? {};
        expect(defaults.unit, `${file}: ${panel.title}`).toMatch(/\S/);
        if (defaults.unit === 'none') expect(defaults.mappings?.length, `${file}: ${panel.title} (unit none)`).toBeGreaterThan(0);
      }
    }
  });

  it('select runs: scenario, profile and run variables, and every panel query and annotation uses all three', () => {
    for (const { file, dashboard } of dashboards) {
      const names = dashboard.templating.list.map((v) => v.name);
      expect(names.slice(0, 3), file).toEqual(['scenario', 'profile', 'run']);
      const run = dashboard.templating.list.find((v) => v.name === 'run')!;
      expect(run, file).toMatchObject({ includeAll: true, allValue: '.*' });
      const queries = [
        ...dataPanels(dashboard).flatMap((p) => (p.targets ?? []).map((t) => `${p.title}: ${t.expr}`)),
        ...dashboard.annotations.list.flatMap((a) => (a.expr ? [`annotation ${a.name}: ${a.expr}`] : [])),
      ];
      for (const query of queries) for (const variable of ['$run', '$scenario', '$profile']) expect(query, `${file}`).toContain(variable);
    }
  });

  it("keep series without run labels to the selected runs' time, the same way everywhere", () => {
    const mask =
      ' and on () (faultline_run_active{run_id=~"$run", scenario=~"$scenario", profile=~"$profile"} == 1 or on () up{run_id=~"$run", scenario=~"$scenario", profile=~"$profile"})';
    for (const { file, dashboard } of dashboards) {
      for (const panel of dataPanels(dashboard)) {
        for (const target of panel.targets ?? []) {
          const harnessOnly = metricNamesIn(target.expr).every((n) => n.startsWith('faultline_') && n !== 'faultline_injected_faults_total');
          if (!harnessOnly) expect(target.expr.endsWith(mask), `${file}: ${panel.title}: ${target.expr}`).toBe(true);
        }
      }
    }
  });

  it('link to each other keeping the time range and the variables, and the variables they carry exist on the other side', () => {
    const byUid = new Map(dashboards.map((d) => [d.dashboard.uid, d.dashboard]));
    for (const { file, dashboard } of dashboards) {
      const others = [...byUid.keys()].filter((uid) => uid !== dashboard.uid);
      const links = dashboard.links.filter((l) => l.type === 'link' && l.url);
      expect(links.map((l) => linkedUid(l.url!)).sort(), file).toEqual(others.sort());
      for (const link of links) {
        expect(link, `${file}: ${link.title}`).toMatchObject({ keepTime: true, includeVars: true });
        const target = byUid.get(linkedUid(link.url!)!)!;
        for (const v of ['scenario', 'profile', 'run']) expect(target.templating.list.map((t) => t.name)).toContain(v);
      }
      // Data links (e.g. a verdict tile to the services during its run) point at dashboards that exist.
      for (const panel of dataPanels(dashboard)) {
        for (const link of panel.fieldConfig?.defaults?.links ?? []) {
          expect(byUid.has(linkedUid(link.url) ?? ''), `${file}: ${panel.title}: ${link.url}`).toBe(true);
          for (const [, name] of link.url.matchAll(/var-([a-z_]+)=/g)) expect(target(byUid, link.url).templating.list.map((t) => t.name)).toContain(name);
        }
      }
    }
  });

  it("show the Toxiproxy byte counters with names the compose stack's Toxiproxy exposes", () => {
    const services = dashboards.find((d) => d.file === 'faultline-services.json')!.dashboard;
    const bytes = dataPanels(services).filter((p) => (p.targets ?? []).some((t) => metricNamesIn(t.expr).some((n) => realToxiproxyNames.includes(n))));
    expect(bytes.length).toBeGreaterThan(0);
    for (const panel of bytes) {
      for (const t of panel.targets ?? [])
        expect(
          metricNamesIn(t.expr)
            .filter((n) => n.startsWith('toxiproxy_'))
            .every((n) => realToxiproxyNames.includes(n)),
        ).toBe(true);
      expect(panel.fieldConfig?.defaults?.unit).toBe('Bps');
    }
  });

  it('use only the provisioned Prometheus datasource, by uid', () => {
    expect(provisioned.datasources).toEqual([expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090' })]);
    for (const { file, text } of dashboards) {
      const used = datasourceUids(JSON.parse(text)).filter((uid) => uid !== '-- Grafana --');
      expect(used.length, file).toBeGreaterThan(0);
      expect(
        used.filter((uid) => !uids.includes(uid)),
        file,
      ).toEqual([]);
    }
  });

  it('are loaded from the folder compose mounts into Grafana', () => {
    const providers = readYaml<{ providers: { options: { path: string } }[] }>('dashboards/grafana/provisioning/dashboards/faultline.yaml');
    const mounts = compose().services['grafana']!.volumes ?? [];
    expect(mounts).toContain(`./${dashboardDir}:${providers.providers[0]!.options.path}:ro`);
    expect(mounts).toContain('./dashboards/grafana/provisioning:/etc/grafana/provisioning:ro');
  });
});

function target(byUid: Map<string, Dashboard>, url: string): Dashboard {
  return byUid.get(linkedUid(url)!)!;
}

describe('dashboards/prometheus/prometheus.yml', () => {
  const config = readYaml<{ scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[] }>('dashboards/prometheus/prometheus.yml');
  const targets = (job: string) => config.scrape_configs.find((c) => c.job_name === job)?.static_configs.flatMap((s) => s.targets) ?? [];
  const file = compose();

  it('scrapes every sample service at its compose name and port, and nothing else in that job', () => {
    expect(targets('services').sort()).toEqual(
      sampleServices(file)
        .map((s) => `${s.name}:${s.port}`)
        .sort(),
    );
  });

  it("scrapes the harness at the faultline service's --metrics-port", () => {
    const argv = (file.services['faultline']!.command ?? []).map(withDefaults);
    expect(targets('faultline')).toEqual([`faultline:${argv[argv.indexOf('--metrics-port') + 1]}`]);
  });

  it("scrapes Toxiproxy's API port", () => {
    const api = (file.services['toxiproxy']!.command ?? []).find((a) => a.startsWith('-port='));
    expect(targets('toxiproxy')).toEqual([`toxiproxy:${api?.slice('-port='.length)}`]);
  });

  it('names only targets that are compose services', () => {
    for (const job of config.scrape_configs) {
      for (const target of job.static_configs.flatMap((s) => s.targets)) {
        expect(Object.keys(file.services), `${job.job_name}: ${target}`).toContain(target.slice(0, target.lastIndexOf(':')));
        expect(portOf(target)).toBeGreaterThan(0);
      }
    }
  });

  it('is what compose mounts into Prometheus', () => {
    expect(file.services['prometheus']!.volumes).toContain('./dashboards/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro');
  });
});
