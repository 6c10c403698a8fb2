import type { Chunk } from '../link/chunk.ts';
import type { Random } from '../random.ts';

/** A toxic's attributes, keyed by their API name (e.g. `latency`): integers, as Toxiproxy's are,
 * but for a share (`rate`) of faultline's own `http` toxic. */
export type Attributes = Readonly<Record<string, number>>;

/** One attribute of a toxic type, with the Go type Toxiproxy declares (used in error messages). */
export interface AttributeSpec {
  readonly name: string;
  readonly goType: 'int64' | 'int' | 'float64';
}

/**
 * What a toxic's code sees of one connection direction: Toxiproxy's "stub". A toxic reads
 * chunks, does its thing and writes them on; when interrupted (the toxic was updated or removed,
 * or the chain changed) it forwards whatever it holds and returns, so no data is ever dropped.
 */
export interface StageIO<S = unknown> {
  /** The next chunk; `null` at the end of the stream; `undefined` once interrupted. */
  read(): Promise<Chunk | null | undefined>;
  /** Hands a chunk on; resolves when the next stage has room (at once when interrupted). */
  write(chunk: Chunk): Promise<void>;
  /** Forwards the end of stream just read; the stage is then finished. */
  end(): void;
  /** Closes the whole connection once what was written is flushed (timeout, limit_data, …). */
  closeLink(): void;
  /** Waits until `deadlineMs` (performance.now() clock); false if interrupted first. */
  sleepUntil(deadlineMs: number): Promise<boolean>;
  readonly interrupted: boolean;
  /** The server's seeded generator. */
  readonly random: Random;
  /** Per connection-direction state that survives updates of the toxic (see `newState`). */
  readonly state: S;
  /**
   * Sends bytes back the way they came, as if the other end had sent them: into the opposite
   * direction, before its toxics, after what that direction has already read. With `close`, the
   * connection is closed once they are through. (The `http` toxic answers requests with it.)
   */
  reply(data: Buffer, options?: { close?: boolean }): void;
}

/** What every toxic type declares. One file per type, one registry line. */
interface ToxicKindBase<S> {
  /** The API name, e.g. `latency`. */
  readonly type: string;
  /** Toxiproxy's Go struct name, for error messages that match Toxiproxy's. */
  readonly goStruct: string;
  /** Attributes in Toxiproxy's order (the order of the JSON object). */
  readonly attributes: readonly AttributeSpec[];
  /** Checks beyond "every attribute is a non-negative integer"; returns a message when invalid. */
  validate?(attributes: Attributes): string | undefined;
  /** Chunks its input queue holds before the producer waits (Toxiproxy's buffer size). Default 4. */
  readonly queueChunks?: number;
  /** Creates per connection-direction state (e.g. bytes already let through). */
  newState?(): S;
  /** Removing the toxic closes every connection it was applied to (timeout). */
  readonly closesOnRemove?: boolean;
  /** Removing the toxic closes the connections whose state says so (the `http` toxic, in the
   * middle of a request it answered itself: the rest of it must not reach the server). */
  closesOnRemoveIf?(state: S): boolean;
  /** The streams it works on, when not both (the `http` toxic reads requests: upstream). */
  readonly streams?: readonly ('upstream' | 'downstream')[];
  /** Not Toxiproxy's: a faultline extension, listed by `GET /extensions` and refused by a real
   * Toxiproxy. */
  readonly extension?: { readonly description: string };
  /** Connections opened while the toxic exists are closed with RST (SO_LINGER 0). */
  readonly resetsPeer?: boolean;
}

/** A toxic with its own code on each connection direction (timeout, bandwidth, slicer, …). */
export interface PipingToxicKind<S = unknown> extends ToxicKindBase<S> {
  /** Runs the toxic on one connection direction until the stream ends or it is interrupted. */
  pipe(io: StageIO<S>, attributes: Attributes): Promise<void>;
  readonly holdMs?: undefined;
}

/**
 * A toxic that only holds each chunk for a while, in order (latency, noop). The stage runs it
 * itself (link/hold.ts), without a promise per chunk: this is the hot path of most scenarios.
 */
export interface HoldingToxicKind extends ToxicKindBase<unknown> {
  /** How long to hold the next chunk, in ms (drawn per chunk, e.g. with jitter). */
  holdMs(attributes: Attributes, random: Random): number;
  readonly pipe?: undefined;
}

/** One toxic type: its API name, attributes and behaviour. */
export type ToxicKind<S = unknown> = PipingToxicKind<S> | HoldingToxicKind;
