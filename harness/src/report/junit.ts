import type { RunResult, SloVerdict } from '../model/result.ts';
import { displayUnit, formatMargin, formatThreshold, formatValue } from './format.ts';
import { faultEvidence, faultLabel, resultTitle, sloState, sloStateWord } from './labels.ts';
import { escapeXmlText, xmlAttrs } from './xml.ts';
import { writeTextFile } from '../util/write-text-file.ts';

/** Name of the extra test case an inconclusive run adds. */
export const FAULT_EVIDENCE_CASE = 'fault evidence';

/**
 * JUnit XML for CI: one `<testsuite>` per result (`scenario [profile]`), one `<testcase>` per
 * SLO with a `<failure>` when it was missed; an inconclusive run adds a "fault evidence" test
 * case with an `<error>` giving the reasons, so CI shows why the verdict could not be trusted.
 * Times are in seconds.
 */
export function renderJunit(results: readonly RunResult[]): string {
  const suites = results.map(renderSuite);
  const totals = results
    .map(counts)
    .reduce((a, b) => ({ tests: a.tests + b.tests, failures: a.failures + b.failures, errors: a.errors + b.errors, skipped: a.skipped + b.skipped }), {
      tests: 0,
      failures: 0,
      errors: 0,
      skipped: 0,
    });
  const time = seconds(results.reduce((sum, r) => sum + r.durationMs, 0));
  return ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites ${xmlAttrs({ name: 'faultline', ...totals, time })}>`, ...suites, '</testsuites>', ''].join(
    '\n',
  );
}

export async function writeJunit(results: readonly RunResult[], file: string): Promise<void> {
  await writeTextFile(file, renderJunit(results));
}

function counts(result: RunResult): { tests: number; failures: number; errors: number; skipped: number } {
  const inconclusive = result.verdict === 'inconclusive' ? 1 : 0;
  const states = result.slos.map(sloState);
  return {
    tests: result.slos.length + inconclusive,
    failures: states.filter((s) => s === 'missed').length,
    errors: inconclusive,
    skipped: states.filter((s) => s === 'partial' || s === 'not-reached').length,
  };
}

function renderSuite(result: RunResult): string {
  const attrs = xmlAttrs({ name: resultTitle(result), ...counts(result), time: seconds(result.durationMs), timestamp: result.startedAt });
  const properties = Object.entries({
    runId: result.runId,
    seed: result.seed,
    profile: result.profile,
    timeScale: result.timeScale,
    status: result.status,
    verdict: result.verdict,
    scenarioFile: result.scenario.file,
  }).map(([name, value]) => `      <property ${xmlAttrs({ name, value })}/>`);
  const cases = result.slos.map((slo) => renderSloCase(result, slo));
  if (result.verdict === 'inconclusive') cases.push(renderEvidenceCase(result));
  return [`  <testsuite ${attrs}>`, '    <properties>', ...properties, '    </properties>', ...cases, '  </testsuite>'].join('\n');
}

function renderSloCase(result: RunResult, slo: SloVerdict): string {
  const attrs = xmlAttrs({ name: slo.name, classname: result.scenario.name, time: 0 });
  const state = sloState(slo);
  if (state === 'met') return `    <testcase ${attrs}/>`;
  if (state === 'partial' || state === 'not-reached') {
    // Not judged: its window did not complete (the run was interrupted), so neither pass nor failure.
    const message = `${sloStateWord(state)}: ${slo.reason ?? slo.detail}`;
    return [`    <testcase ${attrs}>`, `      <skipped ${xmlAttrs({ message })}/>`, '    </testcase>'].join('\n');
  }
  const message = `${slo.name} (${slo.window}): measured ${formatValue(slo.measured, displayUnit(slo))}, threshold ${formatThreshold(slo.op, slo.threshold, displayUnit(slo))}, margin ${formatMargin(slo.margin, displayUnit(slo))}`;
  const body = [slo.detail, `expression: ${slo.expression}`, `window: ${slo.window}`].join('\n');
  return [`    <testcase ${attrs}>`, `      <failure ${xmlAttrs({ message, type: 'SloMissed' })}>${escapeXmlText(body)}</failure>`, '    </testcase>'].join(
    '\n',
  );
}

function renderEvidenceCase(result: RunResult): string {
  const reasons = result.reasons.length > 0 ? result.reasons : [`run ${result.status}, verdict inconclusive`];
  const evidence = result.faults.map((f) => `${faultLabel(f)}: ${faultEvidence(f)}`);
  const body = [...reasons, '', ...evidence].join('\n');
  return [
    `    <testcase ${xmlAttrs({ name: FAULT_EVIDENCE_CASE, classname: result.scenario.name, time: 0 })}>`,
    `      <error ${xmlAttrs({ message: reasons.join('; '), type: 'Inconclusive' })}>${escapeXmlText(body)}</error>`,
    '    </testcase>',
  ].join('\n');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}
