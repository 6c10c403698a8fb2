import { existsSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.ts';
import type { InputIssue } from '../errors.ts';
import { checkTopology } from '../topology/load.ts';
import { parseLink } from '../topology/link.ts';
import type { Topology, TopologyEdge } from '../topology/model.ts';
import { builtinTopologies, topologyRef } from '../topology/resolve.ts';
import { IssueList, field, salvage, salvageItems, schemaIssues } from './check.ts';
import type { Located } from './check.ts';
import { nameText } from './fields.ts';
import { deepFreeze } from './freeze.ts';
import type { Scenario, SloSpec } from './model.ts';
import { faultDocument, normaliseFault } from './faults/index.ts';
import { normaliseLoad, normaliseSlo, normaliseWindow } from './normalise.ts';
import * as rules from './rules.ts';
import { loadDocument, scenarioDocument, sloDocument, windowDocument } from './schema.ts';
import { readYamlSource } from './source.ts';
import type { YamlSource } from './source.ts';

/** Outcome of checking one scenario file: the frozen scenario, or every issue found. */
export interface ScenarioCheck {
  scenario?: Scenario;
  topology?: Topology;
  issues: InputIssue[];
}

/** Default of Scenario.profile. */
export const DEFAULT_PROFILE = 'resilient';
/** Default of Scenario.seed. */
export const DEFAULT_SEED = 1;

async function topologyFor(ref: string, scenarioFile: string, issues: IssueList): Promise<Topology | undefined> {
  const builtin = Object.hasOwn(builtinTopologies, ref) ? builtinTopologies[ref] : undefined;
  if (builtin) return builtin();
  const file = topologyRef(ref, dirname(scenarioFile));
  if (!existsSync(file)) {
    issues.add(['topology'], `no topology file at ${file} (built-in topologies: ${Object.keys(builtinTopologies).join(', ')})`);
    return undefined;
  }
  const checked = checkTopology(await readYamlSource(file));
  if (!checked.topology) {
    issues.add(['topology'], `topology file ${ref} is invalid (${checked.issues.length} issue(s), listed with its name)`);
    issues.issues.push(...checked.issues);
  }
  return checked.topology;
}

/** `link`/`service` of every fault that has a well-formed one, even if the rest is broken. */
function faultReferences(data: unknown): Located<{ link?: TopologyEdge; service?: string }>[] {
  const list = field(data, 'faults');
  return (Array.isArray(list) ? list : []).map((fault: unknown, index) => {
    const linkText = field(fault, 'link');
    const link = typeof linkText === 'string' ? parseLink(linkText) : undefined;
    const service = salvage(nameText, field(fault, 'service'));
    return { path: ['faults', index], value: { ...(link ? { link } : {}), ...(service === undefined ? {} : { service }) } };
  });
}

/** The window of every SLO written in the object form with a well-formed `window`. */
function sloWindows(data: unknown): Located<string>[] {
  const list = field(data, 'slos');
  return (Array.isArray(list) ? list : []).flatMap((slo: unknown, index) => {
    const window = salvage(nameText, field(slo, 'window'));
    return window === undefined ? [] : [{ path: ['slos', index, 'window'], value: window }];
  });
}

/** Stages 1–3 on a parsed scenario file. Every issue is reported, not just the first. */
export async function checkScenario(source: YamlSource): Promise<ScenarioCheck> {
  if (source.issues.length > 0) return { issues: source.issues };
  const issues = new IssueList(source);
  const data = source.data;
  issues.issues.push(...schemaIssues(scenarioDocument, source));

  // Stage 2, on every section that parsed on its own.
  const loadDoc = salvage(loadDocument, field(data, 'load'));
  const load = loadDoc && normaliseLoad(loadDoc, issues);
  const faults = salvageItems(faultDocument, field(data, 'faults'), ['faults']).map(({ path, value }) => ({ path, value: normaliseFault(value, path[1] as number, issues) }));
  const windows = salvageItems(windowDocument, field(data, 'windows'), ['windows']).map(({ path, value }) => ({ path, value: normaliseWindow(value) }));
  const slos = salvageItems(sloDocument, field(data, 'slos'), ['slos']).flatMap(({ path, value }): Located<SloSpec>[] => {
    const slo = normaliseSlo(value, path, issues);
    return slo ? [{ path: typeof value === 'string' ? path : [...path, 'expect'], value: slo }] : [];
  });

  const fileName = basename(source.file, extname(source.file));
  const name = salvage(nameText, field(data, 'name'));
  if (name !== undefined && name !== fileName) issues.add(['name'], `'${name}' must match the file name '${fileName}' (or be left out)`);
  const topologyText = salvage(z.string().min(1), field(data, 'topology')) ?? 'taxi';
  const topology = await topologyFor(topologyText, source.file, issues);

  // Stage 3: cross-field rules.
  const durationMs = load && load.stages.length > 0 ? rules.loadDurationMs(load) : undefined;
  for (const fault of faults) {
    if (topology) rules.faultFitsService(fault, topology, issues);
    if (durationMs !== undefined) rules.faultWithinLoad(fault, durationMs, issues);
    rules.httpFaultDoesSomething(fault, issues);
    rules.toxicAttributesAreUsable(fault, issues);
  }
  rules.faultIdsUnique(faults, issues);
  rules.faultsDoNotCollide(faults, durationMs, issues);
  rules.windowsAreValid(windows, durationMs, issues);
  rules.sloWindowsExist(sloWindows(data), { faults, windows, ...(load ? { load } : {}) }, durationMs, issues);
  if (topology) {
    const target = salvage(nameText, field(field(data, 'load'), 'target'));
    if (target !== undefined) rules.loadTargetExists({ path: ['load', 'target'], value: target }, topology, issues);
    for (const reference of faultReferences(data)) rules.faultReferenceExists(reference, topology, issues);
    rules.sloLabelsExist(slos, topology, issues);
  }

  if (issues.issues.length > 0 || !load) return { issues: issues.sorted() };
  const doc = scenarioDocument.parse(data);
  const scenario: Scenario = {
    name: fileName,
    description: doc.description,
    hypothesis: doc.hypothesis ?? '',
    file: source.file,
    topology: topologyRef(topologyText, dirname(source.file)),
    profile: doc.profile ?? DEFAULT_PROFILE,
    seed: doc.seed ?? DEFAULT_SEED,
    load,
    faults: faults.map((f) => f.value),
    slos: slos.map((s) => s.value),
    windows: windows.map((w) => w.value),
  };
  return { scenario: deepFreeze(scenario), ...(topology ? { topology } : {}), issues: [] };
}

/** Reads and checks a scenario file. Never throws for bad input: issues are returned. */
export async function checkScenarioFile(file: string): Promise<ScenarioCheck> {
  return checkScenario(await readYamlSource(resolve(file)));
}

/** Loads a scenario and the topology it names; throws InputError with every issue. */
export async function loadScenarioWithTopology(file: string): Promise<{ scenario: Scenario; topology: Topology }> {
  const { scenario, topology, issues } = await checkScenarioFile(file);
  if (!scenario || !topology) throw new InputError(issues);
  return { scenario, topology };
}

/** Loads a scenario file (validated, normalised, frozen); throws InputError with every issue. */
export async function loadScenario(file: string): Promise<Scenario> {
  return (await loadScenarioWithTopology(file)).scenario;
}
