import type { Socket } from 'node:net';
import type { Random } from '../random.ts';
import type { ActiveToxic, Direction } from '../proxy/active-toxic.ts';
import { LinkDirection, type DirectionOwner } from './direction.ts';

/** How long a toxic's close waits for the last written bytes to flush before destroying. */
const closeFlushTimeoutMs = 2000;

/** Byte counts of a finished (or live) link, per direction, as /metrics reports them. */
export interface LinkBytes {
  upstream: { received: number; sent: number };
  downstream: { received: number; sent: number };
}

export interface LinkOwner {
  readonly random: Random;
  onLinkClosed(link: Link): void;
}

/**
 * One proxied connection: the client socket, the upstream socket and the two directions between
 * them (upstream = client → server, downstream = server → client). Half-close is honoured: each
 * direction ends its destination when its source ends; the link is over when both sockets close.
 */
export class Link implements DirectionOwner {
  readonly upstream: LinkDirection;
  readonly downstream: LinkDirection;
  /** Opened while a reset_peer toxic existed: toxic closes send RST (Toxiproxy's SO_LINGER 0). */
  private readonly resetOnClose: boolean;
  private socketsOpen = 2;
  private closed = false;
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly client: Socket,
    readonly server: Socket,
    toxics: Readonly<Record<Direction, readonly ActiveToxic[]>>,
    private readonly owner: LinkOwner,
  ) {
    this.upstream = new LinkDirection('upstream', client, server, this, toxics.upstream);
    this.downstream = new LinkDirection('downstream', server, client, this, toxics.downstream);
    this.resetOnClose = [...toxics.upstream, ...toxics.downstream].some((t) => t.kind.resetsPeer);
    for (const socket of [client, server]) {
      socket.on('error', () => this.destroy());
      socket.on('close', () => this.onSocketClose());
    }
    // Client bytes wait in the kernel until there is somewhere to send them.
    server.once('connect', () => {
      this.upstream.start();
      this.downstream.start();
    });
  }

  get random(): Random {
    return this.owner.random;
  }

  direction(direction: Direction): LinkDirection {
    return direction === 'upstream' ? this.upstream : this.downstream;
  }

  bytes(): LinkBytes {
    return {
      upstream: { received: this.client.bytesRead, sent: this.server.bytesWritten },
      downstream: { received: this.server.bytesRead, sent: this.client.bytesWritten },
    };
  }

  /** Closes both sockets now (proxy disabled or deleted, a socket failed). */
  destroy(): void {
    this.stopDirections();
    this.client.destroy();
    this.server.destroy();
  }

  onDirectionEnded(): void {
    // Nothing to do: each socket closes by itself once both of its sides are done.
  }

  /**
   * A toxic closed the connection: what the closing direction already wrote is flushed to its
   * destination, then both sockets close (with RST when the link was opened under reset_peer).
   */
  onToxicClose(direction: LinkDirection): void {
    if (this.closed) return;
    this.stopDirections();
    if (this.resetOnClose) {
      this.client.resetAndDestroy();
      this.server.resetAndDestroy();
      return;
    }
    const destination = direction.sink.socket;
    direction.source.destroy();
    destination.end(() => destination.destroy());
    this.flushTimer = setTimeout(() => destination.destroy(), closeFlushTimeoutMs);
    this.flushTimer.unref();
  }

  onReply(from: LinkDirection, data: Buffer, close: boolean): void {
    (from === this.upstream ? this.downstream : this.upstream).inject(data, close);
  }

  onFailure(): void {
    this.destroy();
  }

  private stopDirections(): void {
    this.upstream.stop();
    this.downstream.stop();
  }

  private onSocketClose(): void {
    this.socketsOpen--;
    if (this.socketsOpen > 0 || this.closed) return;
    this.closed = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.stopDirections();
    this.owner.onLinkClosed(this);
  }
}
