import type { Entry, Target } from './chunk.ts';

/** Default bound of a stage's input queue (Toxiproxy's channels hold one chunk; we allow a few). */
export const defaultQueueChunks = 4;
/** Byte bound of any stage queue, so a fast source cannot make a toxic buffer without limit. */
export const maxQueueBytes = 16 * 1024 * 1024;

/**
 * The bounded input queue of one toxic stage. Producers always get their entry in (so nothing is
 * ever dropped) and are told to wait once the queue is full; the consumer waits while it is empty.
 */
export class StageQueue implements Target {
  /** Taken slots are cleared at once: a taken chunk must not be kept alive by the queue. */
  private entries: (Entry | undefined)[] = [];
  private head = 0;
  private bytes = 0;
  private entryWaiter: (() => void) | undefined;
  private roomWaiters: Promise<void> | undefined;
  private releaseRoom: (() => void) | undefined;

  constructor(private readonly maxChunks: number) {}

  get length(): number {
    return this.entries.length - this.head;
  }

  push(entry: Entry): boolean {
    this.entries.push(entry);
    if ('data' in entry) this.bytes += entry.data.length;
    const wake = this.entryWaiter;
    this.entryWaiter = undefined;
    wake?.();
    return this.hasRoom();
  }

  whenRoom(): Promise<void> {
    if (this.hasRoom()) return Promise.resolve();
    this.roomWaiters ??= new Promise((resolve) => (this.releaseRoom = resolve));
    return this.roomWaiters;
  }

  /** The oldest entry, or undefined when empty. */
  take(): Entry | undefined {
    if (this.head >= this.entries.length) return undefined;
    const entry = this.entries[this.head]!;
    this.entries[this.head] = undefined;
    this.head++;
    if (this.head === this.entries.length) {
      // Empty, the usual case between two chunks: start again at the front.
      this.entries.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    if ('data' in entry) this.bytes -= entry.data.length;
    if (this.releaseRoom && this.hasRoom()) this.notifyRoom();
    return entry;
  }

  /**
   * Calls `waiter` once when an entry is available (at once if one is); `undefined` forgets the
   * waiter. One waiter at a time: a stage has one consumer.
   */
  onEntry(waiter: (() => void) | undefined): void {
    if (waiter && this.length > 0) return waiter();
    this.entryWaiter = waiter;
  }

  /** Empties the queue, returning its entries in order (used when the stage is removed). */
  drainAll(): Entry[] {
    const rest = this.entries.slice(this.head) as Entry[];
    this.entries = [];
    this.head = 0;
    this.bytes = 0;
    this.notifyRoom();
    return rest;
  }

  private hasRoom(): boolean {
    return this.length < this.maxChunks && this.bytes < maxQueueBytes;
  }

  private notifyRoom(): void {
    const release = this.releaseRoom;
    this.releaseRoom = undefined;
    this.roomWaiters = undefined;
    release?.();
  }
}
