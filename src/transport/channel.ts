/**
 * A framed, fd-carrying connection over a non-blocking AF_UNIX stream socket, driven by a native
 * poller on Node's event loop. Used by both ends: the broker's sessions and the client library.
 *
 * - Reads: recvmsg into one buffer shared by every channel (reads are synchronous and the parser
 *   copies), frames assembled by FrameParser, delivered in order. A bounded number of reads per
 *   wake-up keeps one busy peer from starving the others.
 * - fds: with an FdPolicy, a frame keeps only the fds its command takes, and the incomplete frame
 *   only what its command (or, before its header arrives, any command) takes; the others are
 *   closed on arrival, so what a peer sends does not decide how many fds this process holds.
 * - Writes: sendmsg straight away; what the socket does not take is queued and flushed on
 *   writability. fds travel with the first byte of their frame.
 * - end() flushes then closes; destroy() closes now. Either way onClose fires exactly once and
 *   every fd that arrived but was never claimed is closed.
 * - A write that finds the peer gone (EPIPE, ECONNRESET) does not close at once: what the peer
 *   sent before leaving (typically its last answer, or the error it hung up with) is still read
 *   and delivered, and the channel closes at end of stream with that write error.
 */
import { isNativeError, native, NativePoller } from '../addon';
import { closeQuietly } from './fds';
import { Frame, FrameError, FrameParser, MAX_FRAME_SIZE } from '../uapi/frame';

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

interface PendingWrite {
  buf: Buffer;
  offset: number;
  fds: number[] | undefined;
}

/** Bytes one recvmsg may read, so the most one read adds to what a channel buffers. */
export const READ_CHUNK = 256 * 1024;
const READS_PER_WAKEUP = 16;
/** Every channel reads into this: the parser copies what it keeps before the next read. */
const sharedReadBuf = Buffer.allocUnsafe(READ_CHUNK);

export class Channel {
  private readonly poller: NativePoller;
  private readonly parser: FrameParser;
  private readonly readBuf = sharedReadBuf;
  private readonly queue: PendingWrite[] = [];
  private queuedBytes = 0;
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
    this.poller = new native.Poller(fd, (errno, readable, writable) => this.onEvent(errno, readable, writable));
    this.updatePolling();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Bytes accepted by send() that the socket has not taken yet. */
  get pendingBytes(): number {
    return this.queuedBytes;
  }

  send(frame: Buffer, fds?: number[]): void {
    if (this.closed || this.ending || this.writeError) return;
    this.queue.push({ buf: frame, offset: 0, fds: fds && fds.length > 0 ? fds : undefined });
    this.queuedBytes += frame.length;
    if (this.queue.length === 1) this.flush();
    else this.reportBuffered();
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
    if (this.queue.length === 0) this.destroy();
    else this.updatePolling();
  }

  destroy(err?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.poller.close();
    closeQuietly(this.parser.drainFds());
    closeQuietly([this.fd]);
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.reportBuffered();
    this.handlers.onClose(err);
  }

  private onEvent(errno: number, readable: boolean, writable: boolean): void {
    if (this.closed) return;
    if (errno !== 0) {
      this.destroy(this.socketError() ?? Object.assign(new Error(`poll error ${errno}`), { errno: -errno }));
      return;
    }
    if (writable) this.flush();
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
      let got;
      try {
        got = native.recvMsg(this.fd, this.readBuf);
      } catch (err) {
        this.destroy(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      if (got === null) return;
      if (got.bytes === 0) {
        this.peerClosed();
        return;
      }
      if (got.truncated) {
        closeQuietly(got.fds);
        this.protocolError(new FrameError(22, 'file descriptors were truncated in transit'));
        return;
      }
      let frames: Frame[];
      try {
        frames = this.parser.push(this.readBuf.subarray(0, got.bytes), got.fds);
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
      if (got.bytes < this.readBuf.length) return;
    }
  }

  /** Closes the fds frames (and the incomplete one) do not take, before anyone sees them. */
  private applyFdPolicy(frames: Frame[]): void {
    const policy = this.options.fdPolicy;
    if (!policy) return;
    for (const frame of frames) {
      const keep = policy.forCmd(frame.cmd);
      if (frame.fds.length > keep) closeQuietly(frame.fds.splice(keep));
    }
    const cmd = this.parser.pendingCmd;
    closeQuietly(this.parser.trimPendingFds(cmd === undefined ? policy.maxPerFrame : policy.forCmd(cmd)));
  }

  /** Tells onBufferedBytes how much the write queue and the parser's partial frame changed. */
  private reportBuffered(): void {
    const now = this.closed ? 0 : this.queuedBytes + this.parser.buffered;
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
    this.queue.length = 0;
    this.queuedBytes = 0;
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
    const hadQueue = this.queue.length > 0;
    while (this.queue.length > 0 && !this.closed) {
      const w = this.queue[0];
      let sent: number | null;
      try {
        sent = native.sendMsg(this.fd, w.buf, w.offset, w.buf.length - w.offset, w.fds);
      } catch (err) {
        if (isNativeError(err) && (err.code === 'EPIPE' || err.code === 'ECONNRESET')) this.writeFailed(err);
        else this.destroy(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      if (sent === null) break;
      w.fds = undefined;
      w.offset += sent;
      this.queuedBytes -= sent;
      if (w.offset === w.buf.length) this.queue.shift();
    }
    if (this.closed) return;
    this.reportBuffered();
    if (this.ending && this.queue.length === 0) {
      this.destroy();
      return;
    }
    this.updatePolling();
    if (hadQueue && this.queue.length === 0) this.handlers.onDrain?.();
  }

  private updatePolling(): void {
    if (this.closed) return;
    const readable = !this.paused && !this.readEnded;
    const writable = this.queue.length > 0;
    // Re-arming the same interest still costs libuv an epoll_ctl: touch the poller on change only.
    const interest = (readable ? 1 : 0) | (writable ? 2 : 0);
    if (interest === this.armedInterest) return;
    this.armedInterest = interest;
    if (interest !== 0) this.poller.start(readable, writable);
    else this.poller.stop();
  }
}
