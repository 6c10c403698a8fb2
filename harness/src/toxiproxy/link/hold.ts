import { isEnd, type Chunk, type StreamEnd, type Target } from './chunk.ts';
import type { StageQueue } from './stage-queue.ts';

/** What the hold loop needs of its stage. */
export interface HoldingStage {
  readonly queue: StageQueue;
  /** Read afresh for every chunk: the chain can change between two chunks. */
  readonly next: Target;
  /** The connection is gone: nothing more is forwarded. */
  readonly finished: boolean;
  /** Forwards the end of the stream and finishes the stage. */
  finishWith(end: StreamEnd): void;
}

/** The run being served: interrupted flag and the set of cancel functions of its waits. */
export interface HoldingRun {
  readonly interrupted: boolean;
  readonly waits: Set<() => void>;
}

/**
 * Runs a toxic that only holds each chunk (latency; and the pass-through of noop or of a failed
 * toxicity roll): chunk after chunk, in order, each released when `holdMs()` has passed since it
 * was read from the source and not before the chunk ahead of it. Released chunks carry their
 * release time, so a later latency toxic of the same direction counts from there, as in
 * Toxiproxy. Interrupted, it forwards the chunk in hand at once and returns; the rest stays in
 * the queue for whatever runs next.
 *
 * A callback loop rather than an async toxic: the async form cost four promises, five closures
 * and a timer per chunk, kept alive for the whole hold. At a few thousand held chunks a second
 * that fills the young generation with survivors, and the longer scavenges are the tail of the
 * latency toxic. Here a chunk costs its queue entry and, while it waits, one timer.
 */
export function runHolding(stage: HoldingStage, run: HoldingRun, holdMs: () => number): Promise<void> {
  let held: Chunk | undefined;
  let releaseAtMs = 0;
  let timer: NodeJS.Timeout | undefined;
  let done = false;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));

  const stop = (): void => {
    done = true;
    run.waits.delete(onInterrupt);
    finish();
  };

  const step = (): void => {
    if (done) return;
    timer = undefined;
    for (;;) {
      if (stage.finished) return stop();
      if (run.interrupted) {
        // Data in flight is never dropped: the chunk in hand goes on as it came.
        if (held) stage.next.push(held);
        return stop();
      }
      if (!held) {
        const entry = stage.queue.take();
        if (!entry) return stage.queue.onEntry(step);
        if (isEnd(entry)) {
          stage.finishWith(entry);
          return stop();
        }
        held = entry;
        releaseAtMs = entry.atMs + holdMs();
      }
      const remainingMs = releaseAtMs - performance.now();
      // A Node timer can fire up to ~1 ms early (its clock is the loop's cached millisecond): it
      // is re-armed until the release time has really passed, so nothing is released early.
      if (remainingMs > 0) {
        timer = setTimeout(step, Math.ceil(remainingMs));
        return;
      }
      const chunk: Chunk = releaseAtMs === held.atMs ? held : { data: held.data, atMs: releaseAtMs };
      held = undefined;
      const next = stage.next;
      if (!next.push(chunk)) return void next.whenRoom().then(step);
    }
  };

  const onInterrupt = (): void => {
    if (timer) clearTimeout(timer);
    stage.queue.onEntry(undefined);
    step();
  };

  run.waits.add(onInterrupt);
  step();
  return finished;
}
