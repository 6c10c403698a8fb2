import type { RunResult } from '../../model/result.ts';
import { renderTimeChart, type TimeBand } from './chart.ts';
import { escapeHtml } from './escape.ts';
import { asyncLatencyLines, channelHadMessages, messagingLines } from './series.ts';

/**
 * The messaging half on the fault timeline: one chart per channel that carried messages (its
 * published, delivered, redelivered and duplicate messages per second, summed over services),
 * then the end-to-end async latency per second when an async: block was observed. Per channel,
 * not summed over channels: published and delivered compare only within a channel (a message
 * two services consume is delivered twice), and a stall on one channel would hide in a total
 * still fed by the others. Nothing for a run without a broker.
 */
export function renderMessagingCharts(result: RunResult, bands: readonly TimeBand[]): string[] {
  const durationMs = result.durationMs;
  const charts = (result.messaging ?? []).filter(channelHadMessages).map((channel) =>
    renderTimeChart({
      title: `Messages on ${channel.channel} per second (all services, from their counters between scrapes)`,
      unit: 'msg/s',
      durationMs,
      lines: messagingLines(channel),
      bands,
    }),
  );
  if (result.async && result.async.unavailable === undefined) {
    charts.push(
      renderTimeChart({
        title: `Async latency to ${result.async.channel} (p50, p99 of the requests scheduled in each second that completed)`,
        unit: 'ms',
        durationMs,
        lines: asyncLatencyLines(result),
        bands,
      }),
    );
  }
  return charts;
}

/** The channels the services know but no message crossed during the load, said once under the
 * charts rather than drawn as flat lines; empty when there are none. */
export function quietChannelsNote(result: RunResult): string {
  const quiet = (result.messaging ?? []).filter((channel) => !channelHadMessages(channel)).map((channel) => channel.channel);
  if (quiet.length === 0) return '';
  return `<p class="note">No message was counted on ${escapeHtml(quiet.join(', '))} during the load.</p>`;
}
