/**
 * The socket framing: how the kernel's ioctl calls travel over a Unix stream socket.
 *
 *   header (16 bytes, little-endian)      then the body
 *   u32 length   whole frame, header included
 *   u32 cmd      the ioctl command number (MLX5CTL_IOCTL_*, FWCTL_*, or MLX5CTLD_*)
 *   u32 seq      chosen by the client, echoed in the reply
 *   i32 result   0 in requests; 0 or -errno in replies
 *
 * The body is the ioctl's argument struct exactly as the kernel lays it out, then payload bytes
 * (inbox, outbox, region data). The struct's length is the size encoded in `cmd`; for fwctl's
 * size-prefixed structs (`_IO` numbers carry no size) it is the struct's own first u32.
 * File descriptors (SCM_RIGHTS) travel with the first bytes of the frame that uses them.
 */
import { Errno, ErrnoError } from './errno';
import { iocSize } from './ioctl';

export const FRAME_HEADER_SIZE = 16;
/** Largest argument struct accepted (a page, like the kernel's copy_struct_from_user users). */
export const MAX_ARG_SIZE = 4096;
/** Largest frame: a 2 MiB fwctl RPC plus its struct and header. */
export const MAX_FRAME_SIZE = FRAME_HEADER_SIZE + MAX_ARG_SIZE + 2 * 1024 * 1024;
/**
 * File descriptors a connection may have in flight towards frames not yet complete. No request
 * takes more than one; without a bound, a peer trickling a long frame a byte at a time, each
 * byte with a handful of fds, made the broker hold fds until it hit RLIMIT_NOFILE and could no
 * longer accept connections or receive other sessions' memfds.
 */
export const MAX_PENDING_FDS = 64;

export interface FrameHeader {
  length: number;
  cmd: number;
  seq: number;
  result: number;
}

export interface Frame extends FrameHeader {
  /** Argument struct plus payload. */
  body: Buffer;
  /** File descriptors that arrived with this frame; the receiver must use or close them. */
  fds: number[];
}

export function encodeFrame(cmd: number, seq: number, result: number, ...parts: Buffer[]): Buffer {
  let length = FRAME_HEADER_SIZE;
  for (const p of parts) length += p.length;
  const out = Buffer.allocUnsafe(length);
  out.writeUInt32LE(length, 0);
  out.writeUInt32LE(cmd >>> 0, 4);
  out.writeUInt32LE(seq >>> 0, 8);
  out.writeInt32LE(result, 12);
  let at = FRAME_HEADER_SIZE;
  for (const p of parts) {
    p.copy(out, at);
    at += p.length;
  }
  return out;
}

export function decodeHeader(buf: Buffer, offset = 0): FrameHeader {
  return {
    length: buf.readUInt32LE(offset),
    cmd: buf.readUInt32LE(offset + 4),
    seq: buf.readUInt32LE(offset + 8),
    result: buf.readInt32LE(offset + 12),
  };
}

/**
 * Splits a body into the argument struct and the payload after it. A body too short for the
 * struct it announces is EFAULT: the caller's "memory" does not hold what it claims.
 */
export function splitBody(cmd: number, body: Buffer): { arg: Buffer; payload: Buffer } {
  let argLen = iocSize(cmd);
  if (argLen === 0) {
    // Size-prefixed struct: its first u32 says how long it is.
    if (body.length < 4) throw new ErrnoError(Errno.EFAULT, 'body too short for a size-prefixed struct');
    argLen = body.readUInt32LE(0);
    if (argLen > MAX_ARG_SIZE) throw new ErrnoError(Errno.E2BIG, `struct size ${argLen} over ${MAX_ARG_SIZE}`);
  }
  if (argLen > body.length) throw new ErrnoError(Errno.EFAULT, `struct of ${argLen} bytes, body of ${body.length}`);
  return { arg: body.subarray(0, argLen), payload: body.subarray(argLen) };
}

/** A stream error that ends the connection: the byte stream can no longer be trusted. */
export class FrameError extends ErrnoError {
  constructor(errno: number, message: string) {
    super(errno, message);
    this.name = 'FrameError';
  }
}

/**
 * Streaming parser: feed it whatever the socket returned; it emits complete frames and keeps
 * the partial remainder, compacting or growing one buffer instead of concatenating chunks.
 */
export class FrameParser {
  private buf: Buffer;
  private start = 0;
  private end = 0;
  /** Stream offset of buf[start]. */
  private consumed = 0;
  /** fds not yet claimed, keyed by the stream offset they are attached to. */
  private pendingFds: { offset: number; fd: number }[] = [];
  private failed = false;

  constructor(private readonly maxFrame = MAX_FRAME_SIZE, private readonly initialCapacity = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialCapacity);
  }

  /** Bytes held that do not yet form a complete frame. */
  get buffered(): number {
    return this.end - this.start;
  }

  /** Bytes of memory the parser holds (its buffer, whatever part of it is in use). */
  get capacity(): number {
    return this.buf.length;
  }

  /** fds waiting for the incomplete frame (all of them belong to it once push returns). */
  get pendingFdCount(): number {
    return this.pendingFds.length;
  }

  /** The command of the incomplete frame, once its header has arrived. */
  get pendingCmd(): number | undefined {
    return this.buffered >= FRAME_HEADER_SIZE ? this.buf.readUInt32LE(this.start + 4) : undefined;
  }

  /**
   * Keeps the first `keep` fds waiting for the incomplete frame and hands back the others, for
   * the owner to close: a receiver that knows how many fds a frame may use need not hold more.
   */
  trimPendingFds(keep: number): number[] {
    if (this.pendingFds.length <= keep) return [];
    return this.pendingFds.splice(keep).map((p) => p.fd);
  }

  /**
   * Adds a chunk. `fds` arrived with it: they belong to the frame holding the chunk's last byte,
   * because the kernel ends a read right after the socket buffer that carried the fds.
   * Throws FrameError (after which the parser is dead) on a header that cannot be right.
   */
  push(chunk: Buffer, fds: readonly number[] = []): Frame[] {
    return this.pushFrom(chunk, chunk.length, fds);
  }

  /**
   * As push, for the first `length` bytes of `src`, which the caller may overwrite once this
   * returns (a read buffer shared by every connection): frames are parsed from it in place
   * while nothing is held from an earlier read, and only an incomplete tail is copied.
   */
  pushFrom(src: Buffer, length: number, fds: readonly number[] = []): Frame[] {
    if (this.failed) throw new FrameError(Errno.EINVAL, 'parser failed earlier');
    const lastByte = this.consumed + this.buffered + length - 1;
    for (const fd of fds) this.pendingFds.push({ offset: lastByte, fd });
    if (this.pendingFds.length > MAX_PENDING_FDS) {
      // The fds stay queued: drainFds() hands them to the owner, which closes them.
      this.failed = true;
      throw new FrameError(Errno.EMFILE, `${this.pendingFds.length} file descriptors waiting for a frame (limit ${MAX_PENDING_FDS})`);
    }
    const frames: Frame[] = [];
    let at = 0;
    if (this.buffered === 0) {
      at = this.parseFrames(src, 0, length, frames);
      this.start = this.end = 0;
      if (at === length) {
        // An idle connection does not keep the memory of the largest frame it ever carried.
        if (this.buf.length > this.initialCapacity) this.buf = Buffer.allocUnsafe(this.initialCapacity);
        return frames;
      }
    }
    this.append(src, at, length);
    this.start = this.parseFrames(this.buf, this.start, this.end, frames);
    if (this.start === this.end) {
      this.start = this.end = 0;
      if (this.buf.length > this.initialCapacity) this.buf = Buffer.allocUnsafe(this.initialCapacity);
    }
    return frames;
  }

  /** Every complete frame in buf[from..to), appended to `frames`; returns where the rest starts. */
  private parseFrames(buf: Buffer, from: number, to: number, frames: Frame[]): number {
    let at = from;
    while (to - at >= FRAME_HEADER_SIZE) {
      const length = buf.readUInt32LE(at);
      if (length < FRAME_HEADER_SIZE) {
        throw this.fail(frames, new FrameError(Errno.EINVAL, `frame length ${length} is shorter than its header`));
      }
      if (length > this.maxFrame) {
        throw this.fail(frames, new FrameError(Errno.EMSGSIZE, `frame length ${length} over ${this.maxFrame}`));
      }
      if (to - at < length) break;
      // The body is the frame's own (the source is overwritten by the next read): one pooled copy.
      const body = Buffer.allocUnsafe(length - FRAME_HEADER_SIZE);
      buf.copy(body, 0, at + FRAME_HEADER_SIZE, at + length);
      frames.push({
        length,
        cmd: buf.readUInt32LE(at + 4),
        seq: buf.readUInt32LE(at + 8),
        result: buf.readInt32LE(at + 12),
        body,
        fds: this.takeFds(this.consumed + length),
      });
      at += length;
      this.consumed += length;
    }
    return at;
  }

  /**
   * Marks the parser dead. Frames completed earlier in the failing push are never delivered, so
   * their fds go back to the pending list for drainFds() (else the owner could not close them).
   */
  private fail(undelivered: Frame[], err: FrameError): FrameError {
    this.failed = true;
    for (const frame of undelivered) for (const fd of frame.fds) this.pendingFds.push({ offset: -1, fd });
    return err;
  }

  /** fds still waiting for their frame; the owner closes them when the connection ends. */
  drainFds(): number[] {
    const fds = this.pendingFds.map((p) => p.fd);
    this.pendingFds = [];
    return fds;
  }

  private takeFds(frameEnd: number): number[] {
    if (this.pendingFds.length === 0) return [];
    if (this.pendingFds[this.pendingFds.length - 1].offset < frameEnd) {
      const all = this.pendingFds.map((p) => p.fd);
      this.pendingFds = [];
      return all;
    }
    const mine = this.pendingFds.filter((p) => p.offset < frameEnd).map((p) => p.fd);
    this.pendingFds = this.pendingFds.filter((p) => p.offset >= frameEnd);
    return mine;
  }

  private append(src: Buffer, from: number, to: number): void {
    const count = to - from;
    if (this.end + count > this.buf.length) {
      const needed = this.buffered + count;
      if (needed <= this.buf.length && this.start > 0) {
        this.buf.copy(this.buf, 0, this.start, this.end);
      } else {
        // Room for the whole frame being assembled once its header says how long it is (one copy,
        // not one per growth step), else grown by half; never past one frame plus this chunk.
        const frameLength = this.buffered >= FRAME_HEADER_SIZE ? this.buf.readUInt32LE(this.start) : 0;
        const wanted = Math.min(Math.max(frameLength, Math.floor(this.buf.length * 1.5)), this.maxFrame);
        const grown = Buffer.allocUnsafe(Math.max(needed, wanted));
        this.buf.copy(grown, 0, this.start, this.end);
        this.buf = grown;
      }
      this.end -= this.start;
      this.start = 0;
    }
    src.copy(this.buf, this.end, from, to);
    this.end += count;
  }
}
