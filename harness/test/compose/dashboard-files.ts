import { readdirSync } from 'node:fs';
import { repoPath } from '../../src/util/tsx.ts';
import { readRepoFile } from './stack-files.ts';

/**
 * The Grafana dashboards of dashboards/grafana/dashboards/, read the way Grafana reads them, for
 * the static checks (dashboards.test.ts) and for running every query against a real Prometheus
 * (dashboards-prometheus.test.ts). Both iterate over what is here: a panel added to a dashboard
 * is checked without touching either test.
 */

export interface Target {
  refId: string;
  expr: string;
  hide?: boolean;
}

export interface Panel {
  id: number;
  type: string;
  title: string;
  targets?: Target[];
  fieldConfig?: { defaults?: { unit?: string; mappings?: unknown[]; links?: { title: string; url: string }[] } };
  /** A row's panels (when the row is collapsed Grafana keeps them here). */
  panels?: Panel[];
}

export interface Variable {
  name: string;
  query: string | { query: string };
  includeAll?: boolean;
  allValue?: string;
}

export interface DashboardLink {
  type: string;
  title: string;
  url?: string;
  keepTime?: boolean;
  includeVars?: boolean;
}

export interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  links: DashboardLink[];
  templating: { list: Variable[] };
  annotations: { list: { name: string; expr?: string }[] };
}

export const dashboardDir = 'dashboards/grafana/dashboards';

export interface DashboardFile {
  file: string;
  text: string;
  dashboard: Dashboard;
}

export function dashboardFiles(): DashboardFile[] {
  return readdirSync(repoPath(dashboardDir))
    .filter((f) => f.endsWith('.json'))
    .map((file) => {
      const text = readRepoFile(`${dashboardDir}/${file}`);
      return { file, text, dashboard: JSON.parse(text) as Dashboard };
    });
}

/** Every panel that shows data (rows excluded, their nested panels included). */
export function dataPanels(d: Dashboard): Panel[] {
  return d.panels.flatMap((p) => (p.type === 'row' ? (p.panels ?? []) : [p]));
}

export function variableQuery(v: Variable): string {
  return typeof v.query === 'string' ? v.query : v.query.query;
}

/** Every PromQL expression of a dashboard: panel targets, variable queries, annotations. */
export function expressions(d: Dashboard): string[] {
  const fromPanels = dataPanels(d).flatMap((p) => (p.targets ?? []).map((t) => t.expr));
  const fromVariables = d.templating.list.map(variableQuery);
  const fromAnnotations = d.annotations.list.flatMap((a) => (a.expr ? [a.expr] : []));
  return [...fromPanels, ...fromVariables, ...fromAnnotations];
}

/** The dashboard uid a Grafana URL (`/d/<uid>/<slug>?…`) points to, if any. */
export function linkedUid(url: string): string | undefined {
  return /^\/d\/([^/?]+)/.exec(url)?.[1];
}

/** What the test gives each Grafana variable: a value (regex-escaped, as Grafana does for a
 * selected value of a multi-value variable) or `all` (the variable's allValue). */
export type VariableChoice = { value: string } | 'all';

/**
 * A panel's expression as Grafana would send it to Prometheus: the built-in interval variables
 * with the values Grafana computes for a 1 s step over a 1 s scrape interval (`$__rate_interval`
 * is max(4 × scrape interval, step + scrape interval) = 4 s), then the dashboard's variables.
 * An unknown variable throws, so a panel using one the test does not know fails loudly.
 */
export function interpolate(expr: string, d: Dashboard, choices: Record<string, VariableChoice>, rangeSeconds: number): string {
  const builtIns: Record<string, string> = {
    __rate_interval: '4s',
    __interval: '1s',
    __interval_ms: '1000',
    __range: `${rangeSeconds}s`,
    __range_s: String(rangeSeconds),
    __range_ms: String(rangeSeconds * 1000),
  };
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]/g, (_all, braced?: string, plain?: string, bracketed?: string) => {
    const name = (braced ?? plain ?? bracketed)!;
    if (name in builtIns) return builtIns[name]!;
    const variable = d.templating.list.find((v) => v.name === name);
    if (!variable) throw new Error(`${d.title}: unknown variable $${name} in ${expr}`);
    const choice = choices[name] ?? 'all';
    if (choice !== 'all') return choice.value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    if (variable.allValue === undefined) throw new Error(`${d.title}: $${name} has no allValue; give the test a value for it`);
    return variable.allValue;
  });
}
