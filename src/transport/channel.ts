/**
 * A framed, fd-carrying connection over a non-blocking AF_UNIX stream socket, driven by a native
 * poller on Node's event loop. Used by both ends: the broker's sessions and the client library.
 *
 * - Reads: recvmsg into one buffer shared by every channel (reads are synchronous and the parser
 *   copies), with nothing allocated per read; every complete frame in it is delivered, in order.
 *   A bounded number of reads per wake-up keeps one busy peer from starving the others.
 * - fds: with an FdPolicy, a frame keeps only the fds its command takes, and the incomplete frame
 *   only what its command (or, before its header arrives, any command) takes; the others are
 *   closed on arrival, so what a peer sends does not decide how many fds this process holds.
 * - Writes: queued, and written at the end of the event loop's turn (turn_batch.ts): every frame
 *   sent in one turn goes out in one sendmsg (WriteQueue), a frame's parts without being copied
 *   together. Write interest is armed only when the socket is full. fds travel with the first
 *   byte of their frame, in a sendmsg of their own.
 * - end() flushes then closes; destroy() closes now. Either way onClose fires exactly once and
 *   every fd that arrived but was never claimed is closed.
 * - A write that finds the peer gone (EPIPE, ECONNRESET) does not close at once: what the peer
 *   sent before leaving (typically its last answer, or the error it hung up with) is still read
 *   and delivered, and the channel closes at end of stream with that write error.
 */
import { isNativeError, native, NativePoller } from '../addon';
import { closeQuietly, MAX_FDS_PER_MESSAGE } from './fds';
import { Frame, FRAME_HEADER_SIZE, FrameError, FrameParser, MAX_FRAME_SIZE } from '../uapi/frame';
import { flushAtEndOfTurn, TurnFlushable } from './turn_batch';
import { SendParts, WriteQueue } from './write_queue';

export interface ChannelHandlers {
  onFrame(frame: Frame): void;
  /** The byte stream is corrupt (bad header); the channel stops reading. */
  onProtocolError(err: FrameError): void;
  /** Called once, after the fd is closed. `err` is set for I/O failures, not for a clean EOF. */
  onClose(err?: Error): void;
  /** The write queue emptied (the peer took everything sent); for write-side backpressure. */
  onDrain?(): void;
}

/** How many received fds a frame may keep; the rest are closed as soon as the frame is seen. */
export interface FdPolicy {
  /** The most any frame keeps: what an incomplete frame whose header has not arrived may hold. */
  readonly maxPerFrame: number;
  /** What a frame of this command keeps (the first ones that came with it). */
  forCmd(cmd: number): number;
}

export interface ChannelOptions {
  maxFrame?: number;
  fdPolicy?: FdPolicy;
  /**
   * Bytes this channel buffers (unsent writes plus the parser's partial frame) changed by
   * `delta`; for a budget shared by many channels. The sum reported returns to 0 at close.
   */
  onBufferedBytes?(delta: number): void;
}

/** Bytes one recvmsg may read, so the most one read adds to what a channel buffers. */
export const READ_CHUNK = 256 * 1024;
const READS_PER_WAKEUP = 16;
/** Every channel reads into this: the parser copies what it keeps before the next read. */
const sharedReadBuf = Buffer.allocUnsafe(READ_CHUNK);
/** What recvInto reports beside the byte count: fd count, truncation, the fds (native/fdpass.cc). */
const recvState = new Int32Array(2 + MAX_FDS_PER_MESSAGE);
const NO_FDS: readonly number[] = Object.freeze([]);

export class Channel implements TurnFlushable {
  private readonly poller: NativePoller;
  private readonly parser: FrameParser;
  private readonly readBuf = sharedReadBuf;
  private readonly queue = new WriteQueue();
  /** A flush at the end of this loop turn is due (turn_batch.ts). */
  private flushDue = false;
  /** The socket was full at the last write: wait for writability instead of a turn's end. */
  private writeBlocked = false;
  private readonly sendParts: SendParts;
  private paused = false;
  private readEnded = false;
  private ending = false;
  private closed = false;
  /** Set once a write found the peer gone; sends are dropped, reads continue to end of stream. */
  private writeError: Error | undefined;
  /** What the poller waits for now: bit 0 readable, bit 1 writable; -1 before the first arm. */
  private armedInterest = -1;
  /** What onBufferedBytes was last told the total is. */
  private reportedBytes = 0;

  constructor(readonly fd: number, private readonly handlers: ChannelHandlers, private readonly options: ChannelOptions = {}) {
    this.parser = new FrameParser(options.maxFrame ?? MAX_FRAME_SIZE);
    this.sendParts = (parts, start, end, offset, fds) => native.sendParts(fd, parts, start, end, offset, fds);
    this.poller = new native.Poller(fd, (errno, readable, writable) => this.onEvent(errno, readable, writable));
    this.updatePolling();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Bytes accepted by send() that the socket has not taken yet. */
  get pendingBytes(): number {
    return this.queue.bytes;
  }

  /** Sends one encoded frame; `fds` travel with its first byte. */
  send(frame: Buffer, fds?: number[]): void {
    if (this.closed || this.ending || this.writeError) return;
    this.queue.pushOne(frame, fds);
    this.queued();
  }

  /**
   * Sends a frame of a header and `parts`, which are queued as they are, not copied: they must
   * not change until written (a reply's freshly made struct and outbox).
   */
  sendFrame(cmd: number, seq: number, result: number, parts: readonly Buffer[]): void {
    if (this.closed || this.ending || this.writeError) return;
    let length = FRAME_HEADER_SIZE;
    for (let i = 0; i < parts.length; i++) length += parts[i].length;
    const header = Buffer.allocUnsafe(FRAME_HEADER_SIZE);
    header.writeUInt32LE(length, 0);
    header.writeUInt32LE(cmd >>> 0, 4);
    header.writeUInt32LE(seq >>> 0, 8);
    header.writeInt32LE(result, 12);
    this.queue.pushOne(header);
    for (let i = 0; i < parts.length; i++) this.queue.pushOne(parts[i]);
    this.queued();
  }

  /** Something was queued: write it at the end of this turn, unless the socket is full. */
  private queued(): void {
    this.reportBuffered();
    if (!this.flushDue && !this.writeBlocked) {
      this.flushDue = true;
      flushAtEndOfTurn(this);
    }
  }

  /** The end of the loop turn (turn_batch.ts): everything queued this turn goes out now. */
  flushTurn(): void {
    this.flushDue = false;
    if (!this.writeBlocked) this.flush();
  }

  /** Stops delivering frames (backpressure); bytes stay in the socket buffer. */
  pause(): void {
    if (!this.paused) {
      this.paused = true;
      this.updatePolling();
    }
  }

  resume(): void {
    if (this.paused) {
      this.paused = false;
      this.updatePolling();
    }
  }

  /** Lets the process exit while this channel is open (clients that are idle). */
  unref(): void {
    this.poller.unref();
  }

  ref(): void {
    this.poller.ref();
  }

  /** Closes after everything queued has been written. */
  end(): void {
    if (this.closed) return;
    this.ending = true;
    this.readEnded = true;
    if (this.queue.isEmpty) this.destroy();
    else this.flush();
  }

  destroy(err?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.poller.close();
    closeQuietly(this.parser.drainFds());
    closeQuietly([this.fd]);
    this.queue.clear();
    this.reportBuffered();
    this.handlers.onClose(err);
  }

  private onEvent(errno: number, readable: boolean, writable: boolean): void {
    if (this.closed) return;
    if (errno !== 0) {
      this.destroy(this.socketError() ?? Object.assign(new Error(`poll error ${errno}`), { errno: -errno }));
      return;
    }
    if (writable) {
      this.writeBlocked = false;
      this.flush();
    }
    if (readable && !this.paused && !this.readEnded) this.readSome();
  }

  /**
   * libuv reports POLLERR as EBADF, though the fd is still ours: the socket holds an error, most
   * often ECONNRESET (the peer closed with our replies unread). recvmsg returns it, once any data
   * still queued is read; the channel is being destroyed, so that data is dropped.
   */
  private socketError(): Error | undefined {
    for (let i = 0; i < READS_PER_WAKEUP; i++) {
      try {
        const got = native.recvMsg(this.fd, this.readBuf);
        if (got === null || got.bytes === 0) return undefined;
        closeQuietly(got.fds);
      } catch (err) {
        // The addon's errors carry code and errno (and may come from another realm than Error).
        return isNativeError(err) || err instanceof Error ? err : new Error(String(err));
      }
    }
    return undefined;
  }

  private readSome(): void {
    for (let i = 0; i < READS_PER_WAKEUP && !this.closed && !this.paused && !this.readEnded; i++) {
      let bytes: number;
      try {
        bytes = native.recvInto(this.fd, this.readBuf, recvState);
      } catch (err) {
        this.destroy(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      if (bytes < 0) return;
      if (bytes === 0) {
        this.peerClosed();
        return;
      }
      const fds = recvState[0] === 0 ? NO_FDS : Array.from(recvState.subarray(2, 2 + recvState[0]));
      if (recvState[1] !== 0) {
        closeQuietly(fds);
        this.protocolError(new FrameError(22, 'file descriptors were truncated in transit'));
        return;
      }
      let frames: Frame[];
      try {
        frames = this.parser.pushFrom(this.readBuf, bytes, fds);
      } catch (err) {
        if (err instanceof FrameError) this.protocolError(err);
        else throw err;
        return;
      }
      this.applyFdPolicy(frames);
      this.reportBuffered();
      for (const frame of frames) {
        if (this.closed) {
          closeQuietly(frame.fds);
        } else {
          this.handlers.onFrame(frame);
        }
      }
      // A short read drained the socket; the poll is level-triggered and will wake us for more,
      // so asking again now would only cost an EAGAIN system call per message.
      if (bytes < this.readBuf.length) return;
    }
  }

  /** Closes the fds frames (and the incomplete one) do not take, before anyone sees them. */
  private applyFdPolicy(frames: Frame[]): void {
    const policy = this.options.fdPolicy;
    if (!policy) return;
    if (this.parser.pendingFdCount === 0 && !frames.some((f) => f.fds.length > 0)) return;
    for (const frame of frames) {
      const keep = policy.forCmd(frame.cmd);
      if (frame.fds.length > keep) closeQuietly(frame.fds.splice(keep));
    }
    const cmd = this.parser.pendingCmd;
    closeQuietly(this.parser.trimPendingFds(cmd === undefined ? policy.maxPerFrame : policy.forCmd(cmd)));
  }

  /** Tells onBufferedBytes how much the write queue and the parser's partial frame changed. */
  private reportBuffered(): void {
    const now = this.closed ? 0 : this.queue.bytes + this.parser.buffered;
    const delta = now - this.reportedBytes;
    if (delta === 0) return;
    this.reportedBytes = now;
    this.options.onBufferedBytes?.(delta);
  }

  private peerClosed(): void {
    this.readEnded = true;
    // The peer is gone: anything still queued can never be delivered.
    this.destroy(this.writeError);
  }

  /** The peer stopped reading: keep reading what it left in the socket, then close. */
  private writeFailed(err: Error): void {
    this.writeError = err;
    this.queue.clear();
    this.writeBlocked = false;
    this.reportBuffered();
    if (this.readEnded || this.paused) this.destroy(err);
    else this.updatePolling();
  }

  private protocolError(err: FrameError): void {
    this.readEnded = true;
    // Nothing more is parsed: the fds the broken stream carried go now, not when the (possibly
    // never-reading) peer lets the error reply drain.
    closeQuietly(this.parser.drainFds());
    this.updatePolling();
    this.handlers.onProtocolError(err);
  }

  private flush(): void {
    if (this.closed) return;
    const hadQueue = !this.queue.isEmpty;
    try {
      this.writeBlocked = !this.queue.writeTo(this.sendParts);
    } catch (err) {
      if (isNativeError(err) && (err.code === 'EPIPE' || err.code === 'ECONNRESET')) this.writeFailed(err);
      else this.destroy(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    this.reportBuffered();
    if (this.ending && this.queue.isEmpty) {
      this.destroy();
      return;
    }
    this.updatePolling();
    if (hadQueue && this.queue.isEmpty) this.handlers.onDrain?.();
  }

  private updatePolling(): void {
    if (this.closed) return;
    const readable = !this.paused && !this.readEnded;
    // Writes go out at the end of the turn; writability is worth waiting for only once full.
    const writable = this.writeBlocked;
    // Re-arming the same interest still costs libuv an epoll_ctl: touch the poller on change only.
    const interest = (readable ? 1 : 0) | (writable ? 2 : 0);
    if (interest === this.armedInterest) return;
    this.armedInterest = interest;
    if (interest !== 0) this.poller.start(readable, writable);
    else this.poller.stop();
  }
}
