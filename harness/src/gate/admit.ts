import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { FaultlineError, InputError, type InputIssue } from '../errors.ts';
import { IssueList } from '../document/check.ts';
import { unknownName } from '../document/suggest.ts';
import { readYamlSource } from '../document/source.ts';
import { resolveScenarioRef } from '../scenario/catalog.ts';
import { projectScenarios } from '../scenario/project.ts';
import { checkScenario, type ScenarioCheck } from '../scenario/load.ts';
import type { Scenario } from '../scenario/model.ts';
import { parseBrokerOption, withExternalBroker } from '../topology/broker.ts';
import { checkTopology } from '../topology/load.ts';
import type { Topology } from '../topology/model.ts';
import { builtinTopologies, topologyRef } from '../topology/resolve.ts';
import { knownProfiles, profilesApply } from './profiles.ts';
import * as rules from './topology-rules.ts';

/**
 * The one validation gate: `validate`, `plan`, `run`, `compare`, `k6 export` and `analyse` all
 * admit a scenario through it, so none of them passes what another rejects, and nothing is
 * started before every issue is known. It holds the scenario against the *final* topology
 * (after `--topology`), checks the profiles against those that exist, and reports every issue
 * located (`file:line:column field: message`).
 */

export interface GateOptions {
  /** A topology replacing the scenario's own: a built-in name or a file relative to `cwd`. */
  topology?: string;
  /** Profiles the run will use (`--profile`, `compare --profiles`); default: the scenario's. */
  profiles?: readonly string[];
  /** Base of a relative `topology` and of a scenario path; default the process's working directory. */
  cwd?: string;
  /** The project's scenarios folder (`--scenarios`), where names are looked for before the
   * built-in catalog; default from faultline.config.json or `./scenarios`. */
  scenarios?: string;
  /** `--broker mqtt://host:port`: a broker already running, in place of the topology's own. */
  broker?: string;
}

/** `--topology` as given: a built-in name, a path relative to cwd, or a name in the project's
 * scenarios folder. */
function overrideFile(override: string, options: GateOptions): string {
  const cwd = options.cwd ?? process.cwd();
  const file = topologyRef(override, cwd);
  if (existsSync(file)) return file;
  const inProject = topologyRef(override, projectScenarios({ cwd, scenarios: options.scenarios }).dir);
  return existsSync(inProject) ? inProject : file;
}

/** A scenario that passed the gate, with the topology it runs on and its profiles. */
export interface Admitted {
  scenario: Scenario;
  topology: Topology;
  profiles: readonly string[];
}

export interface GateCheck {
  admitted?: Admitted;
  /** Every issue, this scenario file's in reading order, then those of other files. */
  issues: InputIssue[];
}

/** Checks the command-line options alone, before any file: an unknown profile or a missing
 * `--topology` file is a usage error (exit 2) whatever the scenario. */
export function checkGateOptions(options: GateOptions): void {
  if (options.broker !== undefined) parseBrokerOption(options.broker);
  if (options.topology !== undefined && !Object.hasOwn(builtinTopologies, options.topology)) {
    const file = overrideFile(options.topology, options);
    if (!existsSync(file)) {
      throw new FaultlineError('FL_USAGE', `--topology: no topology file at ${file} (built-in topologies: ${Object.keys(builtinTopologies).join(', ')})`);
    }
  }
}

/** The topology a scenario runs on, or undefined with the issues saying why. */
async function topologyOf(check: ScenarioCheck, options: GateOptions, issues: IssueList): Promise<Topology | undefined> {
  const override = options.topology;
  const ref = override ?? check.references.topology.value;
  const builtin = Object.hasOwn(builtinTopologies, ref) ? builtinTopologies[ref] : undefined;
  if (builtin) return builtin();
  const file = override !== undefined ? overrideFile(override, options) : topologyRef(ref, dirname(check.source.file));
  const path = check.references.topology.path;
  if (!existsSync(file)) {
    // An override was checked by checkGateOptions; here only the scenario's own reference.
    issues.add(path, `no topology file at ${file} (built-in topologies: ${Object.keys(builtinTopologies).join(', ')})`);
    return undefined;
  }
  const checked = checkTopology(await readYamlSource(file));
  if (!checked.topology) {
    const what = override !== undefined ? `--topology ${override}` : `topology file ${ref}`;
    if (override === undefined) issues.add(path, `${what} is invalid (${checked.issues.length} issue(s), listed with its name)`);
    issues.issues.push(...checked.issues);
  }
  return checked.topology;
}

function checkProfiles(check: ScenarioCheck, topology: Topology, options: GateOptions, issues: IssueList): readonly string[] {
  const fromFile = check.references.profile;
  const profiles = options.profiles ?? [fromFile?.value ?? check.scenario?.profile ?? 'resilient'];
  if (!profilesApply(topology)) return profiles;
  if (options.profiles === undefined && fromFile && !knownProfiles.includes(fromFile.value)) {
    issues.add(fromFile.path, unknownName('profile', fromFile.value, knownProfiles));
  }
  for (const profile of options.profiles ?? []) {
    if (!knownProfiles.includes(profile)) throw new FaultlineError('FL_USAGE', `--profile: ${unknownName('profile', profile, knownProfiles)}`);
  }
  return profiles;
}

/** Checks one scenario file through the whole gate. Never throws for bad input in the file. */
export async function checkScenarioForRun(file: string, options: GateOptions = {}): Promise<GateCheck> {
  checkGateOptions(options);
  const check = checkScenario(await readYamlSource(resolve(file)));
  const issues = new IssueList(check.source);
  issues.issues.push(...check.issues);
  if (check.source.issues.length > 0) return { issues: issues.sorted() };

  const own = await topologyOf(check, options, issues);
  // The rules below see the broker the run will use: a crash of one already running is refused.
  const topology = own && options.broker !== undefined ? withExternalBroker(own, options.broker) : own;
  let profiles: readonly string[] = [];
  if (topology) {
    const { target, faults, faultTargets, slos } = check.references;
    if (target) rules.loadTargetExists(target, topology, issues);
    if (target) rules.loadTargetSpeaksHttp(target, topology, issues);
    for (const reference of faultTargets) rules.faultReferenceExists(reference, topology, issues);
    for (const fault of faults) rules.faultFitsService(fault, topology, issues);
    for (const fault of faults) rules.httpFaultSpeaksHttp(fault, topology, issues);
    for (const fault of faults) rules.brokerFaultHasItsBroker(fault, topology, issues);
    rules.sloLabelsExist(slos, topology, issues);
    rules.sloMetricsAreExposed(slos, topology, issues);
    profiles = checkProfiles(check, topology, options, issues);
  }
  if (issues.issues.length > 0 || !check.scenario || !topology) return { issues: issues.sorted() };
  return { admitted: { scenario: check.scenario, topology, profiles }, issues: [] };
}

/**
 * Admits a scenario by name or file: the scenario, its final topology and profiles. Throws
 * FL_UNKNOWN_SCENARIO for a name that is no file and no named scenario, InputError with every
 * issue for a file that does not pass, FL_USAGE for a bad option.
 */
export async function admitScenario(ref: string, options: GateOptions = {}): Promise<Admitted> {
  const { admitted, issues } = await checkScenarioForRun(resolveScenarioRef(ref, { cwd: options.cwd, scenarios: options.scenarios }), options);
  if (!admitted) throw new InputError(issues);
  return admitted;
}

/** Loads a scenario file through the gate (its own topology and profile); throws InputError. */
export async function loadScenario(file: string): Promise<Scenario> {
  const { admitted, issues } = await checkScenarioForRun(file);
  if (!admitted) throw new InputError(issues);
  return admitted.scenario;
}
