import type { AsyncResult, RunResult, SloVerdict } from '../../model/result.ts';
import { asyncCaveats } from '../async.ts';
import { displayUnit, formatAt, formatMargin, formatMs, formatThreshold, formatValue, trim } from '../format.ts';
import { brokerLabel, sloState, sloStateWord, verdictWord } from '../labels.ts';
import { escapeHtml } from './escape.ts';

/** `<td>` cells from already-escaped HTML; `num` right-aligns numbers. */
const td = (html: string, cls = '') => `<td${cls ? ` class="${cls}"` : ''}>${html}</td>`;
const th = (text: string) => `<th>${escapeHtml(text)}</th>`;

export function verdictBadge(verdict: RunResult['verdict']): string {
  return `<span class="verdict ${verdict}">${verdictWord(verdict)}</span>`;
}

/** ✓ met, ✗ missed; an SLO whose window did not complete gets neither. */
export function sloMark(slo: Pick<SloVerdict, 'passed' | 'coverage'>): string {
  const state = sloState(slo);
  if (state === 'met') return '<span class="pass" title="met">✓</span>';
  if (state === 'missed') return '<span class="fail" title="missed">✗</span>';
  return `<span class="partial" title="${sloStateWord(state)}: not judged">${state === 'partial' ? '~' : '–'}</span>`;
}

/** The measured value, marked `(partial)` or replaced by `not reached` for an incomplete window. */
export function measuredText(slo: SloVerdict): string {
  const state = sloState(slo);
  if (state === 'not-reached') return 'not reached';
  const value = formatValue(slo.measured, displayUnit(slo));
  return state === 'partial' ? `${value} (partial)` : value;
}

export function renderSloTable(result: RunResult): string {
  if (result.slos.length === 0) return '<p class="note">This scenario declares no SLOs.</p>';
  const rows = result.slos.map((s) =>
    [
      '<tr>',
      td(sloMark(s)),
      td(`${escapeHtml(s.name)}<div class="expr">${escapeHtml(s.expression)}</div>`),
      td(escapeHtml(s.window)),
      td(escapeHtml(measuredText(s)), 'num'),
      td(escapeHtml(formatThreshold(s.op, s.threshold, displayUnit(s))), 'num'),
      td(escapeHtml(formatMargin(s.margin, displayUnit(s))), s.margin !== null && s.margin < 0 ? 'num fail' : 'num'),
      td(escapeHtml(s.detail)),
      '</tr>',
    ].join(''),
  );
  return table(['', 'SLO', 'window', 'measured', 'threshold', 'margin', 'detail'], rows);
}

export function renderFaultTable(result: RunResult): string {
  if (result.faults.length === 0) return '<p class="note">This scenario injects no faults.</p>';
  const count = (n: number | undefined) => (n === undefined ? '<span class="muted">—</span>' : escapeHtml(n));
  const at = (ms: number | undefined, never: string) => (ms === undefined ? `<span class="muted">${never}</span>` : escapeHtml(formatAt(ms)));
  const rows = result.faults.map((f) =>
    [
      '<tr>',
      td(escapeHtml(f.id)),
      td(escapeHtml(f.kind)),
      td(escapeHtml(f.target)),
      td(at(f.appliedAtMs, 'never'), 'num'),
      td(f.appliedAtMs === undefined ? '' : at(f.removedAtMs, 'never'), 'num'),
      td(count(f.connectionsAffected), 'num'),
      td(count(f.requestsAffected), 'num'),
      td(f.error ? `<span class="fail">${escapeHtml(f.error)}</span>` : ''),
      '</tr>',
    ].join(''),
  );
  return table(['id', 'kind', 'target', 'applied', 'removed', 'connections affected', 'requests affected', 'error'], rows);
}

export function renderWindowTable(result: RunResult): string {
  const rows = result.windows.map((w) =>
    [
      '<tr>',
      td(escapeHtml(w.name)),
      td(`${escapeHtml(formatAt(w.startMs))} – ${escapeHtml(formatAt(w.endMs))}`, 'num'),
      td(escapeHtml(w.requests), 'num'),
      td(escapeHtml(w.errors), 'num'),
      td(escapeHtml(w.dropped), 'num'),
      td(escapeHtml(`${trim(w.throughput, 1)} req/s`), 'num'),
      td(escapeHtml(formatMs(w.latency.p50)), 'num'),
      td(escapeHtml(formatMs(w.latency.p99)), 'num'),
      td(escapeHtml(formatMs(w.latency.max)), 'num'),
      td(
        escapeHtml(
          Object.entries(w.errorsByKind)
            .filter(([, n]) => n > 0)
            .map(([kind, n]) => `${kind} ${n}`)
            .join(', '),
        ),
      ),
      '</tr>',
    ].join(''),
  );
  return table(['window', 'range', 'requests', 'errors', 'dropped', 'throughput', 'p50', 'p99', 'max', 'errors by kind'], rows);
}

/** Per window: what became of the accepted requests, repeats, async latency; then the caveats. */
export function renderAsyncTable(result: AsyncResult): string {
  const rows = result.windows.map((w) =>
    [
      '<tr>',
      td(escapeHtml(w.name)),
      ...[w.accepted, w.completed, w.lost, w.pending, w.duplicates, w.redeliveries].map((n) => td(escapeHtml(n), 'num')),
      ...[w.latency.p50, w.latency.p99, w.latency.max].map((ms) => td(w.completed > 0 ? escapeHtml(formatMs(ms)) : '<span class="muted">n/a</span>', 'num')),
      '</tr>',
    ].join(''),
  );
  const caveats = asyncCaveats(result);
  return [
    `<p>Completed by a message on <code>${escapeHtml(result.channel)}</code>; observed until ${escapeHtml(formatAt(result.observedUntilMs))} (${escapeHtml(result.stopped.replace('-', ' '))}).</p>`,
    table(['window', 'accepted', 'completed', 'lost', 'pending', 'duplicates', 'redeliveries', 'p50', 'p99', 'max'], rows),
    caveats.length > 0 ? `<ul class="reasons">${caveats.map((caveat) => `<li>${escapeHtml(caveat)}</li>`).join('')}</ul>` : '',
  ].join('\n');
}

export function renderEnvironment(result: RunResult): string {
  const env = result.environment;
  const entries: [string, string | number | undefined][] = [
    ['run id', result.runId],
    ['started at', result.startedAt],
    ['status', result.status],
    ['load duration', formatAt(result.durationMs)],
    ['seed', result.seed],
    ['time scale', result.timeScale],
    ['scenario file', result.scenario.file],
    ['faultline', env.faultlineVersion],
    ['node', env.node],
    ['toxiproxy', env.toxiproxyVersion ? `${env.toxiproxy} (${env.toxiproxyVersion})` : env.toxiproxy],
    ['broker', env.broker && brokerLabel(env.broker)],
    ['platform', env.platform],
    ['cpus', env.cpus],
  ];
  const items = entries.filter(([, v]) => v !== undefined).map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v!)}</dd>`);
  return `<dl class="env">${items.join('')}</dl>`;
}

/** A table in its own horizontal scroller: on a narrow screen the table scrolls, not the page. */
export function table(headers: readonly string[], rows: readonly string[]): string {
  return `<div class="scroll"><table><thead><tr>${headers.map(th).join('')}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table></div>`;
}
