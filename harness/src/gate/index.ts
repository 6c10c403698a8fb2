/** The validation gate: a scenario checked against its final topology and profiles. */
export { admitScenario, checkGateOptions, checkScenarioForRun, loadScenario, type Admitted, type GateCheck, type GateOptions } from './admit.ts';
export { knownProfiles, profilesApply } from './profiles.ts';
