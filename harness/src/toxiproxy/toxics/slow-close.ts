import type { ToxicKind } from './toxic.ts';

/** `slow_close` (delay ms): data passes unchanged; the end of stream is forwarded `delay` later. */
export const slowCloseToxic: ToxicKind = {
  type: 'slow_close',
  goStruct: 'SlowCloseToxic',
  attributes: [{ name: 'delay', goType: 'int64' }],
  async pipe(io, { delay = 0 }) {
    for (;;) {
      const chunk = await io.read();
      if (chunk === undefined) return;
      if (chunk === null) {
        // Interrupted during the wait: the end goes on at once rather than being lost.
        await io.sleepUntil(performance.now() + delay);
        return io.end();
      }
      await io.write(chunk);
    }
  },
};
