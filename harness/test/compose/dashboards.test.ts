import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createHarnessMetrics } from '../../src/report/exposition.ts';
import { repoPath } from '../../src/util/tsx.ts';
import { createServiceMetrics } from '../../../services/lib/metrics.ts';
import { exposedNames, metricNamesIn } from './promql-names.ts';
import { compose, portOf, readRepoFile, readYaml, sampleServices, withDefaults } from './stack-files.ts';

interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: { id: number; type: string; title: string; targets?: { expr: string }[] }[];
  templating: { list: { query: unknown }[] };
  annotations: { list: { expr?: string }[] };
}

const dashboardDir = 'dashboards/grafana/dashboards';
const dashboards = readdirSync(repoPath(dashboardDir))
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ file: f, text: readRepoFile(`${dashboardDir}/${f}`) }));

/** Every metric name that exists: the services' registry and the harness's. */
async function realMetricNames(): Promise<Set<string>> {
  const service = createServiceMetrics({ service: 'probe', dependencies: ['callee'], effects: ['effect'], processMetrics: false });
  const families = [...(await service.registry.getMetricsAsJSON()), ...(await createHarnessMetrics().registry.getMetricsAsJSON())];
  return exposedNames(families.map((f) => ({ name: f.name, type: String(f.type) })));
}

/** Every PromQL expression of a dashboard: panel targets, variable queries, annotations. */
function expressions(d: Dashboard): string[] {
  const fromPanels = d.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
  const fromVariables = d.templating.list.map((v) => (typeof v.query === 'string' ? v.query : (v.query as { query: string }).query));
  const fromAnnotations = d.annotations.list.flatMap((a) => (a.expr ? [a.expr] : []));
  return [...fromPanels, ...fromVariables, ...fromAnnotations];
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
    const parsed = dashboards.map((d) => JSON.parse(d.text) as Dashboard);
    expect(parsed.map((d) => d.title).sort()).toEqual(['faultline — run', 'faultline — services']);
    expect(new Set(parsed.map((d) => d.uid)).size).toBe(parsed.length);
    for (const d of parsed) {
      expect(d.schemaVersion, d.title).toBeGreaterThanOrEqual(36);
      const ids = d.panels.map((p) => p.id);
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
    const all = (file: string) => expressions(JSON.parse(readRepoFile(`${dashboardDir}/${file}`)) as Dashboard).join('\n');
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
    ]) {
      expect(services, metric).toContain(metric);
    }
    const run = all('faultline-run.json');
    for (const metric of ['faultline_requests_total', 'faultline_request_duration_seconds_bucket', 'faultline_fault_active', 'faultline_slo_passed'])
      expect(run, metric).toContain(metric);
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
