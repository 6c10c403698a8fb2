import { describe, expect, it } from 'vitest';
import { decodeRecording, encodeRecording } from '../../src/model/recording-file.ts';
import type { AsyncObservations } from '../../src/model/recording.ts';
import { recording } from '../fixtures/builders.ts';

const observed: AsyncObservations = {
  channel: 'driver.assigned',
  requestId: '/id',
  completionId: '/payload/tripId',
  messageId: '/id',
  drainMs: 7_500,
  accepted: [{ id: 't-1', scheduledMs: 10, acceptedMs: 35.5 }],
  acceptedWithoutId: 2,
  completions: [
    { id: 't-1', messageId: 'm-1', atMs: 120.25 },
    { id: 't-1', messageId: 'm-1', atMs: 900 },
  ],
  unreadable: 1,
  observedUntilMs: 8_100,
  stopped: 'all-completed',
  disconnections: [{ fromMs: 400, toMs: 650 }],
};

describe('recording.json with async observations (version 3 on)', () => {
  it('round-trips exactly, and without async stays without', () => {
    const withAsync = recording({ durationMs: 1_000, async: observed });
    const text = encodeRecording(withAsync);
    expect(text.startsWith('{"format":"faultline-recording","version":4,')).toBe(true);
    expect(decodeRecording(text, 'r.json')).toStrictEqual(withAsync);
    const without = recording({ durationMs: 1_000 });
    expect(decodeRecording(encodeRecording(without), 'r.json')).toStrictEqual(without);
  });

  it('a no-broker run keeps its reason', () => {
    const noBroker = recording({ durationMs: 1_000, async: { ...observed, completions: [], unavailable: 'no broker in this run', stopped: 'interrupted' } });
    expect(decodeRecording(encodeRecording(noBroker), 'r.json').async?.unavailable).toBe('no broker in this run');
  });

  it('names every wrong async field', () => {
    const text = encodeRecording(recording({ durationMs: 1_000, async: observed }))
      .replace('"stopped":"all-completed"', '"stopped":"sometime"')
      .replace('"messageId":"m-1","atMs":120.25', '"atMs":120.25');
    const error = (() => {
      try {
        decodeRecording(text, 'bad.json');
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error?.message).toContain('bad.json: not a faultline recording');
    expect(error?.message).toContain('recording.async.completions[0].messageId');
    expect(error?.message).toContain('recording.async.stopped');
  });
});
