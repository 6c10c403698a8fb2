/** Scenario files: load + validate (every issue, located), list and resolve named scenarios. */
export { checkScenario, checkScenarioFile, DEFAULT_PROFILE, DEFAULT_SEED, type ScenarioCheck, type ScenarioReferences } from './load.ts';
export { builtinScenariosDir, catalogDirs, listScenarios, resolveScenarioRef, type CatalogOptions, type ScenarioSummary } from './catalog.ts';
export { configFileName, projectScenarios, type ProjectOptions } from './project.ts';
export { readYamlSource, sourceFromText, formatPath, type YamlSource, type FieldPath } from '../document/source.ts';
export { parseDuration, parseRate, parseRatio, formatDuration } from '../document/units.ts';
export { faultEndMs, loadDurationMs, builtinWindows } from './rules.ts';
export { toxicAttributes, toxicTypes } from '../faults/index.ts';
export type * from './model.ts';
