import type { RunResult } from '../../model/result.ts';
import { interruptionLine, resultTitle, sloCountsPhrase } from '../labels.ts';
import { renderBreakerTimeline } from './breaker.ts';
import { renderTimeChart } from './chart.ts';
import { escapeHtml } from './escape.ts';
import { quietChannelsNote, renderMessagingCharts } from './messaging.ts';
import { amplificationLines, asyncLines, faultBands, latencyLines, throughputLines } from './series.ts';
import { renderAsyncTable, renderEnvironment, renderFaultTable, renderSloTable, renderWindowTable, verdictBadge } from './tables.ts';

/** Verdict, what was tested and why the verdict may not be trusted. */
export function renderHeader(result: RunResult, heading: 'h1' | 'h2' = 'h1'): string {
  const reasons = result.reasons.length > 0 ? `<ul class="reasons">${result.reasons.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul>` : '';
  const stop = interruptionLine(result);
  const summary = `${sloCountsPhrase(result.slos)}${stop ? ` (${stop})` : ''}`;
  return [
    `<${heading}>${escapeHtml(resultTitle(result))} ${verdictBadge(result.verdict)}</${heading}>`,
    `<p>${escapeHtml(summary)}; run ${escapeHtml(result.status)}, seed ${escapeHtml(result.seed)}, time scale ${escapeHtml(result.timeScale)}.</p>`,
    reasons,
    result.scenario.description ? `<p>${escapeHtml(result.scenario.description)}</p>` : '',
    result.scenario.hypothesis ? `<p><strong>Hypothesis:</strong> ${escapeHtml(result.scenario.hypothesis)}</p>` : '',
  ].join('\n');
}

/** Every chart of one result: client throughput and latency, breaker states, retry amplification;
 * with an async: block its outcomes; with a broker its messages and the async latency. */
export function renderCharts(result: RunResult): string {
  const bands = faultBands(result);
  const durationMs = result.durationMs;
  return [
    '<div class="charts">',
    renderTimeChart({ title: 'Throughput, errors and dropped requests per second', unit: 'req/s', durationMs, lines: throughputLines(result), bands }),
    renderTimeChart({ title: 'Latency from scheduled send (p50, p99)', unit: 'ms', durationMs, lines: latencyLines(result), bands }),
    renderBreakerTimeline(result),
    renderTimeChart({
      title: 'Retry amplification (attempts per call that reached the network, per scrape interval)',
      unit: '×',
      durationMs,
      lines: amplificationLines(result),
      bands,
      minYMax: 1,
    }),
    ...(result.async
      ? [
          renderTimeChart({
            title: `Asynchronous outcomes (${result.async.channel}): accepted and completed per second, backlog; the drain after the load included`,
            unit: 'requests',
            durationMs: Math.max(durationMs, result.async.observedUntilMs),
            lines: asyncLines(result),
            bands,
          }),
        ]
      : []),
    ...renderMessagingCharts(result, bands),
    '</div>',
    quietChannelsNote(result),
  ].join('\n');
}

/** The full report body of one result. */
export function renderResultSections(result: RunResult): string {
  return [
    renderHeader(result),
    '<h2>SLOs</h2>',
    renderSloTable(result),
    '<h2>Over time</h2>',
    renderCharts(result),
    ...(result.async ? ['<h2>Asynchronous outcomes</h2>', renderAsyncTable(result.async)] : []),
    '<h2>Fault evidence</h2>',
    renderFaultTable(result),
    '<h2>Windows</h2>',
    renderWindowTable(result),
    '<h2>Environment</h2>',
    renderEnvironment(result),
  ].join('\n');
}
