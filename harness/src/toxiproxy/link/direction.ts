import type { Socket } from 'node:net';
import type { Random } from '../random.ts';
import type { ActiveToxic, Direction as StreamDirection } from '../proxy/active-toxic.ts';
import type { StreamEnd, Target } from './chunk.ts';
import { SocketSink } from './sink.ts';
import { Stage, type StageOwner } from './stage.ts';

/** What a direction reports to its link. */
export interface DirectionOwner {
  readonly random: Random;
  /** The source ended and everything before the end reached the sink. */
  onDirectionEnded(direction: LinkDirection): void;
  /** A toxic closed the connection (or must, because it was removed: timeout). */
  onToxicClose(direction: LinkDirection): void;
  /** A toxic of `from` answers: bytes for the other direction (see StageIO.reply). */
  onReply(from: LinkDirection, data: Buffer, close: boolean): void;
  onFailure(error: unknown): void;
}

/**
 * One direction of a connection: source socket → toxic stages → sink socket. With no toxic the
 * source is simply piped to the sink (Node's own `pipe`, the cheapest path); with toxics each
 * chunk is stamped and queued into the first stage. Chain changes are applied one at a time and
 * never drop or reorder bytes; the direction goes back to `pipe` when its last toxic is removed.
 */
export class LinkDirection implements StageOwner {
  readonly stages: Stage[] = [];
  readonly sink: SocketSink;
  /** The end of stream reached the sink (or the connection is gone): the chain is frozen. */
  finished = false;
  private changes: Promise<void> = Promise.resolve();
  private paused = false;
  private started = false;
  private piping = false;

  constructor(
    readonly stream: StreamDirection,
    readonly source: Socket,
    destination: Socket,
    private readonly owner: DirectionOwner,
    toxics: readonly ActiveToxic[],
  ) {
    this.sink = new SocketSink(destination, (end) => this.onSinkEnd(end));
    for (const toxic of toxics) this.appendStage(toxic);
    // Listen for the end from the start: a client's FIN can come before the upstream connects,
    // and a socket that ends before connecting sends its FIN once connected.
    this.source.on('end', this.onSourceEnd);
  }

  /** Starts moving data (once both sockets are connected; until then bytes wait in the kernel). */
  start(): void {
    if (this.started || this.finished) return;
    this.started = true;
    if (this.stages.length === 0) this.usePipe();
    else this.useChain();
  }

  get random(): Random {
    return this.owner.random;
  }

  /** The connection is gone: every stage stops, nothing more is forwarded. */
  stop(): void {
    this.finished = true;
    for (const stage of this.stages) stage.stop();
  }

  onStageFailure(error: unknown): void {
    this.owner.onFailure(error);
  }

  reply(data: Buffer, close: boolean): void {
    this.owner.onReply(this, data, close);
  }

  /**
   * Bytes a toxic of the other direction sends back, taken as if this direction's source had
   * just sent them: after what it already read, before its toxics. With `close`, the connection
   * closes once they reach the sink.
   */
  inject(data: Buffer, close: boolean): void {
    if (this.finished) return;
    const head = this.stages[0];
    // In pipe mode the source writes to the same socket; the injected bytes go between two of
    // its writes, which is in order for an answer to a request the server never saw.
    const target = head && !head.finished ? head.queue : this.sink;
    target.push({ data, atMs: performance.now() });
    if (close) target.push({ end: 'close' });
  }

  addToxic(toxic: ActiveToxic): Promise<void> {
    return this.change(() => {
      this.appendStage(toxic);
    });
  }

  updateToxic(toxic: ActiveToxic): Promise<void> {
    return this.change(async () => {
      const stage = this.stages.find((s) => s.toxic === toxic);
      if (!stage) return;
      await stage.interrupt();
      if (!this.finished) stage.start();
    });
  }

  removeToxic(toxic: ActiveToxic): Promise<void> {
    return this.change(async () => {
      const index = this.stages.findIndex((s) => s.toxic === toxic);
      if (index < 0) return;
      const stage = this.stages[index]!;
      await stage.interrupt();
      if (this.finished) return;
      if (stage.applied && !stage.finished && stage.closesOnRemove()) {
        stage.stop();
        this.owner.onToxicClose(this);
        return;
      }
      // Splice the stage out: what it still queues goes on, in order, to whatever followed it.
      this.stages.splice(index, 1);
      const previous = this.stages[index - 1];
      if (previous) previous.next = stage.next;
      const pending = stage.queue.drainAll();
      for (const entry of pending) stage.next.push(entry);
      // Everything the chain held is now in the sink's buffer, in order: piping is safe again.
      if (this.stages.length === 0 && this.started) this.usePipe();
    });
  }

  private appendStage(toxic: ActiveToxic): void {
    if (this.finished) return;
    const stage = new Stage(toxic, this.sink, this);
    const last = this.stages[this.stages.length - 1];
    if (last) last.next = stage.queue;
    this.stages.push(stage);
    stage.start();
    if (this.piping) this.useChain();
  }

  private usePipe(): void {
    if (this.piping) return;
    this.source.off('data', this.onData);
    this.piping = true;
    // pipe() pauses on a full sink and resumes on 'drain' by itself; the end is ours to forward.
    this.source.pipe(this.sink.socket, { end: false });
  }

  private useChain(): void {
    if (this.piping) {
      // unpipe() happens between two 'data' events: no chunk is in between the two paths.
      this.source.unpipe(this.sink.socket);
      this.piping = false;
    }
    this.source.on('data', this.onData);
    if (!this.paused && !this.source.destroyed) this.source.resume();
  }

  private change(apply: () => void | Promise<void>): Promise<void> {
    const next = this.changes.then(() => (this.finished ? undefined : apply()));
    this.changes = next.catch((error: unknown) => this.owner.onFailure(error));
    return this.changes;
  }

  private readonly onData = (data: Buffer): void => {
    const head = this.stages[0];
    if (head === undefined) {
      // Only between the last stage's removal and the switch back to pipe.
      if (!this.sink.socket.write(data)) this.pauseUntilRoom(this.sink);
      return;
    }
    if (!head.queue.push({ data, atMs: performance.now() })) this.pauseUntilRoom(head.queue);
  };

  private readonly onSourceEnd = (): void => {
    const head = this.stages[0];
    (head ? head.queue : this.sink).push({ end: 'eof' });
  };

  private pauseUntilRoom(target: Target): void {
    if (this.paused) return;
    this.paused = true;
    this.source.pause();
    void target.whenRoom().then(() => {
      this.paused = false;
      // In pipe mode, pipe() owns pausing and resuming.
      if (!this.piping && !this.source.destroyed) this.source.resume();
    });
  }

  private onSinkEnd(end: StreamEnd): void {
    if (this.finished) return;
    if (end.end === 'close') {
      this.owner.onToxicClose(this);
      return;
    }
    this.finished = true;
    this.sink.socket.end();
    this.owner.onDirectionEnded(this);
  }
}
