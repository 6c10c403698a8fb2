import type { ToxicKind } from './toxic.ts';

/**
 * `slicer` (average_size bytes, size_variation bytes, delay µs): cuts each chunk into pieces of
 * about average_size ± size_variation bytes, with `delay` µs between pieces. Unlike Toxiproxy,
 * average_size <= 0 is rejected (it crashes Toxiproxy) and sizes are clamped to at least 1 byte.
 */
export const slicerToxic: ToxicKind = {
  type: 'slicer',
  goStruct: 'SlicerToxic',
  attributes: [
    { name: 'average_size', goType: 'int' },
    { name: 'size_variation', goType: 'int' },
    { name: 'delay', goType: 'int' },
  ],
  validate: ({ average_size = 0 }) => (average_size <= 0 ? 'average_size must be greater than 0' : undefined),
  async pipe(io, { average_size = 1, size_variation = 0, delay = 0 }) {
    const delayMs = delay / 1000;
    for (;;) {
      const chunk = await io.read();
      if (chunk === undefined) return;
      if (chunk === null) return io.end();
      let data = chunk.data;
      while (data.length > 0) {
        const variation = size_variation > 0 ? io.random.int(2 * size_variation + 1) - size_variation : 0;
        const size = Math.max(1, average_size + variation);
        await io.write({ data: data.subarray(0, size), atMs: chunk.atMs });
        data = data.subarray(size);
        if (delayMs > 0 && !(await io.sleepUntil(performance.now() + delayMs))) {
          if (data.length > 0) await io.write({ data, atMs: chunk.atMs });
          return;
        }
        if (io.interrupted) {
          if (data.length > 0) await io.write({ data, atMs: chunk.atMs });
          return;
        }
      }
    }
  },
};
