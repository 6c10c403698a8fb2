import { basename, extname, resolve } from 'node:path';
import { z } from 'zod';
import type { InputIssue } from '../errors.ts';
import { parseLink, type TopologyEdge } from '../document/link.ts';
import { IssueList, field, salvage, salvageItems, schemaIssues } from '../document/check.ts';
import type { Located } from '../document/check.ts';
import { nameText } from '../document/fields.ts';
import { deepFreeze } from '../document/freeze.ts';
import type { FaultSpec, Scenario, SloSpec } from './model.ts';
import { faultDocument, normaliseFault } from './faults.ts';
import { normaliseAsync, normaliseLoad, normaliseSlo, normaliseWindow } from './normalise.ts';
import * as rules from './rules.ts';
import { asyncDocument, loadDocument, scenarioDocument, sloDocument, windowDocument } from './schema.ts';
import { readYamlSource } from '../document/source.ts';
import type { YamlSource } from '../document/source.ts';

/**
 * Outcome of checking one scenario file on its own: the frozen scenario (when the file has no
 * issue), every issue found, and what the topology rules of the validation gate (gate/) need,
 * located in this file.
 */
export interface ScenarioCheck {
  scenario?: Scenario;
  /** Every issue of the file, in reading order. */
  issues: InputIssue[];
  source: YamlSource;
  references: ScenarioReferences;
}

/** What a scenario names in its topology, each with the field it came from. */
export interface ScenarioReferences {
  /** `topology:` as written (default `taxi`). */
  topology: Located<string>;
  /** `load.target`, when well-formed. */
  target?: Located<string>;
  /** Every fault that normalised, and the `link`/`service` of every fault with a well-formed one. */
  faults: Located<FaultSpec>[];
  faultTargets: Located<{ link?: TopologyEdge; service?: string }>[];
  /** Every SLO that normalised. */
  slos: Located<SloSpec>[];
  /** `profile:` as written. */
  profile?: Located<string>;
}

/** Default of Scenario.profile. */
export const DEFAULT_PROFILE = 'resilient';
/** Default of Scenario.seed. */
export const DEFAULT_SEED = 1;

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

/** How many faults the file lists and the names of its windows, whether or not each parsed. */
function writtenNames(data: unknown): rules.WrittenNames {
  const faults = field(data, 'faults');
  const windows = field(data, 'windows');
  return {
    faultCount: Array.isArray(faults) ? faults.length : 0,
    windowNames: (Array.isArray(windows) ? windows : []).flatMap((w: unknown) => {
      const name = salvage(nameText, field(w, 'name'));
      return name === undefined ? [] : [name];
    }),
  };
}

/** Stages 1–3 on a parsed scenario file, on its own (the gate adds the topology's rules).
 * Every issue is reported, not just the first. */
export function checkScenario(source: YamlSource): ScenarioCheck {
  const issues = new IssueList(source);
  const data = source.data;
  const topologyText = salvage(z.string().min(1), field(data, 'topology')) ?? 'taxi';
  const profileText = salvage(nameText, field(data, 'profile'));
  const references: ScenarioReferences = {
    topology: { path: ['topology'], value: topologyText },
    faults: [],
    faultTargets: [],
    slos: [],
    ...(profileText === undefined ? {} : { profile: { path: ['profile'], value: profileText } }),
  };
  if (source.issues.length > 0) return { issues: [...source.issues], source, references };
  issues.issues.push(...schemaIssues(scenarioDocument, source));

  // Stage 2, on every section that parsed on its own.
  const loadDoc = salvage(loadDocument, field(data, 'load'));
  const load = loadDoc && normaliseLoad(loadDoc, issues);
  const faults = salvageItems(faultDocument, field(data, 'faults'), ['faults']).map(({ path, value }) => ({
    path,
    value: normaliseFault(value, path[1] as number, issues),
  }));
  const windows = salvageItems(windowDocument, field(data, 'windows'), ['windows']).map(({ path, value }) => ({ path, value: normaliseWindow(value) }));
  const slos = salvageItems(sloDocument, field(data, 'slos'), ['slos']).flatMap(({ path, value }): Located<SloSpec>[] => {
    const slo = normaliseSlo(value, path, issues);
    return slo ? [{ path: typeof value === 'string' ? path : [...path, 'expect'], value: slo }] : [];
  });
  const asyncDoc = salvage(asyncDocument, field(data, 'async'));
  const asyncSpec = asyncDoc && normaliseAsync(asyncDoc);
  const target = salvage(nameText, field(field(data, 'load'), 'target'));
  references.faults = faults;
  references.faultTargets = faultReferences(data);
  references.slos = slos;
  if (target !== undefined) references.target = { path: ['load', 'target'], value: target };

  const fileName = basename(source.file, extname(source.file));
  const name = salvage(nameText, field(data, 'name'));
  if (name !== undefined && name !== fileName) issues.add(['name'], `'${name}' must match the file name '${fileName}' (or be left out)`);

  // Stage 3: cross-field rules.
  // A load whose duration is itself reported (0s) has no end to hold faults and windows against.
  const durationMs = load && load.stages.length > 0 && load.stages.every((s) => s.durationMs > 0) ? rules.loadDurationMs(load) : undefined;
  for (const fault of faults) {
    if (durationMs !== undefined) rules.faultWithinLoad(fault, durationMs, issues);
    rules.httpFaultDoesSomething(fault, issues);
    rules.toxicAttributesAreUsable(fault, issues);
  }
  rules.faultIdsUnique(faults, issues);
  rules.faultsDoNotCollide(faults, durationMs, issues);
  rules.windowsAreValid(windows, durationMs, issues);
  rules.sloWindowsExist(sloWindows(data), { faults, windows, ...(load ? { load } : {}) }, writtenNames(data), durationMs, issues);
  rules.asyncSlosHaveTheirBlock(slos, field(data, 'async') !== undefined, issues);

  if (issues.issues.length > 0 || !load) return { issues: issues.sorted(), source, references };
  const doc = scenarioDocument.parse(data);
  const scenario: Scenario = {
    name: fileName,
    description: doc.description,
    hypothesis: doc.hypothesis ?? '',
    file: source.file,
    topology: topologyText,
    profile: doc.profile ?? DEFAULT_PROFILE,
    seed: doc.seed ?? DEFAULT_SEED,
    load,
    faults: faults.map((f) => f.value),
    slos: slos.map((s) => s.value),
    windows: windows.map((w) => w.value),
    ...(asyncSpec ? { async: asyncSpec } : {}),
  };
  return { scenario: deepFreeze(scenario), issues: [], source, references };
}

/** Reads and checks a scenario file on its own. Never throws for bad input: issues are returned. */
export async function checkScenarioFile(file: string): Promise<ScenarioCheck> {
  return checkScenario(await readYamlSource(resolve(file)));
}
