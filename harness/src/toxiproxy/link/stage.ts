import type { Random } from '../random.ts';
import type { StageIO, ToxicKind } from '../toxics/toxic.ts';
import type { ActiveToxic } from '../proxy/active-toxic.ts';
import { isEnd, type Chunk, type StreamEnd, type Target } from './chunk.ts';
import { runHolding } from './hold.ts';
import { wakeAt } from './sleep.ts';
import { defaultQueueChunks, StageQueue } from './stage-queue.ts';

/** What a stage tells its direction: the stream ended here, or a toxic closed the connection. */
export interface StageOwner {
  readonly random: Random;
  /** The stage's code threw: a bug, but it must cost one connection, not the server. */
  onStageFailure(error: unknown): void;
  /** Bytes for the opposite direction, as if its source had sent them (see StageIO.reply). */
  reply(data: Buffer, close: boolean): void;
}

/** One run of a toxic on a stage: from (re)start to interruption or the end of the stream. */
interface Run {
  interrupted: boolean;
  /**
   * The run's pending waits (for an entry, for room, for a deadline), each by its cancel
   * function. Interrupting cancels them all. A set of callbacks rather than a race against one
   * long-lived "interrupted" promise: every race would leave a reaction on that promise for the
   * life of the connection, and the garbage collector would copy them all, chunk after chunk.
   */
  readonly waits: Set<() => void>;
  done: Promise<void>;
}
/**
 * One toxic on one connection direction: its input queue, the toxic's code running on it, and
 * the toxicity roll. Restarting (on update) re-rolls; interrupting makes the toxic forward what
 * it holds and return, so the chain can be changed without dropping or reordering bytes.
 */
export class Stage {
  readonly queue: StageQueue;
  /** Where this stage writes: the next stage's queue or the sink. Changed when the chain changes. */
  next: Target;
  /** Whether the current run's toxicity roll succeeded. */
  applied = false;
  /** The stream end (or a toxic's close) went through this stage: it has nothing more to do. */
  finished = false;
  private run: Run | undefined;
  private readonly state: unknown;
  private counted = false;

  constructor(
    readonly toxic: ActiveToxic,
    next: Target,
    private readonly owner: StageOwner,
  ) {
    this.queue = new StageQueue(toxic.kind.queueChunks ?? defaultQueueChunks);
    this.next = next;
    this.state = toxic.kind.newState?.();
  }

  /** Rolls toxicity and runs the toxic (or a pass-through when the roll fails). */
  start(): void {
    if (this.finished) return;
    // Always draw, even at toxicity 1, so the sequence of draws does not depend on the values.
    this.applied = this.owner.random.float() < this.toxic.toxicity;
    if (this.applied && !this.counted) {
      this.counted = true;
      this.toxic.appliedConnections.count++;
    }
    const run: Run = { interrupted: false, waits: new Set(), done: Promise.resolve() };
    this.run = run;
    const { kind, attributes } = this.toxic;
    const random = this.owner.random;
    let running: Promise<void>;
    if (!this.applied) running = runHolding(this, run, () => 0);
    else if (kind.pipe) running = kind.pipe(this.io(run), attributes);
    else running = runHolding(this, run, () => kind.holdMs(attributes, random));
    run.done = running.catch((error: unknown) => this.owner.onStageFailure(error));
  }

  /** Makes the running toxic forward what it holds and return; resolves once it has. */
  async interrupt(): Promise<void> {
    const run = this.run;
    if (!run) return;
    interruptRun(run);
    await run.done;
  }

  /** Whether removing the toxic must close this connection (see ToxicKind.closesOnRemoveIf). */
  closesOnRemove(): boolean {
    const kind = this.toxic.kind as ToxicKind;
    return kind.closesOnRemove === true || kind.closesOnRemoveIf?.(this.state) === true;
  }

  /** Stops the toxic for good (the connection is gone): timers cleared, nothing forwarded. */
  stop(): void {
    this.finished = true;
    if (this.run) interruptRun(this.run);
  }

  private io(run: Run): StageIO {
    let lastEnd: StreamEnd = { end: 'eof' };
    // The StageIO below has getters of its own `this`; the stage is reached through this name.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const stage = this;
    return {
      get interrupted() {
        return run.interrupted;
      },
      random: this.owner.random,
      state: this.state,
      async read(): Promise<Chunk | null | undefined> {
        for (;;) {
          if (run.interrupted) return undefined;
          const entry = stage.queue.take();
          if (entry) {
            if (!isEnd(entry)) return entry;
            lastEnd = entry;
            return null;
          }
          await waitUnlessInterrupted(run, undefined, (settle) => {
            stage.queue.onEntry(() => settle(undefined));
            return () => stage.queue.onEntry(undefined);
          });
        }
      },
      async write(chunk: Chunk): Promise<void> {
        if (stage.finished) return;
        if (stage.next.push(chunk) || run.interrupted) return;
        const next = stage.next;
        await waitUnlessInterrupted(run, undefined, (settle) => {
          void next.whenRoom().then(() => settle(undefined));
          return () => {};
        });
      },
      end(): void {
        stage.finishWith(lastEnd);
      },
      closeLink(): void {
        stage.finishWith({ end: 'close' });
      },
      reply(data: Buffer, options: { close?: boolean } = {}): void {
        if (!stage.finished) stage.owner.reply(data, options.close === true);
      },
      sleepUntil(deadlineMs: number): Promise<boolean> {
        return waitUnlessInterrupted(run, false, (settle) => {
          const timer = wakeAt(deadlineMs, () => settle(true));
          return () => timer.cancel();
        });
      },
    };
  }

  /** Forwards the end of the stream (or a toxic's close) and finishes the stage. */
  finishWith(end: StreamEnd): void {
    if (this.finished) return;
    this.finished = true;
    this.next.push(end);
  }
}

/** Cancels every pending wait of the run: each resolves with its "interrupted" value. */
function interruptRun(run: Run): void {
  run.interrupted = true;
  for (const cancel of [...run.waits]) cancel();
}

/**
 * Waits for `start`'s event (it calls `settle`) unless the run is or gets interrupted, in which
 * case it resolves with `interruptedValue`. `start` returns how to undo its registration.
 */
function waitUnlessInterrupted<T>(run: Run, interruptedValue: T, start: (settle: (value: T) => void) => () => void): Promise<T> {
  if (run.interrupted) return Promise.resolve(interruptedValue);
  return new Promise<T>((resolve) => {
    // Declared before `start` runs: `settle` may read it (as undefined) before start returns.
    // eslint-disable-next-line prefer-const
    let undo: (() => void) | undefined;
    let settled = false;
    const settle = (value: T): void => {
      if (settled) return;
      settled = true;
      run.waits.delete(cancel);
      undo?.();
      resolve(value);
    };
    const cancel = (): void => settle(interruptedValue);
    run.waits.add(cancel);
    undo = start(settle);
    // `start` may have settled at once (the event had already happened): nothing to undo then,
    // but the registration it made must not outlive the wait.
    if (settled) undo();
  });
}
