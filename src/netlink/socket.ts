/**
 * NetlinkSocket: requests and their replies over one netlink transport, plus multicast.
 *
 * - Every request gets its own sequence number and NLM_F_ACK, so each ends with something the
 *   kernel always sends: a doit with NLMSG_ERROR (error 0 is the ACK; a multipart doit such as
 *   health diagnose sends NLMSG_DONE first, then the ACK), a dump with NLMSG_DONE (or an
 *   NLMSG_ERROR when it fails to start). Its data messages are collected until then.
 * - Replies are matched by sequence number and our port id; a datagram not sent by the kernel
 *   (sender port id ≠ 0) is dropped whole, as is a reply nobody waits for (after a timeout).
 * - Multicast datagrams (a non-zero group mask) go to the group listeners.
 * - Bounds: at most MAX_PENDING requests in flight, at most maxReplyBytes collected for one
 *   request (the rest of that reply is read and dropped, then the request fails with ENOBUFS),
 *   and a timeout per request.
 * - A receive overrun (ENOBUFS) may have lost any reply: every pending request fails with it,
 *   and listeners learn that notifications were lost.
 */
import { Errno } from '../uapi/errno';
import { NLMSG_HDRLEN, NlmFlag, NlmsgType } from './constants';
import { NetlinkError, NetlinkParseError } from './errors';
import { decodeHeader, encodeMessage, parseDoneMessage, parseErrorMessage, splitMessages, type NetlinkMessage } from './message';
import type { Datagram, NetlinkTransport } from './transport';

export interface RequestOptions {
  dump?: boolean;
  /** Extra nlmsg flags (NLM_F_REQUEST, NLM_F_ACK and, for dumps, NLM_F_DUMP are always set). */
  flags?: number;
  timeoutMs?: number;
}

export interface Reply {
  /** The data messages, in arrival order. */
  messages: NetlinkMessage[];
  /** An ACK may carry a warning (extack message with error 0). */
  warning?: string;
}

export interface MulticastListener {
  onMessage(message: NetlinkMessage): void;
  /** Notifications were lost (receive overrun). */
  onOverrun?(): void;
}

export const MAX_PENDING = 256;
export const DEFAULT_TIMEOUT_MS = 60_000;
/** The largest reply collected for one request (a 1 MiB region window is ~1.1 MiB of messages). */
export const DEFAULT_MAX_REPLY_BYTES = 32 * 1024 * 1024;

interface Pending {
  dump: boolean;
  messages: NetlinkMessage[];
  bytes: number;
  overflowed: boolean;
  /** The first failure seen before the end (a doit's NLMSG_DONE error, NLM_F_DUMP_INTR). */
  failure?: NetlinkError;
  timer: NodeJS.Timeout;
  resolve(reply: Reply): void;
  reject(error: Error): void;
}

export interface NetlinkSocketOptions {
  maxReplyBytes?: number;
  /** Called for each dropped datagram or message (for the broker's log). */
  onDrop?(reason: string): void;
}

export class NetlinkSocket {
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<MulticastListener>();
  private nextSeq: number;
  private closed = false;
  private readonly maxReplyBytes: number;

  constructor(private readonly transport: NetlinkTransport, private readonly options: NetlinkSocketOptions = {}) {
    this.maxReplyBytes = options.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES;
    // Start from the clock like libmnl does, so a reused port id does not see old numbers.
    this.nextSeq = (Math.floor(Date.now() / 1000) & 0x7fff_ffff) || 1;
    transport.start({ onDatagram: (datagram) => this.onDatagram(datagram), onError: (errno) => this.onError(errno) });
  }

  get portId(): number {
    return this.transport.portId;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Sends one request (`payload` is everything after the nlmsghdr) and collects its reply. */
  request(type: number, payload: Uint8Array, options: RequestOptions = {}): Promise<Reply> {
    if (this.closed) return Promise.reject(new NetlinkError(Errno.EBADF));
    if (this.pending.size >= MAX_PENDING) return Promise.reject(new NetlinkError(Errno.EBUSY, { message: 'Too many netlink requests in flight' }));
    const seq = this.allocateSeq();
    const dump = options.dump ?? false;
    const flags = NlmFlag.REQUEST | NlmFlag.ACK | (dump ? NlmFlag.DUMP : 0) | (options.flags ?? 0);
    const datagram = encodeMessage({ type, flags, seq, portId: 0 }, payload);
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => this.finish(seq, new NetlinkError(Errno.ETIMEDOUT, { message: 'The kernel did not answer in time' })), options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      timer.unref();
      this.pending.set(seq, { dump, messages: [], bytes: 0, overflowed: false, timer, resolve, reject });
      this.transport.setActive(true);
      try {
        this.transport.send(datagram);
      } catch (error) {
        this.finish(seq, error instanceof Error ? error : new NetlinkError(Errno.EIO));
      }
    });
  }

  subscribe(groupId: number, listener: MulticastListener): () => void {
    if (this.closed) throw new NetlinkError(Errno.EBADF);
    if (this.listeners.size === 0) this.transport.joinGroup(groupId);
    this.listeners.add(listener);
    this.transport.setActive(true);
    return () => {
      if (!this.listeners.delete(listener)) return;
      if (this.listeners.size === 0 && !this.closed) {
        this.transport.leaveGroup(groupId);
        this.updateActive();
      }
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const seq of [...this.pending.keys()]) this.finish(seq, new NetlinkError(Errno.EBADF));
    this.listeners.clear();
    this.transport.close();
  }

  private allocateSeq(): number {
    for (;;) {
      const seq = this.nextSeq;
      this.nextSeq = (this.nextSeq + 1) >>> 0 || 1;
      if (!this.pending.has(seq)) return seq;
    }
  }

  private onDatagram(datagram: Datagram): void {
    // Runs on a poller callback: nothing may escape, or Node treats it as an uncaught exception.
    try {
      this.handleDatagram(datagram);
    } catch (error) {
      this.drop(`datagram handling failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private handleDatagram(datagram: Datagram): void {
    if (datagram.senderPort !== 0) return this.drop(`datagram from port ${datagram.senderPort}, not the kernel`);
    if (datagram.groups !== 0) return this.deliverMulticast(datagram);
    if (datagram.length > datagram.data.length) return this.truncated(datagram);
    let messages: NetlinkMessage[];
    try {
      messages = splitMessages(datagram.data);
    } catch (error) {
      return this.corrupt(datagram.data, error);
    }
    for (const message of messages) this.onReply(message);
  }

  private onReply(message: NetlinkMessage): void {
    const { header } = message;
    const pending = this.pending.get(header.seq);
    if (!pending || header.portId !== this.transport.portId) {
      return this.drop(`message type ${header.type} seq ${header.seq} port ${header.portId} answers no request`);
    }
    try {
      switch (header.type) {
        case NlmsgType.NOOP:
          return;
        case NlmsgType.OVERRUN:
          return this.finish(header.seq, new NetlinkError(Errno.ENOBUFS));
        case NlmsgType.ERROR: {
          const { errno, extack } = parseErrorMessage(message);
          if (errno !== 0) return this.finish(header.seq, new NetlinkError(errno, extack));
          // A dump ends with NLMSG_DONE; an ACK before it would cut the dump short.
          if (pending.dump) return;
          return this.finish(header.seq, undefined, extack.message);
        }
        case NlmsgType.DONE: {
          const done = parseDoneMessage(message);
          if (done.errno !== 0) pending.failure ??= new NetlinkError(done.errno, done.extack);
          // A multipart doit (health diagnose) still has its ACK to come.
          if (pending.dump) this.finish(header.seq);
          return;
        }
        default:
          // The dumped objects changed between parts: libmnl fails such a dump with EINTR.
          if ((header.flags & NlmFlag.DUMP_INTR) !== 0) pending.failure ??= new NetlinkError(Errno.EINTR);
          this.collect(pending, message);
      }
    } catch (error) {
      this.finish(header.seq, error instanceof Error ? error : new NetlinkParseError(String(error)));
    }
  }

  private collect(pending: Pending, message: NetlinkMessage): void {
    if (pending.overflowed) return;
    pending.bytes += NLMSG_HDRLEN + message.payload.length;
    if (pending.bytes > this.maxReplyBytes) {
      pending.overflowed = true;
      pending.messages = [];
      return;
    }
    pending.messages.push(message);
  }

  private finish(seq: number, error?: Error, warning?: string): void {
    const pending = this.pending.get(seq);
    if (!pending) return;
    this.pending.delete(seq);
    clearTimeout(pending.timer);
    this.updateActive();
    if (!error && pending.overflowed) {
      error = new NetlinkError(Errno.ENOBUFS, { message: `The reply is larger than ${this.maxReplyBytes} bytes` });
    }
    error ??= pending.failure;
    if (error) pending.reject(error);
    else pending.resolve(warning === undefined ? { messages: pending.messages } : { messages: pending.messages, warning });
  }

  private deliverMulticast(datagram: Datagram): void {
    if (datagram.length > datagram.data.length) return this.drop(`multicast datagram of ${datagram.length} bytes was truncated`);
    let messages: NetlinkMessage[];
    try {
      messages = splitMessages(datagram.data);
    } catch (error) {
      return this.drop(`corrupt multicast datagram: ${error instanceof Error ? error.message : String(error)}`);
    }
    for (const message of messages) {
      if (message.header.type < NlmsgType.MIN_TYPE) continue;
      for (const listener of [...this.listeners]) {
        try {
          listener.onMessage(message);
        } catch (error) {
          this.drop(`multicast listener failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
  }

  /** A reply cut short by the receive buffer: the request its first header names cannot complete. */
  private truncated(datagram: Datagram): void {
    const error = new NetlinkError(Errno.EMSGSIZE, { message: `A ${datagram.length}-byte reply did not fit the receive buffer` });
    if (datagram.data.length >= NLMSG_HDRLEN) this.finish(decodeHeader(datagram.data).seq, error);
    this.drop(error.message);
  }

  /** A corrupt datagram: fail the request its first header names, if the header is readable. */
  private corrupt(data: Buffer, error: unknown): void {
    const reason = error instanceof Error ? error : new NetlinkParseError(String(error));
    if (data.length >= NLMSG_HDRLEN) this.finish(decodeHeader(data).seq, reason);
    this.drop(`corrupt datagram: ${reason.message}`);
  }

  private onError(errno: number): void {
    for (const seq of [...this.pending.keys()]) this.finish(seq, new NetlinkError(errno));
    if (errno === Errno.ENOBUFS) for (const listener of [...this.listeners]) listener.onOverrun?.();
  }

  private drop(reason: string): void {
    this.options.onDrop?.(reason);
  }

  private updateActive(): void {
    this.transport.setActive(this.pending.size > 0 || this.listeners.size > 0);
  }
}
