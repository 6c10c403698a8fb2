export { exportK6Script, type K6ExportOptions } from './script.ts';
export { k6ScenarioFor, k6Duration, type K6Scenario } from './executor.ts';
export { translateSlos, type K6Threshold, type SkippedSlo, type ThresholdTranslation } from './thresholds.ts';
export { parseK6Summary, parseK6SummaryText, type K6Summary, type K6Latency, type K6ThresholdOutcome } from './summary.ts';
