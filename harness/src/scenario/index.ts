/** Scenario files: load + validate (every issue, located), list and resolve named scenarios. */
export { checkScenario, checkScenarioFile, loadScenario, loadScenarioWithTopology, DEFAULT_PROFILE, DEFAULT_SEED, type ScenarioCheck } from './load.ts';
export { listScenarios, resolveScenarioRef, scenariosDir, type ScenarioSummary } from './catalog.ts';
export { readYamlSource, sourceFromText, formatPath, type YamlSource, type FieldPath } from './source.ts';
export { parseDuration, parseRate, parseRatio, formatDuration } from './units.ts';
export { faultEndMs, loadDurationMs, builtinWindows } from './rules.ts';
export { toxicAttributes, toxicTypes } from './toxics.ts';
export type * from './model.ts';
