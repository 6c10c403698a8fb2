import type { ToxicKind } from './toxic.ts';

/**
 * `timeout` (timeout ms; 0 = never): drops all data of its direction and closes the connection
 * `timeout` after the toxic started on it. If the source ends first, the end goes on at once.
 * Removing the toxic closes every connection it was applied to (Toxiproxy's cleanup).
 */
export const timeoutToxic: ToxicKind = {
  type: 'timeout',
  goStruct: 'TimeoutToxic',
  attributes: [{ name: 'timeout', goType: 'int64' }],
  closesOnRemove: true,
  async pipe(io, { timeout = 0 }) {
    const closeAtMs = timeout > 0 ? performance.now() + timeout : Infinity;
    let expired: Promise<boolean> | undefined;
    for (;;) {
      if (timeout > 0) expired ??= io.sleepUntil(closeAtMs);
      const next = io.read();
      const outcome = expired ? await Promise.race([next, expired.then((slept) => (slept ? 'expired' : undefined))]) : await next;
      if (outcome === 'expired') return io.closeLink();
      if (outcome === undefined) return;
      if (outcome === null) return io.end();
      // A chunk: dropped on the floor.
    }
  },
};
