/**
 * The bytes a channel has accepted but the socket has not taken yet, as a list of Buffers (a
 * reply's header, its struct, its outbox: never copied into one frame), written in as few
 * sendmsg calls as the socket allows: everything queued goes out in one call, except that a
 * frame carrying fds is sent in a call of its own. The kernel attaches a sendmsg's fds to its
 * first bytes and the receiver gives them to the frame its read ends in (a read stops right
 * after the fds' buffer), so the fds' frame must start the call and nothing may follow it.
 */

/** One sendmsg: parts[start..end), the first from `offset`, `fds` on its first byte; null = full. */
export type SendParts = (parts: readonly Buffer[], start: number, end: number, offset: number, fds: readonly number[] | undefined) => number | null;

/** The most parts one call takes (the addon's iovec array, native/fdpass.cc). */
export const MAX_PARTS_PER_SEND = 64;

interface FdFrame {
  /** Index in `parts` of the frame's first part, and one past its last. */
  start: number;
  end: number;
  fds: readonly number[];
}

/** Parts already written stay as holes until this many, then the array is compacted. */
const COMPACT_AFTER = 1024;

export class WriteQueue {
  private parts: Buffer[] = [];
  /** Index of the first part not fully written, and how much of it was. */
  private head = 0;
  private offset = 0;
  private fdFrames: FdFrame[] = [];
  private fdHead = 0;
  private queued = 0;

  /** Bytes accepted and not yet written. */
  get bytes(): number {
    return this.queued;
  }

  get isEmpty(): boolean {
    return this.head === this.parts.length;
  }

  /** Queues one frame made of `parts` (in order); `fds` travel with its first byte. */
  push(parts: readonly Buffer[], fds?: readonly number[]): void {
    const start = this.parts.length;
    for (const part of parts) {
      if (part.length === 0) continue;
      this.parts.push(part);
      this.queued += part.length;
    }
    if (fds && fds.length > 0) {
      if (this.parts.length === start) throw new RangeError('fds need at least one data byte to travel with');
      this.fdFrames.push({ start, end: this.parts.length, fds });
    }
  }

  /** Queues one frame of a single Buffer (a hot path: no array for its parts). */
  pushOne(frame: Buffer, fds?: readonly number[]): void {
    if (fds && fds.length > 0) {
      this.push([frame], fds);
      return;
    }
    if (frame.length === 0) return;
    this.parts.push(frame);
    this.queued += frame.length;
  }

  /**
   * Writes until everything is out (true) or the socket is full (false). What `send` throws
   * propagates, with the queue as it was before that call.
   */
  writeTo(send: SendParts): boolean {
    while (this.head < this.parts.length) {
      let end = this.parts.length;
      let fds: readonly number[] | undefined;
      const fdFrame = this.fdHead < this.fdFrames.length ? this.fdFrames[this.fdHead] : undefined;
      if (fdFrame !== undefined) {
        if (fdFrame.start === this.head) {
          end = fdFrame.end;
          fds = fdFrame.fds;
        } else {
          end = fdFrame.start;
        }
      }
      if (end - this.head > MAX_PARTS_PER_SEND) end = this.head + MAX_PARTS_PER_SEND;
      const sent = send(this.parts, this.head, end, this.offset, fds);
      if (sent === null) return false;
      // The kernel took the fds with the first bytes, however few of them it took.
      if (fds !== undefined) this.fdHead++;
      this.consume(sent);
    }
    this.reset();
    return true;
  }

  /** Forgets everything queued (the peer is gone). */
  clear(): void {
    this.reset();
  }

  private consume(bytes: number): void {
    this.queued -= bytes;
    let left = bytes;
    while (left > 0) {
      const rest = this.parts[this.head].length - this.offset;
      if (left < rest) {
        this.offset += left;
        return;
      }
      left -= rest;
      this.advance();
    }
  }

  private advance(): void {
    // Let a written part's memory go now, not when the whole queue empties.
    (this.parts as (Buffer | undefined)[])[this.head] = undefined;
    this.head++;
    this.offset = 0;
    if (this.head >= COMPACT_AFTER && this.head * 2 >= this.parts.length) this.compact();
  }

  private compact(): void {
    const shift = this.head;
    this.parts.splice(0, shift);
    this.fdFrames.splice(0, this.fdHead);
    this.fdHead = 0;
    for (const f of this.fdFrames) {
      f.start -= shift;
      f.end -= shift;
    }
    this.head = 0;
  }

  private reset(): void {
    this.parts.length = 0;
    this.head = 0;
    this.offset = 0;
    this.fdFrames.length = 0;
    this.fdHead = 0;
    this.queued = 0;
  }
}
