import { describe, expect, it } from 'vitest';
import type { Scrape } from '../../src/model/recording.ts';
import type { ChannelSeries, MessagingSecond } from '../../src/model/result.ts';
import { analyse } from '../../src/slo/analyse.ts';
import { failedScrape, metric, recording, scenario, scrape } from '../fixtures/builders.ts';

/**
 * The messaging series (docs/slos.md, "Messaging series") on hand-built scrapes whose answers
 * are worked out in each test's comment: a service's rate between two scrapes is its counter's
 * increase over the time between them, averaged over each second it covers, summed over services.
 */

const published = (service: string, channel: string, value: number, mode = 'confirmed') =>
  metric('messages_published_total', { service, channel, mode }, value);
const delivered = (service: string, channel: string, value: number) => metric('messages_delivered_total', { service, channel }, value);
const startedAt = (seconds: number) => metric('process_start_time_seconds', {}, seconds);

function messagingOf(durationMs: number, scrapes: Scrape[]): readonly ChannelSeries[] | undefined {
  return analyse(recording({ durationMs, scrapes }), scenario([])).messaging;
}

const column = (series: readonly ChannelSeries[] | undefined, channel: string, name: keyof Omit<MessagingSecond, 't'>) =>
  series!.find((c) => c.channel === channel)!.seconds.map((s) => s[name]);

describe('the messaging series', () => {
  it('gives a steady 10 messages/s as 10 in every second, scrapes on the second or not', () => {
    // On the second: 0, 10, … 50 at 0 … 5000 ms.
    const aligned = [0, 1, 2, 3, 4, 5].map((s) => scrape(s * 1000, 'trip', [published('trip', 'trip.created', 10 * s)]));
    expect(column(messagingOf(5000, aligned), 'trip.created', 'published')).toEqual([10, 10, 10, 10, 10]);
    // Half a second off: 5, 15, … 45 at 500 … 4500 ms. The first and last seconds are covered by
    // half a second each, at 10/s: still 10, not 5.
    const offset = [0, 1, 2, 3, 4].map((s) => scrape(s * 1000 + 500, 'trip', [published('trip', 'trip.created', 10 * s + 5)]));
    expect(column(messagingOf(5000, offset), 'trip.created', 'published')).toEqual([10, 10, 10, 10, 10]);
  });

  it('averages the rates of the scrape intervals that share a second', () => {
    // 10/s before 2 s, 30/s after; scrapes at 500, 1500, 2500, 3500 read 5, 15, 35, 65, so the
    // intervals run at 10, 20, 30/s. Second 0: [500, 1000) at 10. Second 1: half at 10, half at
    // 20 = 15. Second 2: half at 20, half at 30 = 25. Second 3: [3000, 3500) at 30.
    const scrapes = [
      [500, 5],
      [1500, 15],
      [2500, 35],
      [3500, 65],
    ].map(([t, value]) => scrape(t!, 'trip', [published('trip', 'trip.created', value!)]));
    expect(column(messagingOf(4000, scrapes), 'trip.created', 'published')).toEqual([10, 15, 25, 30]);
  });

  it('sums over services and over the other labels, per channel', () => {
    // trip publishes trip.created 6/s confirmed + 4/s fire-and-forget; dispatch receives it at
    // 10/s and publishes driver.assigned at 10/s, which trip and notification each receive:
    // 20 deliveries/s. Redeliveries: dispatch 1/s by the broker + 2/s its own retries.
    const scrapes = [0, 1, 2, 3].flatMap((s) => [
      scrape(s * 1000, 'trip', [
        published('trip', 'trip.created', 6 * s),
        published('trip', 'trip.created', 4 * s, 'fire_and_forget'),
        delivered('trip', 'driver.assigned', 10 * s),
      ]),
      scrape(s * 1000, 'dispatch', [
        delivered('dispatch', 'trip.created', 10 * s),
        published('dispatch', 'driver.assigned', 10 * s),
        metric('messages_redelivered_total', { service: 'dispatch', channel: 'trip.created', cause: 'broker' }, s),
        metric('messages_redelivered_total', { service: 'dispatch', channel: 'trip.created', cause: 'retry' }, 2 * s),
        metric('messages_duplicates_total', { service: 'dispatch', channel: 'trip.created' }, 0),
      ]),
      scrape(s * 1000, 'notification', [delivered('notification', 'driver.assigned', 10 * s)]),
    ]);
    const series = messagingOf(3000, scrapes);
    expect(series!.map((c) => c.channel)).toEqual(['driver.assigned', 'trip.created']);
    expect(column(series, 'trip.created', 'published')).toEqual([10, 10, 10]);
    expect(column(series, 'trip.created', 'delivered')).toEqual([10, 10, 10]);
    expect(column(series, 'trip.created', 'redelivered')).toEqual([3, 3, 3]);
    expect(column(series, 'trip.created', 'duplicates')).toEqual([0, 0, 0]);
    expect(column(series, 'driver.assigned', 'published')).toEqual([10, 10, 10]);
    expect(column(series, 'driver.assigned', 'delivered')).toEqual([20, 20, 20]);
    // Nobody redelivers driver.assigned or counts its duplicates: no series, no value.
    expect(column(series, 'driver.assigned', 'redelivered')).toEqual([null, null, null]);
  });

  it('shows a crash and restart as a stop and a restart, never a negative or the old total again', () => {
    // trip publishes 10/s; it dies at 4.2 s (scrapes at 5 and 6 s fail), starts again at 6.5 s
    // and publishes 10/s from 0. Raw counter: 0 10 20 30 40 · · 5 15 25. The 5 after the restart
    // were published after the last failed scrape (6 s): second 6 reads 5. The 2 published
    // between 4 and 4.2 s died with the process, unseen by any scrape: seconds 4 and 5 read 0.
    const raw = [0, 10, 20, 30, 40, undefined, undefined, 5, 15, 25];
    const scrapes = raw.map((value, s) =>
      value === undefined
        ? failedScrape(s * 1000, 'trip')
        : scrape(s * 1000, 'trip', [published('trip', 'trip.created', value), startedAt(s < 5 ? 1_700_000_000 : 1_700_000_006.5)]),
    );
    const values = column(messagingOf(9000, scrapes), 'trip.created', 'published');
    expect(values).toEqual([10, 10, 10, 10, 0, 0, 5, 10, 10]);
  });

  it('places what a restarted consumer counts after its restart, even on a counter that was 0 before', () => {
    // dispatch is down from 2 s (scrapes at 3 and 4 s fail) and comes back with messages queued
    // for it: 6 redeliveries by the broker between 4 and 5 s, none before the crash. They happened
    // after the last failed scrape (4 s): second 4 reads 6, seconds 2 and 3 read 0.
    const raw = [0, 0, 0, undefined, undefined, 6, 6];
    const scrapes = raw.map((value, s) =>
      value === undefined
        ? failedScrape(s * 1000, 'dispatch')
        : scrape(s * 1000, 'dispatch', [
            metric('messages_redelivered_total', { service: 'dispatch', channel: 'trip.created', cause: 'broker' }, value),
            startedAt(s < 3 ? 1_700_000_000 : 1_700_000_004.5),
          ]),
    );
    expect(column(messagingOf(6000, scrapes), 'trip.created', 'redelivered')).toEqual([0, 0, 0, 0, 6, 0]);
  });

  it('counts a restart between two scrapes as the new count, even with no failed scrape to show it', () => {
    // Restarted between 2 and 3 s: raw 0 10 20 3 13. Naively 3 − 20 = −17; the restart makes it 3.
    const scrapes = [0, 10, 20, 3, 13].map((value, s) => scrape(s * 1000, 'trip', [published('trip', 'trip.created', value)]));
    expect(column(messagingOf(4000, scrapes), 'trip.created', 'published')).toEqual([10, 10, 3, 10]);
  });

  it('leaves a gap where no scrape covers a second, and ends where an interrupted run ended', () => {
    // trip is first scraped at 2 s: seconds 0 and 1 are unknown, not 0.
    const late = [2, 3, 4].map((s) => scrape(s * 1000, 'trip', [published('trip', 'trip.created', 10 * s)]));
    expect(column(messagingOf(4000, late), 'trip.created', 'published')).toEqual([null, null, 10, 10]);
    const scrapes = [0, 1, 2, 3, 4].map((s) => scrape(s * 1000, 'trip', [published('trip', 'trip.created', 10 * s)]));
    const interrupted = analyse(recording({ durationMs: 10_000, scrapes, status: 'interrupted', interruption: { phase: 'load', atMs: 2500 } }), scenario([]));
    expect(interrupted.messaging![0]!.seconds.map((s) => [s.t, s.published])).toEqual([
      [0, 10],
      [1000, 10],
      [2000, 10],
    ]);
  });

  it('keeps a channel no message crossed, at 0, and has no series at all without messaging counters', () => {
    const quiet = [0, 1, 2].map((s) => scrape(s * 1000, 'trip', [published('trip', 'dead-letter', 0)]));
    expect(column(messagingOf(2000, quiet), 'dead-letter', 'published')).toEqual([0, 0]);
    const plain = [0, 1, 2].map((s) => scrape(s * 1000, 'trip', [metric('dependency_calls_total', { service: 'trip', dependency: 'passenger' }, 5 * s)]));
    expect(messagingOf(2000, plain)).toBeUndefined();
  });
});
