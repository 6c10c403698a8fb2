import type { K6Report } from '../model/recording.ts';

/**
 * One line on k6's own view of the run, printed beside faultline's verdict: k6's threshold
 * result (exit 99 when one failed) is information; the verdict is faultline's (docs/k6.md).
 */
export function describeK6(k6: K6Report): string {
  const failed = k6.thresholds.filter((t) => !t.ok).map((t) => t.threshold);
  const thresholds =
    k6.thresholds.length === 0
      ? 'no thresholds'
      : failed.length === 0
        ? `its ${k6.thresholds.length} threshold(s) passed`
        : `threshold(s) failed: ${failed.join(', ')}`;
  if (k6.version === undefined && k6.exitCode === undefined && k6.thresholds.length === 0) return `k6 output ingested: ${k6.script}`;
  const exit = k6.exitCode === undefined ? '' : `, exit ${k6.exitCode}${k6.exitCode === 99 ? ' (thresholds failed)' : ''}`;
  return `k6${k6.version ? ` v${k6.version}` : ''} (${k6.script} script${exit}): ${thresholds} — k6's own result; the verdict above is faultline's`;
}
