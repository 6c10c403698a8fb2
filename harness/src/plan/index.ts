/** Plan: the pure compilation of a scenario into an absolute timeline, and its printed form. */
export { compilePlan, scrapeIntervalMs, sortEvents, type PlanOptions } from './compile.ts';
export { formatPlan, describePlannedFault } from './format.ts';
export type * from './model.ts';
