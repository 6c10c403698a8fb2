/** A piece of data travelling one direction of a link, stamped with when it was read. */
export interface Chunk {
  readonly data: Buffer;
  /** Monotonic time (performance.now(), ms) the chunk was read from its source. */
  readonly atMs: number;
}

/**
 * The end of a direction. `eof`: the source finished (half-close, the other direction goes on);
 * `close`: a toxic closed the connection (timeout, limit_data, reset_peer).
 */
export interface StreamEnd {
  readonly end: 'eof' | 'close';
}

export type Entry = Chunk | StreamEnd;

export function isEnd(entry: Entry): entry is StreamEnd {
  return (entry as StreamEnd).end !== undefined;
}

/** Where a stage or a source hands its entries: the next stage's queue or the sink socket. */
export interface Target {
  /** Takes the entry (always); false when the producer should wait for room before pushing more. */
  push(entry: Entry): boolean;
  /** Resolves when the target has room again. */
  whenRoom(): Promise<void>;
}
