/**
 * faultline's programmatic API: run scenarios from your own code (e.g. a vitest suite) and get
 * the typed result; start the embedded Toxiproxy; load and validate scenario files.
 */
export { runScenario, planScenario, type RunScenarioOptions, type RunScenarioOutcome } from './api/run-scenario.ts';
export { analyseSaved, type AnalyseSavedOptions, type AnalyseSavedOutcome } from './api/analyse-saved.ts';
export { ingestK6, type IngestK6Options, type IngestK6Outcome } from './api/ingest-k6.ts';
export { ExitCode, exitCodeFor } from './cli/exit-code.ts';
export { startToxiproxy } from './toxiproxy/index.ts';
export { admitScenario, loadScenario, type Admitted } from './gate/index.ts';
export { FaultlineError, InputError, type InputIssue } from './errors.ts';
export type { RunResult, SloVerdict, WindowStats } from './model/result.ts';
export type { Recording, K6Report } from './model/recording.ts';
export type { Scenario } from './scenario/model.ts';
export type { Plan } from './plan/model.ts';
export { listScenarios, type ScenarioSummary } from './scenario/catalog.ts';
export type { RunEvents, ServiceExit, ResultFiles } from './model/events.ts';
export type { Topology, TopologyService, TopologyEdge } from './topology/model.ts';
