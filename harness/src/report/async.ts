import type { AsyncResult, AsyncWindowStats } from '../model/result.ts';
import { formatMs } from './format.ts';

/**
 * The asynchronous outcomes in words, shared by the console summary, `compare` and the HTML
 * report: what became of the accepted requests (completed, lost, pending), the duplicates and
 * redeliveries, and the async latency. Formatting only; analysis counted.
 */

/** `120 accepted: 118 completed, 2 lost` (+ `, 3 pending` when some are). */
export function fatePhrase(w: AsyncWindowStats): string {
  const parts = [`${w.completed} completed`, `${w.lost} lost`];
  if (w.pending > 0) parts.push(`${w.pending} pending`);
  return `${w.accepted} accepted: ${parts.join(', ')}`;
}

/** `1 duplicate, 3 redeliveries`. */
export function repeatsPhrase(w: AsyncWindowStats): string {
  return `${w.duplicates} duplicate${w.duplicates === 1 ? '' : 's'}, ${w.redeliveries} redeliver${w.redeliveries === 1 ? 'y' : 'ies'}`;
}

/** `async latency p50 120 ms, p99 900 ms, max 1.2 s`, or nothing completed. */
export function latencyPhrase(w: AsyncWindowStats): string {
  if (w.completed === 0) return 'nothing completed';
  return `async latency p50 ${formatMs(w.latency.p50)}, p99 ${formatMs(w.latency.p99)}, max ${formatMs(w.latency.max)}`;
}

/** Sentences on what limits the numbers: no broker, requests or messages not followed, blind spans. */
export function asyncCaveats(result: AsyncResult): string[] {
  const caveats: string[] = [];
  if (result.unavailable) caveats.push(`nothing observed: ${result.unavailable}`);
  if (result.stopped === 'interrupted' && !result.unavailable)
    caveats.push('the observer stopped before the drain ended: requests without a completion are pending');
  if (result.acceptedWithoutId > 0) caveats.push(`${result.acceptedWithoutId} accepted response(s) carried no id and are not followed`);
  if (result.unreadable > 0) caveats.push(`${result.unreadable} message(s) on ${result.channel} carried no readable id`);
  if (result.unmatched > 0) caveats.push(`${result.unmatched} message(s) matched no accepted request (warm-up, or requests the client gave up on)`);
  if (result.disconnections.length > 0) {
    const totalMs = result.disconnections.reduce((sum, span) => sum + span.toMs - span.fromMs, 0);
    caveats.push(`the observer was disconnected ${result.disconnections.length} time(s), ${formatMs(totalMs)} in all`);
  }
  return caveats;
}

/** `whole    120 accepted: 118 completed, 2 lost · 1 duplicate, 3 redeliveries · async latency …`, one per window. */
export function asyncLines(result: AsyncResult): string[] {
  const width = Math.max(0, ...result.windows.map((w) => w.name.length));
  return result.windows.map((w) => `${w.name.padEnd(width)}  ${fatePhrase(w)} · ${repeatsPhrase(w)} · ${latencyPhrase(w)}`);
}
