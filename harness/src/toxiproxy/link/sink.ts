import type { Socket } from 'node:net';
import { isEnd, type Entry, type StreamEnd, type Target } from './chunk.ts';

/** The end of a direction's chain: writes to the destination socket, waits on its 'drain'. */
export class SocketSink implements Target {
  private room: Promise<void> | undefined;
  private releaseRoom: (() => void) | undefined;

  constructor(
    readonly socket: Socket,
    private readonly onEnd: (end: StreamEnd) => void,
  ) {
    socket.on('drain', () => {
      const release = this.releaseRoom;
      this.room = undefined;
      this.releaseRoom = undefined;
      release?.();
    });
  }

  push(entry: Entry): boolean {
    if (isEnd(entry)) {
      this.onEnd(entry);
      return true;
    }
    return this.socket.write(entry.data);
  }

  whenRoom(): Promise<void> {
    if (!this.socket.writableNeedDrain || this.socket.destroyed) return Promise.resolve();
    this.room ??= new Promise((resolve) => (this.releaseRoom = resolve));
    return this.room;
  }
}
