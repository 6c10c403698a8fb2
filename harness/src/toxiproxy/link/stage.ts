import type { Random } from '../random.ts';
import type { StageIO } from '../toxics/toxic.ts';
import type { ActiveToxic } from '../proxy/active-toxic.ts';
import { passThrough } from '../toxics/toxic.ts';
import { isEnd, type Chunk, type StreamEnd, type Target } from './chunk.ts';
import { sleepUntil } from './sleep.ts';
import { defaultQueueChunks, StageQueue } from './stage-queue.ts';

/** What a stage tells its direction: the stream ended here, or a toxic closed the connection. */
export interface StageOwner {
  readonly random: Random;
  /** The stage's code threw: a bug, but it must cost one connection, not the server. */
  onStageFailure(error: unknown): void;
}

/** One run of a toxic on a stage: from (re)start to interruption or the end of the stream. */
interface Run {
  interrupted: boolean;
  interrupt: () => void;
  whenInterrupted: Promise<undefined>;
  timer: NodeJS.Timeout | undefined;
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
    let interrupt!: () => void;
    const whenInterrupted = new Promise<undefined>((resolve) => (interrupt = () => resolve(undefined)));
    const run: Run = { interrupted: false, interrupt, whenInterrupted, timer: undefined, done: Promise.resolve() };
    run.interrupt = () => {
      run.interrupted = true;
      if (run.timer) clearTimeout(run.timer);
      interrupt();
    };
    this.run = run;
    const io = this.io(run);
    const attributes = this.toxic.attributes;
    run.done = (this.applied ? this.toxic.kind.pipe(io, attributes) : passThrough(io)).catch((error: unknown) => this.owner.onStageFailure(error));
  }

  /** Makes the running toxic forward what it holds and return; resolves once it has. */
  async interrupt(): Promise<void> {
    const run = this.run;
    if (!run) return;
    run.interrupt();
    await run.done;
  }

  /** Stops the toxic for good (the connection is gone): timers cleared, nothing forwarded. */
  stop(): void {
    this.finished = true;
    this.run?.interrupt();
  }

  private io(run: Run): StageIO {
    let lastEnd: StreamEnd = { end: 'eof' };
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
          await Promise.race([stage.queue.whenEntry(), run.whenInterrupted]);
        }
      },
      async write(chunk: Chunk): Promise<void> {
        if (stage.finished) return;
        if (stage.next.push(chunk) || run.interrupted) return;
        await Promise.race([stage.next.whenRoom(), run.whenInterrupted]);
      },
      end(): void {
        stage.finishWith(lastEnd);
      },
      closeLink(): void {
        stage.finishWith({ end: 'close' });
      },
      async sleepUntil(deadlineMs: number): Promise<boolean> {
        if (run.interrupted) return false;
        const slept = sleepUntil(deadlineMs, (timer) => (run.timer = timer)).then(() => true);
        return (await Promise.race([slept, run.whenInterrupted])) ?? false;
      },
    };
  }

  private finishWith(end: StreamEnd): void {
    if (this.finished) return;
    this.finished = true;
    this.next.push(end);
  }
}
