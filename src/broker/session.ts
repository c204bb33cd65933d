/**
 * One open of a control device: one connection, one firmware user context (UID), the objects it
 * created. Requests run one at a time in arrival order; replies carry the request's seq.
 * Release (peer closed, crashed, was killed, or the broker shuts down) destroys owned objects
 * newest first, then the UCTX.
 */
import { Channel, FdPolicy } from '../transport/channel';
import { closeQuietly } from '../transport/fds';
import type { DeviceContext } from '../fw/device';
import { MLX5CTLD_OPEN, mlx5ctldOpen, PROTOCOL_VERSION } from '../uapi/control';
import { Errno, ErrnoError, errnoName } from '../uapi/errno';
import { encodeFrame, Frame, FrameError, MAX_FRAME_SIZE } from '../uapi/frame';
import { ScopeValue } from '../uapi/fwctl';
import { encodeStruct } from '../uapi/struct';
import { OwnedObjects } from './owned';
import { PeerIdentity, userCapNumbers } from './peer';
import { dispatchRequest, type DispatchOutcome } from './dispatch';
import { BrokerView, ControlDeviceView, DispatchEntry, SessionView } from './types';
import { UctxCap } from '../uapi/mlx5ctl';
import { MAX_INFLIGHT, MAX_INFLIGHT_BYTES, MAX_INFLIGHT_FDS, MAX_QUEUED_REPLY_BYTES } from './limits';
import { SharedBudget } from './budget';

export { MAX_INFLIGHT } from './limits';

type SessionState = 'opening' | 'open' | 'releasing' | 'released';

export interface SessionDeps {
  broker: BrokerView;
  device: ControlDeviceView;
  dispatch: ReadonlyMap<number, DispatchEntry>;
  /** Bytes and fds all sessions together may hold. */
  budget: SharedBudget;
  onReleased(session: Session): void;
}

/** fds a request keeps: what its ioctl takes (DispatchEntry.fds); unknown commands take none. */
export function dispatchFdPolicy(dispatch: ReadonlyMap<number, DispatchEntry>): FdPolicy {
  let maxPerFrame = 0;
  for (const entry of dispatch.values()) maxPerFrame = Math.max(maxPerFrame, entry.fds ?? 0);
  return { maxPerFrame, forCmd: (cmd) => dispatch.get(cmd)?.fds ?? 0 };
}

export class Session implements SessionView {
  readonly objects = new OwnedObjects();
  readonly openedAt = Date.now();
  readonly device: ControlDeviceView;
  fwUid = 0;
  uctxCap = 0;
  ucap = 0;
  /** The device's context for this open: the UID and everything run under it. */
  private context: DeviceContext | undefined;
  rpcCount = 0;
  private state: SessionState = 'opening';
  private readonly channel: Channel;
  private inflight = 0;
  private inflightBytes = 0;
  /** Received fds on requests not yet run, charged to the shared budget too. */
  private inflightFds = 0;
  /** Reading stopped by this session's own caps; reopens below half of each (no flapping). */
  private overOwnCaps = false;
  private readonly unsubscribe: () => void;
  /** Woken when the peer has read every queued reply (see MAX_QUEUED_REPLY_BYTES). */
  private drainWaiters: (() => void)[] = [];
  private chain: Promise<void> = Promise.resolve();
  private releasing: Promise<void> | undefined;

  constructor(
    readonly id: number,
    fd: number,
    readonly peer: PeerIdentity,
    readonly maxScope: ScopeValue,
    readonly defaultScope: ScopeValue,
    private readonly deps: SessionDeps,
  ) {
    this.device = deps.device;
    const budget = deps.budget;
    this.channel = new Channel(
      fd,
      {
        onFrame: (frame) => this.onFrame(frame),
        onProtocolError: (err) => this.onProtocolError(err),
        onClose: (err) => this.onChannelClosed(err),
        onDrain: () => {
          this.wakeDrainWaiters();
          this.updateReading();
        },
      },
      { fdPolicy: dispatchFdPolicy(deps.dispatch), onBufferedBytes: (delta) => budget.addBytes(delta) },
    );
    this.unsubscribe = budget.subscribe(() => {
      this.wakeDrainWaiters();
      this.updateReading();
    });
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** Closed by the peer or the broker, its objects and UID not yet all given back. */
  get isReleasing(): boolean {
    return this.state === 'releasing';
  }

  /** open(2): creates the firmware user context and tells the client its session is ready. */
  async open(): Promise<void> {
    try {
      this.context = await this.device.backend.open({ allowedUctxCaps: this.allowedUctxCaps() });
      this.fwUid = this.context.uid;
      this.uctxCap = this.context.uctxCaps;
      this.ucap = userCapNumbers(this.peer);
    } catch (err) {
      const errno = err instanceof ErrnoError ? err.errno : Errno.EIO;
      this.log('warn', 'session_open_failed', { errno: errnoName(errno), message: String(err) });
      this.refuse(errno);
      return;
    }
    if (this.state !== 'opening') {
      // The peer vanished while the UCTX was being created: give it straight back.
      this.state = 'open';
      await this.release();
      return;
    }
    this.state = 'open';
    this.log('info', 'session_open', { fw_uid: this.fwUid, uctx_cap: this.uctxCap, max_scope: this.maxScope });
    const greeting = encodeStruct(mlx5ctldOpen, { version: PROTOCOL_VERSION, max_scope: this.maxScope, max_frame: MAX_FRAME_SIZE });
    this.channel.send(encodeFrame(MLX5CTLD_OPEN, 0, 0, greeting));
  }

  /** Refuses the open: an OPEN frame with -errno, then the connection closes. */
  refuse(errno: number): void {
    this.state = 'released';
    this.channel.send(encodeFrame(MLX5CTLD_OPEN, 0, -errno));
    this.channel.end();
  }

  /** Ends the session from the broker's side (shutdown, device removal). */
  async close(): Promise<void> {
    this.channel.end();
    await this.release();
  }

  /**
   * Sends an unsolicited frame (seq 0, result 0), such as a devlink monitor event. Returns false
   * once the session is no longer open, so a subscriber can tell it is talking to nobody.
   */
  push(cmd: number, ...parts: Buffer[]): boolean {
    return this.pushResult(cmd, 0, ...parts);
  }

  /** An unsolicited frame with a result of its own (a monitor's -ENOBUFS overrun notice). */
  pushResult(cmd: number, result: number, ...parts: Buffer[]): boolean {
    if (this.state !== 'open') return false;
    this.channel.send(encodeFrame(cmd, 0, result, ...parts));
    return true;
  }

  /** Runs one command under this session's context (its UID), at `scope`. */
  execute(inbox: Buffer, outlen: number, scope: ScopeValue): Promise<Buffer> {
    if (!this.context) return Promise.reject(new ErrnoError(Errno.EBADF, 'session has no device context'));
    return this.context.execute(inbox, outlen, scope);
  }

  /** Bytes queued for the peer that its socket has not taken yet. */
  get queuedBytes(): number {
    return this.channel.pendingBytes;
  }

  /** Resolves once the peer has read everything queued for it, or the session ends. */
  whenDrained(): Promise<void> {
    return this.channel.pendingBytes === 0 || this.state !== 'open' ? Promise.resolve() : this.drained();
  }

  /** Releases firmware state exactly once; safe to call from any path. */
  release(): Promise<void> {
    if (!this.releasing) this.releasing = this.doRelease();
    return this.releasing;
  }

  private async doRelease(): Promise<void> {
    if (this.state === 'opening') {
      this.state = 'releasing';
      return; // open() sees the state change and releases once the UCTX exists.
    }
    const hadUctx = this.state === 'open';
    this.state = 'releasing';
    this.wakeDrainWaiters();
    await this.chain.catch(() => undefined);
    await this.objects.releaseAll((obj, err) =>
      this.log('error', 'object_release_failed', { kind: obj.kind, id: obj.id, message: String(err) }),
    );
    if (hadUctx) await this.closeContext();
    this.state = 'released';
    this.log('info', 'session_released', { fw_uid: this.fwUid, rpcs: this.rpcCount });
    this.deps.onReleased(this);
  }

  /**
   * As the upstream mlx5 fwctl driver's open: TOOLS_RESOURCES (when the device has it), nothing
   * else, whoever the opener is. One UID serves both uAPIs, so the mlx5ctl misc driver's extra
   * bits (RAW_TX for CAP_NET_RAW, INTERNAL_DEVICE_RESOURCES for CAP_SYS_RAWIO) are not granted:
   * debug tools need neither, and FWCTL_INFO must report what fwctl would.
   */
  private allowedUctxCaps(): number {
    return UctxCap.TOOLS_RESOURCES;
  }

  private async closeContext(): Promise<void> {
    const context = this.context;
    this.context = undefined;
    // A removed device took its contexts with it (the kernel closes them at unregister).
    if (!context || this.device.removed) return;
    try {
      await context.close();
    } catch (err) {
      // As in the kernel driver: a failed DESTROY_UCTX is logged, the release still completes.
      this.log('error', 'destroy_uctx_failed', { message: err instanceof Error ? err.message : String(err) });
    }
  }

  private onFrame(frame: Frame): void {
    if (this.state !== 'open') {
      closeQuietly(frame.fds);
      return;
    }
    // The channel left only the fds this request's ioctl takes. With the broker's fd budget
    // spent they are closed now and the request is answered ENFILE, as an open(2) would be.
    let refusal: ErrnoError | undefined;
    const fdCount = frame.fds.length;
    let chargedFds = 0;
    if (fdCount > 0) {
      if (this.deps.budget.tryTakeFds(fdCount)) {
        chargedFds = fdCount;
      } else {
        closeQuietly(frame.fds.splice(0));
        refusal = new ErrnoError(Errno.ENFILE, `the broker holds ${this.deps.budget.fds} received fds (limit ${this.deps.budget.limits.fds})`);
      }
    }
    this.inflight++;
    this.inflightBytes += frame.length;
    this.inflightFds += chargedFds;
    this.deps.budget.addBytes(frame.length);
    this.updateReading();
    const done = (): void => {
      this.inflight--;
      this.inflightBytes -= frame.length;
      this.inflightFds -= chargedFds;
      this.deps.budget.releaseFds(chargedFds);
      this.deps.budget.addBytes(-frame.length);
      this.updateReading();
    };
    // Idle session: start at once instead of queueing behind a settled promise (saves
    // microtask hops on every RPC); otherwise keep arrival order.
    this.chain = this.inflight === 1 ? this.handle(frame, refusal).then(done) : this.chain.then(() => this.handle(frame, refusal)).then(done);
  }

  /**
   * Reads while the session is under its own caps (requests, request bytes and fds in flight)
   * and the shared byte budget has room, or holds nothing at all: a session with no request
   * waiting and no reply unread is served even when others have spent the budget.
   */
  private updateReading(): void {
    if (this.state === 'released' || this.channel.isClosed) return;
    if (this.overOwnCaps) {
      this.overOwnCaps = this.inflight >= MAX_INFLIGHT / 2 || this.inflightBytes >= MAX_INFLIGHT_BYTES / 2 || this.inflightFds >= MAX_INFLIGHT_FDS / 2;
    } else {
      this.overOwnCaps = this.inflight >= MAX_INFLIGHT || this.inflightBytes >= MAX_INFLIGHT_BYTES || this.inflightFds >= MAX_INFLIGHT_FDS;
    }
    const holdsNothing = this.inflight === 0 && this.channel.pendingBytes === 0;
    if (!this.overOwnCaps && (holdsNothing || !this.deps.budget.bytesExhausted)) this.channel.resume();
    else this.channel.pause();
  }

  /**
   * A peer that does not read its replies gets no more work done: its requests wait (and reading
   * pauses at MAX_INFLIGHT) instead of replies piling up in the broker's memory. With the shared
   * budget spent, any unread reply is enough to wait; a session whose replies were all taken
   * still runs its next request.
   */
  private mustWaitForReader(): boolean {
    const unread = this.channel.pendingBytes;
    return unread > MAX_QUEUED_REPLY_BYTES || (unread > 0 && this.deps.budget.bytesExhausted);
  }

  private async handle(frame: Frame, refusal: ErrnoError | undefined): Promise<void> {
    if (this.state === 'open' && this.mustWaitForReader()) {
      while (this.state === 'open' && this.mustWaitForReader()) await this.drained();
      if (this.state !== 'open') {
        closeQuietly(frame.fds);
        return;
      }
    }
    const fds = [...frame.fds];
    let outcome: DispatchOutcome;
    try {
      outcome = await dispatchRequest(this.deps.dispatch, { broker: this.deps.broker, session: this, frame, refusal, takeFd: () => fds.shift() });
    } finally {
      closeQuietly(fds);
    }
    if (this.state === 'open') this.channel.sendFrame(frame.cmd, frame.seq, outcome.result, outcome.parts);
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private wakeDrainWaiters(): void {
    if (this.drainWaiters.length === 0) return;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const wake of waiters) wake();
  }

  private onProtocolError(err: FrameError): void {
    this.log('warn', 'protocol_error', { errno: errnoName(err.errno), message: err.message });
    // Tell the client why, then hang up: after a bad header the stream cannot be resynchronized.
    this.channel.send(encodeFrame(0, 0, -err.errno));
    this.channel.end();
  }

  private onChannelClosed(err?: Error): void {
    if (err) this.log('warn', 'connection_error', { message: err.message });
    this.unsubscribe();
    // Nothing will drain any more; let queued requests finish (their replies are dropped).
    this.wakeDrainWaiters();
    void this.release();
  }

  private log(level: 'debug' | 'info' | 'warn' | 'error', event: string, fields: Record<string, unknown> = {}): void {
    this.deps.broker.logger.log(level, event, {
      session: this.id,
      device: this.device.ctlName,
      pid: this.peer.pid,
      uid: this.peer.uid,
      ...fields,
    });
  }
}
