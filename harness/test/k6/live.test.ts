import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LineFollower } from '../../src/k6/follow.ts';
import { K6LiveSeconds } from '../../src/k6/live.ts';
import type { LiveSecond } from '../../src/load/live.ts';
import type { RequestSample } from '../../src/model/recording.ts';

const sample = (endMs: number, ok: boolean, durationMs = 10): RequestSample => ({
  scheduledMs: endMs - durationMs,
  sentMs: endMs - durationMs,
  endMs,
  status: ok ? 200 : 503,
  ok,
  ...(ok ? {} : { error: 'status' as const }),
});

describe("live seconds from k6's stream", () => {
  it('reports each second once its lag has passed, with the samples that ended in it', () => {
    const seconds: LiveSecond[] = [];
    const live = new K6LiveSeconds(3000, (s) => seconds.push(s), 1000);
    live.add(sample(200, true));
    live.add(sample(900, false, 40));
    live.dropped(950);
    live.add(sample(1500, true));
    live.roll(1999); // second 0 ends at 1000, reported from 2000
    expect(seconds).toEqual([]);
    live.roll(2000);
    expect(seconds).toHaveLength(1);
    expect(seconds[0]).toMatchObject({ t: 0, sent: 2, ok: 1, errors: 1, dropped: 1 });
    expect([...seconds[0]!.latenciesMs]).toEqual([10, 40]);
    live.finish();
    expect(seconds.map((s) => [s.t, s.sent])).toEqual([
      [0, 2],
      [1000, 1],
      [2000, 0],
    ]);
  });

  it('counts a sample that arrives after its second was reported in the next one', () => {
    const seconds: LiveSecond[] = [];
    const live = new K6LiveSeconds(2500, (s) => seconds.push(s), 0);
    live.roll(1000);
    live.add(sample(500, true)); // k6 wrote it late
    live.add(sample(2400, true));
    live.finish();
    expect(seconds.map((s) => s.sent)).toEqual([0, 1, 1]);
  });
});

describe('following a file another process appends to', () => {
  it('hands over every complete line in order while the file grows, and the last one at the end', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'faultline-follow-'));
    try {
      const file = join(dir, 'out.ndjson');
      const lines: [string, number][] = [];
      const follower = new LineFollower(file, (line, n) => lines.push([line, n]), 10);
      follower.start();
      await new Promise((r) => setTimeout(r, 30)); // not created yet: nothing, no error
      await writeFile(file, 'one\ntw');
      await expect.poll(() => lines.length).toBe(1);
      await appendFile(file, 'o\nthree\nfour (no newline yet)');
      await expect.poll(() => lines.length).toBe(3);
      await follower.finish();
      expect(lines).toEqual([
        ['one', 1],
        ['two', 2],
        ['three', 3],
        ['four (no newline yet)', 4],
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
