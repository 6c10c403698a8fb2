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
