/**
 * A client's open file: connects to a control device socket, waits for the broker's OPEN answer
 * (the open(2) result), then sends ioctl frames and matches replies by seq. Requests may be
 * pipelined; replies come back in order.
 */
import * as path from 'path';
import { native } from '../addon';
import { Channel } from '../transport/channel';
import { closeQuietly } from '../transport/fds';
import { verifyBroker } from './broker_trust';
import { BrokerRefusalError, BrokerUnreachableError } from './failures';
import { MLX5CTLD_OPEN, mlx5ctldOpen } from '../uapi/control';
import { Errno, ErrnoError, strerror } from '../uapi/errno';
import { encodeFrame, Frame } from '../uapi/frame';
import { decodeStruct } from '../uapi/struct';

export interface OpenInfo {
  version: number;
  maxScope: number;
  maxFrame: number;
}

export interface ReplyFrame {
  result: number;
  body: Buffer;
}

/** Receives the broker's unsolicited frames (seq 0), e.g. devlink monitor events. */
export interface EventSubscriber {
  /** `result` is 0 for an event, -errno for a notice (a monitor's -ENOBUFS after an overrun). */
  event(cmd: number, body: Buffer, result: number): void;
  /** The connection ended: no more events will come. */
  closed?(err: Error): void;
}

/** The cmd of the broker's last frame before it hangs up on a malformed stream (seq 0, -errno). */
const HANGUP_CMD = 0;

interface Pending {
  resolve(reply: ReplyFrame): void;
  reject(err: Error): void;
}

export class Connection {
  private readonly channel: Channel;
  private readonly pending = new Map<number, Pending>();
  private readonly subscribers = new Set<EventSubscriber>();
  private nextSeq = 1;
  private opened: Promise<OpenInfo>;
  private settleOpen!: { resolve(info: OpenInfo): void; reject(err: Error): void };
  private closedError: Error | undefined;

  private constructor(fd: number) {
    this.opened = new Promise<OpenInfo>((resolve, reject) => {
      this.settleOpen = { resolve, reject };
    });
    this.channel = new Channel(fd, {
      onFrame: (frame) => this.onFrame(frame),
      onProtocolError: (err) => this.channel.destroy(err),
      onClose: (err) => this.onClose(err),
    });
  }

  /**
   * Connects and waits for the session to open. Rejects with ErrnoError (EACCES, ENOENT...), or
   * EPERM before sending anything if the listener is not a broker this client trusts for
   * `rundir` (src/client/broker_trust.ts; by default the socket's own directory).
   */
  static async open(socketPath: string, rundir = path.dirname(socketPath)): Promise<Connection> {
    let fd: number;
    try {
      fd = native.connect(socketPath);
    } catch (err) {
      const code = (err as { code?: string }).code;
      const errno = code === 'ENOENT' || code === 'ECONNREFUSED' ? Errno.ENODEV : code === 'EACCES' ? Errno.EACCES : Errno.EIO;
      throw new BrokerUnreachableError(socketPath, code ?? 'EIO', errno, err instanceof Error ? err.message : String(err));
    }
    try {
      verifyBroker(fd, socketPath, rundir);
    } catch (err) {
      closeQuietly([fd]);
      throw err;
    }
    const conn = new Connection(fd);
    conn.info = await conn.opened;
    return conn;
  }

  info: OpenInfo = { version: 0, maxScope: 0, maxFrame: 0 };

  get fd(): number {
    return this.channel.fd;
  }

  get isClosed(): boolean {
    return this.channel.isClosed;
  }

  /** Sends one ioctl frame; resolves with the reply (result 0 or -errno, and its body). */
  request(cmd: number, parts: Buffer[], fds?: number[]): Promise<ReplyFrame> {
    if (this.closedError || this.channel.isClosed) {
      return Promise.reject(this.closedError ?? new ErrnoError(Errno.ENODEV, 'connection closed'));
    }
    const seq = this.nextSeq;
    this.nextSeq = (this.nextSeq + 1) >>> 0 || 1;
    return new Promise<ReplyFrame>((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      this.channel.send(encodeFrame(cmd, seq, 0, ...parts), fds);
    });
  }

  /** Like request(), but a negative result rejects with ErrnoError. */
  async call(cmd: number, parts: Buffer[], fds?: number[]): Promise<Buffer> {
    const reply = await this.request(cmd, parts, fds);
    if (reply.result < 0) {
      // An error reply's body, when there is one, is the broker's reason (src/broker/dispatch.ts).
      const detail = reply.body.toString('utf8').trim();
      throw detail.length > 0 && detail !== strerror(-reply.result) ? new BrokerRefusalError(-reply.result, detail) : new ErrnoError(-reply.result);
    }
    return reply.body;
  }

  /** Delivers unsolicited event frames to `subscriber` until the returned function is called. */
  subscribe(subscriber: EventSubscriber): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  /** Lets the process exit while this connection is idle. */
  unref(): void {
    this.channel.unref();
  }

  close(): void {
    this.channel.end();
  }

  /** Closes without flushing (as a crashing client would). */
  destroy(): void {
    this.channel.destroy();
  }

  private onFrame(frame: Frame): void {
    closeQuietly(frame.fds);
    if (frame.cmd === MLX5CTLD_OPEN && frame.seq === 0) {
      if (frame.result < 0) {
        this.settleOpen.reject(new ErrnoError(-frame.result, `open refused: ${new ErrnoError(-frame.result).message}`));
      } else {
        const v = decodeStruct(mlx5ctldOpen, frame.body);
        this.settleOpen.resolve({ version: Number(v.version), maxScope: Number(v.max_scope), maxFrame: Number(v.max_frame) });
      }
      return;
    }
    // Unsolicited frames name the ioctl family they belong to; a hang-up (cmd 0) does not.
    if (frame.seq === 0 && (frame.result >= 0 || frame.cmd !== HANGUP_CMD)) {
      for (const subscriber of [...this.subscribers]) subscriber.event(frame.cmd, frame.body, frame.result);
      return;
    }
    const waiter = this.pending.get(frame.seq);
    if (!waiter) {
      // seq 0 with an error: the broker is hanging up on a malformed stream.
      if (frame.seq === 0 && frame.result < 0) this.closedError = new ErrnoError(-frame.result, 'broker closed the connection');
      return;
    }
    this.pending.delete(frame.seq);
    waiter.resolve({ result: frame.result, body: frame.body });
  }

  private onClose(err?: Error): void {
    const failure = this.closedError ?? new ErrnoError(Errno.ENODEV, err ? `connection lost: ${err.message}` : 'connection closed by the broker');
    this.closedError = failure;
    this.settleOpen.reject(failure);
    for (const waiter of this.pending.values()) waiter.reject(failure);
    this.pending.clear();
    for (const subscriber of [...this.subscribers]) subscriber.closed?.(failure);
    this.subscribers.clear();
  }
}
