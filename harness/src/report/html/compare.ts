import type { RunResult } from '../../model/result.ts';
import { sloNames } from '../compare.ts';
import { displayUnit, formatThreshold } from '../format.ts';
import { sloCountsPhrase } from '../labels.ts';
import { escapeHtml } from './escape.ts';
import { renderCharts, renderHeader } from './sections.ts';
import { measuredText, sloMark, renderAsyncTable, renderEnvironment, renderFaultTable, table, verdictBadge } from './tables.ts';

/**
 * Several results of one scenario (one per profile): verdicts as cards side by side, one SLO
 * table with a column per profile, then each profile's charts and fault evidence.
 */
export function renderComparisonSections(results: readonly RunResult[]): string {
  const scenario = results[0]!.scenario;
  const cards = results.map(
    (r) =>
      `<div class="card"><h3>${escapeHtml(r.profile)} ${verdictBadge(r.verdict)}</h3><p>${escapeHtml(sloCountsPhrase(r.slos))}</p>${
        r.reasons.length ? `<ul class="reasons">${r.reasons.map((x) => `<li>${escapeHtml(x)}</li>`).join('')}</ul>` : ''
      }</div>`,
  );
  const rows = sloNames(results).map((name) => {
    const first = results.flatMap((r) => r.slos).find((s) => s.name === name)!;
    const cells = results.map((r) => {
      const slo = r.slos.find((s) => s.name === name);
      return slo ? `<td class="num">${sloMark(slo)} ${escapeHtml(measuredText(slo))}</td>` : '<td class="num muted">—</td>';
    });
    return `<tr><td>${escapeHtml(name)}<div class="expr">${escapeHtml(first.expression)}</div></td><td>${escapeHtml(first.window)}</td><td class="num">${escapeHtml(formatThreshold(first.op, first.threshold, displayUnit(first)))}</td>${cells.join('')}</tr>`;
  });
  const perProfile = results.map((r) =>
    [
      `<section class="profile">`,
      renderHeader(r, 'h2'),
      renderCharts(r),
      ...(r.async ? ['<h3>Asynchronous outcomes</h3>', renderAsyncTable(r.async)] : []),
      '<h3>Fault evidence</h3>',
      renderFaultTable(r),
      '<h3>Environment</h3>',
      renderEnvironment(r),
      '</section>',
    ].join('\n'),
  );
  return [
    `<h1>${escapeHtml(scenario.name)}: ${results.length} profiles compared</h1>`,
    scenario.hypothesis ? `<p><strong>Hypothesis:</strong> ${escapeHtml(scenario.hypothesis)}</p>` : '',
    `<div class="side-by-side">${cards.join('')}</div>`,
    '<h2>SLOs by profile</h2>',
    table(['SLO', 'window', 'threshold', ...results.map((r) => r.profile)], rows),
    ...perProfile,
  ].join('\n');
}
